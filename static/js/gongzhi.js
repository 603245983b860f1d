/* 共治 — the few behaviours the page shell needs. No framework; CSP-safe (no eval,
 * no inline handlers). Every page works without this file: it only saves clicks.
 *
 *   select[data-autosubmit]     submit the form when the choice changes (language,
 *                               jurisdiction); the form's own button stays for no-JS use
 *   [data-confirm="问题"]        ask before a button, link or form goes ahead
 *   form[data-submit-once]      disable the submit buttons after the first submit
 *                               (slow networks invite double submits)
 *   [data-print]                print the page
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Auto-submit. requestSubmit() fires the submit event, so confirmations and
  // htmx still see it; the fallback covers browsers without it.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit")) return;
    var form = select.form;
    if (!form) return;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });

  // The no-JS fallback buttons of auto-submitting forms are not needed with JS.
  function hideAutosubmitButtons(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (!select.form) return;
      select.form.querySelectorAll("[data-autosubmit-fallback]").forEach(function (button) {
        button.hidden = true;
      });
    });
  }

  // Confirmation on clicks (links and buttons) …
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (!target || target.tagName === "FORM") return;
    if (!window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // … and on whole forms (also when submitted with Enter).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (form.hasAttribute("data-submit-once")) {
      if (form.getAttribute("data-submitting") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "1");
      // Disable after this event, so the submitter's name/value is still sent.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
        });
      }, 0);
    }
  }, true);

  // Coming back with the browser's back button restores a page from the cache with
  // its buttons still disabled; enable them again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (!target) return;
    event.preventDefault();
    window.print();
  });

  // htmx: move focus to swapped-in content that asks for it, so keyboard and
  // screen-reader users land on the new content (hx-target with data-focus-on-swap).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var focusable = target.hasAttribute("data-focus-on-swap") ? target : target.querySelector("[data-focus-on-swap]");
    if (focusable) {
      if (!focusable.hasAttribute("tabindex")) focusable.setAttribute("tabindex", "-1");
      focusable.focus();
    }
    hideAutosubmitButtons(target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { hideAutosubmitButtons(document); });
  } else {
    hideAutosubmitButtons(document);
  }
})();
