// The accessible name Wagtail 8.0 leaves out on the page edit form (axe-core: aria-input-
// field-name): the rich-text editor's editable area (Draftail, role="textbox") gets its
// field's label or panel heading, as the other inputs have through <label for>. Draftail
// mounts late and again inside new blocks: a MutationObserver names whatever appears.
// The editing-sessions button's name is in the template (wagtailadmin/shared/
// editing_sessions/list.html). Remove both when Wagtail names them itself.
(function () {
  "use strict";

  function nameRichText(root) {
    root.querySelectorAll('.Draftail-Editor [role="textbox"]:not([aria-labelledby])').forEach(
      function (box) {
        // A rich-text field has no <label>: its panel's heading names it.
        var field = box.closest("[data-field-wrapper]");
        var label = field && field.querySelector("label[id]");
        var panel = box.closest(".w-panel__content[id]");
        var heading = panel && document.getElementById(panel.id.replace(/-content$/, "-heading"));
        var name = label || heading;
        if (name) box.setAttribute("aria-labelledby", name.id);
      },
    );
  }

  function nameAll() {
    nameRichText(document);
  }

  function start() {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
