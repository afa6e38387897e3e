// The end of a publicity period as the editor types (cms/notices/period_preview.py).
// Reads 开始方式, 开始日期 and 公示期 of the notice form; writes the answer into the
// live region the outlook panel holds, so a screen reader hears it too.
(function () {
  "use strict";

  function field(name) {
    return document.querySelector('[name="' + name + '"]');
  }

  function startRule() {
    var checked = document.querySelector('[name="start_rule"]:checked');
    var select = field("start_rule");
    if (checked) return checked.value;
    return select ? select.value : "";
  }

  function setUp() {
    var output = document.querySelector("[data-period-preview]");
    var days = field("working_days");
    if (!output || !days) return;
    var url = output.getAttribute("data-period-preview");
    var pending = null;

    function update() {
      var start = field("start_date");
      var query = new URLSearchParams({
        start_rule: startRule(),
        start_date: start ? start.value : "",
        working_days: days.value,
      });
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?" + query.toString(), {
        credentials: "same-origin",
        signal: pending.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          output.textContent = answer.text || answer.error || "";
          output.classList.toggle("help-warning", Boolean(answer.error));
        })
        .catch(function () { /* a newer request replaced this one */ });
    }

    ["start_date", "working_days", "start_rule"].forEach(function (name) {
      document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        input.addEventListener("input", update);
        input.addEventListener("change", update);
      });
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
