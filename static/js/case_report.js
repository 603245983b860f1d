/* 网格事件上报: "使用我的位置" fills the longitude and latitude fields from the device's
 * position (navigator.geolocation). Without JavaScript or a position the worker types
 * the point or chooses the community; the button stays hidden where it cannot work.
 * CSP-safe: no inline handlers, no eval.
 */
(function () {
  "use strict";

  function init() {
    var button = document.querySelector("[data-locate]");
    if (!button || !("geolocation" in navigator)) return;
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var status = document.getElementById("locate-status");
    if (!lon || !lat) return;
    var lang = document.documentElement.lang || "";
    var english = lang.indexOf("en") === 0;
    var text = {
      busy: english ? "Locating…" : "正在定位…",
      done: english ? "Position filled in (accuracy about %s m)." : "已填入当前位置（精度约 %s 米）。",
      fail: english ? "Could not get the position; enter it or choose the community." : "无法获取位置，请手动填写经纬度或选择所属社区。"
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = text.busy;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lon.value = position.coords.longitude.toFixed(6);
          lat.value = position.coords.latitude.toFixed(6);
          status.textContent = text.done.replace("%s", Math.round(position.coords.accuracy));
          button.disabled = false;
        },
        function () {
          status.textContent = text.fail;
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
