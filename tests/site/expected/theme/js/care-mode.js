// 关怀版 (care mode): larger text and higher contrast, remembered in localStorage.
// Loaded in <head> without defer so the class is set before the page is first drawn;
// the switch stays hidden when scripts do not run, since it could not work then.
(function () {
  "use strict";
  var KEY = "gongshi-care-mode";
  var root = document.documentElement;

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "on";
    } catch (error) {
      return false; // storage blocked: the page still works, just without memory
    }
  }

  function remember(on) {
    try {
      if (on) {
        window.localStorage.setItem(KEY, "on");
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) {
      // storage blocked: the choice lasts for this page only
    }
  }

  if (remembered()) {
    root.classList.add("care-mode");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("care-toggle");
    if (!button) {
      return;
    }
    button.setAttribute("aria-pressed", String(root.classList.contains("care-mode")));
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = root.classList.toggle("care-mode");
      button.setAttribute("aria-pressed", String(on));
      remember(on);
    });
  });
})();
