// Progress indication for slow forms (progressive enhancement: the form
// works the same without it). A submit button with data-busy="…" shows
// that text once pressed and is disabled, so the planner is not run twice
// by an impatient second click. It is disabled only once the submission
// has started, so its name and value (action=plan) are still sent.
(function () {
  "use strict";
  document.querySelectorAll("button[data-busy]").forEach(function (button) {
    var form = button.form;
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter !== button) { return; }
      button.textContent = button.getAttribute("data-busy");
      button.setAttribute("aria-busy", "true");
      var status = document.getElementById(button.getAttribute("aria-describedby") || "");
      if (status) { status.textContent = button.getAttribute("data-busy"); }
      // Disabled after the submission has started, so that it still goes.
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
