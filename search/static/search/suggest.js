// Suggestions as one types in the search box: titles, catalogue names and
// units from /api/search/suggest/, offered through the input's <datalist>
// (the browser's own list: keyboard and screen readers work as usual).
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-suggest-url]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) return;
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === last) return;
        last = q;
        fetch(input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data || input.value.trim() !== q) return;
            var seen = {};
            var values = [];
            data.titles.forEach(function (t) { values.push(t.title); });
            data.catalogues.forEach(function (c) { values.push(c); });
            data.units.forEach(function (u) { values.push(u.name); });
            while (list.firstChild) list.removeChild(list.firstChild);
            values.forEach(function (value) {
              if (seen[value]) return;
              seen[value] = true;
              var option = document.createElement("option");
              option.value = value;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience: say nothing */ });
      }, 150);
    });
  });
})();
