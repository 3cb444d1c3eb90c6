// Copy buttons (progressive enhancement): a button[data-copy] is hidden
// until this script runs; it copies the value of the field it names and
// says so in the live region named by data-copy-status (data-copy-done,
// when set, is what it says once copied).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function (ok) {
        if (status) {
          status.textContent = ok ? (button.getAttribute("data-copy-done") || "Lien copié : collez-le dans votre agenda.") : "La copie n’a pas fonctionné : sélectionnez le lien et copiez-le à la main.";
        }
      };
      field.focus();
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      if (copied || !navigator.clipboard) {
        done(copied);
        return;
      }
      navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { done(false); });
    });
  });
})();
