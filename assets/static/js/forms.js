// Form helpers (progressive enhancement; every form works without them).
//
// - In a form marked data-enter-stays, Enter in a one-line field does not
//   submit: a long form is sent with its buttons, not by a stray key.
//   Without JavaScript, the form's first submit button is a hidden
//   « Enregistrer et continuer » that saves a draft and comes back to the
//   form, so nothing is lost either way.
// - A checkbox with data-disables="id" disables the fields inside the
//   element of that id while it is checked (« Toute la journée » and the
//   time fields). The server ignores those fields then, with or without
//   this script.
(function () {
  "use strict";
  document.querySelectorAll("form[data-enter-stays]").forEach(function (form) {
    var stop = function (event) {
      var t = event.target;
      if (event.key !== "Enter" || t.tagName !== "INPUT") { return; }
      if (t.type === "submit" || t.type === "button" || t.type === "reset") { return; }
      event.preventDefault();
    };
    // Browsers submit on the keypress that follows an unprevented keydown;
    // stopping both covers every way the key reaches the field.
    form.addEventListener("keydown", stop);
    form.addEventListener("keypress", stop);
  });
  document.querySelectorAll("input[type=checkbox][data-disables]").forEach(function (box) {
    var target = document.getElementById(box.getAttribute("data-disables"));
    if (!target) { return; }
    var sync = function () {
      target.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = box.checked;
      });
      target.classList.toggle("is-disabled", box.checked);
    };
    box.addEventListener("change", sync);
    sync();
  });
})();
