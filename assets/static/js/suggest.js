// Search-as-you-type for the request form, as progressive enhancement: an
// input with data-suggest="/url" gets a <datalist> filled from that JSON
// endpoint ([{value, label}]) as the person types. The endpoint writes
// each value the way the server reads it back (a commune as
// « Roubaix — CP 59100 », a quartier as « Alma-Gare (QN05901M) ») and
// its label as a hint beside it (the département, the communes). With
// data-suggest-multi, only the text after the last comma is searched and
// the earlier entries are kept. Without JavaScript the field is a plain
// text input that the server resolves.
(function () {
  "use strict";
  function enhance(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-propositions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var multi = input.hasAttribute("data-suggest-multi");
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var value = input.value;
        var prefix = "";
        var query = value;
        if (multi) {
          var cut = value.lastIndexOf(",");
          if (cut >= 0) {
            prefix = value.slice(0, cut + 1).replace(/\s*$/, "") + " ";
            query = value.slice(cut + 1);
          }
        }
        query = query.trim();
        if (query.length < 2 || query === asked) {
          return;
        }
        asked = query;
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin"
        }).then(function (r) {
          return r.ok ? r.json() : [];
        }).then(function (items) {
          var options = items.map(function (it) {
            var o = document.createElement("option");
            o.value = prefix + it.value;
            o.label = it.label;
            return o;
          });
          list.replaceChildren.apply(list, options);
        }).catch(function () {
          // Suggestions are a convenience: the form works without them.
        });
      }, 200);
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(enhance);
})();
