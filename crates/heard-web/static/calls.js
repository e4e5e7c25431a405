// Log a call: find the caller as the agent types. The page works without this: the
// Find button runs the same search on the server.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var out = document.getElementById("matches");
  if (!input || !out || !window.fetch) { return; }
  var timer = null;
  var last = "";
  function show(matches) {
    out.textContent = "";
    if (!matches.length) {
      var p = document.createElement("p");
      p.textContent = "No customer matches. Take the caller's details below.";
      out.appendChild(p);
      return;
    }
    var ul = document.createElement("ul");
    ul.className = "match-list";
    matches.forEach(function (m) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/calls/new?customer=" + encodeURIComponent(m.id);
      a.textContent = m.name;
      var span = document.createElement("span");
      span.className = "caption";
      span.textContent = " " + m.detail;
      li.appendChild(a);
      li.appendChild(span);
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q === last) { return; }
      last = q;
      if (q.length < 3) { out.textContent = ""; return; }
      fetch("/calls/lookup?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (m) { if (input.value.trim() === q) { show(m); } })
        .catch(function () {});
    }, 250);
  });
})();
