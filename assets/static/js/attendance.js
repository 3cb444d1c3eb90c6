// The facilitator's attendance list: each tick is saved as it is made
// (progressive enhancement; without this script the whole list is posted
// with its button, and a refusal shows it again as it was ticked).
//
// One request at a time per person: a tick changed while its request is
// under way is sent again once it returns, so the last tick always wins.
// A failed save (no network, server away) is kept in sessionStorage, said
// next to the name and retried with a growing delay; a reload of the page
// sends again what was not saved yet, so nothing ticked is lost.
(function () {
  "use strict";
  var form = document.querySelector("form[data-tick-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-tick-url");
  var token = form.querySelector("input[name=csrf_token]").value;
  var storeKey = "quartier-presences:" + url;
  var busy = {}, sent = {}, timers = {}, attempts = {};

  var pending = function () {
    try { return JSON.parse(window.sessionStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  };
  var keep = function (id, value) {
    var p = pending();
    if (value === null) { delete p[id]; } else { p[id] = value; }
    try { window.sessionStorage.setItem(storeKey, JSON.stringify(p)); } catch (e) { /* private mode: memory only */ }
  };
  var say = function (box, text, kind) {
    var state = document.getElementById("etat-" + box.value);
    if (!state) { return; }
    state.textContent = text;
    state.className = "tick-state" + (kind ? " tick-" + kind : "");
  };

  var save = function (box) {
    var id = box.value;
    if (busy[id]) { return; }
    var want = box.checked;
    busy[id] = true;
    sent[id] = want;
    keep(id, want);
    say(box, "Enregistrement…", "pending");
    var body = new URLSearchParams();
    body.set("registration", id);
    body.set("present", want ? "1" : "0");
    window.fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token }
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        busy[id] = false;
        if (res.ok) {
          attempts[id] = 0;
          if (box.checked !== sent[id]) { save(box); return; }
          keep(id, null);
          say(box, want ? "Présente ou présent : enregistré" : "Absente ou absent : enregistré", "saved");
          return;
        }
        if (res.status === 401 || res.status === 403) {
          // Signed out meanwhile: the tick stays kept, and is sent again
          // when this page is opened once signed in.
          say(box, "Non enregistré : votre connexion a expiré. Reconnectez-vous puis revenez sur cette page : la coche sera renvoyée.", "failed");
          return;
        }
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          // Refused for good (the session is not open, the person left
          // the list): say why, do not retry.
          keep(id, null);
          say(box, "Non enregistré : " + (data.message || "rechargez la page."), "failed");
          return;
        }
        retry(box);
      });
    }).catch(function () {
      busy[id] = false;
      retry(box);
    });
  };

  var retry = function (box) {
    var id = box.value;
    attempts[id] = (attempts[id] || 0) + 1;
    var wait = Math.min(30, Math.pow(2, attempts[id]));
    say(box, "Pas encore enregistré (connexion) : nouvel essai dans " + wait + " s…", "failed");
    window.clearTimeout(timers[id]);
    timers[id] = window.setTimeout(function () { save(box); }, wait * 1000);
  };

  // The count of people ticked present, as the boxes are ticked (the
  // server wrote it right for the page as loaded; walk-ins are told apart
  // and change only with a reload).
  var counter = document.getElementById("presences-compte");
  var recount = function () {
    if (!counter) { return; }
    var n = form.querySelectorAll("input[name=present]:checked").length;
    var num = counter.querySelector(".count-present");
    var word = counter.querySelector(".count-present-word");
    if (num) { num.textContent = String(n); }
    if (word) { word.textContent = n > 1 ? "présent·e·s" : "présent·e"; }
  };

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "present" || box.type !== "checkbox") { return; }
    recount();
    window.clearTimeout(timers[box.value]);
    save(box);
  });
  // Back online: retry at once what waits.
  window.addEventListener("online", function () {
    Object.keys(pending()).forEach(function (id) {
      var box = form.querySelector("input[name=present][value='" + id + "']");
      if (box) { window.clearTimeout(timers[id]); save(box); }
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending()).length > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  // What a previous visit of this page could not save is sent again.
  var left = pending();
  Object.keys(left).forEach(function (id) {
    var box = form.querySelector("input[name=present][value='" + id + "']");
    if (!box || box.disabled) { keep(id, null); return; }
    box.checked = left[id];
    save(box);
  });
  recount();
  var hint = document.getElementById("presences-aide");
  if (hint) { hint.textContent = "Cochez chaque personne présente : chaque coche est enregistrée aussitôt, même si la connexion revient plus tard."; }
})();
