// The attendance sheet's print button: shown only when this script runs
// (without it, the page says to print from the browser's menu).
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
