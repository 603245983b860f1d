/* 一号申请: fill the longitude and latitude of the application form from the phone's
 * position (navigator.geolocation). Without JavaScript or permission, the fields stay
 * for typing by hand. No inline script: CSP forbids it. */
(function () {
  "use strict";
  var button = document.querySelector("[data-locate]");
  if (!button || !("geolocation" in navigator)) { return; }
  var status = document.querySelector("[data-locate-status]");
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  var text = {
    busy: button.getAttribute("data-busy") || "正在获取位置…",
    done: button.getAttribute("data-done") || "已获取当前位置",
    failed: button.getAttribute("data-failed") || "无法获取位置，请手动填写或只选择社区"
  };
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = text.busy;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      lon.value = position.coords.longitude.toFixed(6);
      lat.value = position.coords.latitude.toFixed(6);
      status.textContent = text.done + "（" + lon.value + ", " + lat.value + "）";
      button.disabled = false;
    }, function () {
      status.textContent = text.failed;
      button.disabled = false;
      var details = lon.closest("details");
      if (details) { details.open = true; }
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
}());
