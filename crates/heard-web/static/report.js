// The report form's suggestions as the resident types: answers that may help, from
// /report/{service}/suggest. The form works the same without this script; the page
// already lists the service's own answers.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest]");
  var box = document.getElementById("suggestions");
  var text = document.getElementById("description");
  if (!form || !box || !text) { return; }
  var url = form.getAttribute("data-suggest");
  var list = box.querySelector("ul");
  var timer = null;
  var last = "";

  function show(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (a) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = a.url;
      link.textContent = a.title;
      var p = document.createElement("p");
      p.className = "caption";
      p.textContent = a.summary;
      li.appendChild(link);
      li.appendChild(p);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = text.value.trim();
      if (q.length < 4 || q === last) { return; }
      last = q;
      fetch(url + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(show)
        .catch(function () { /* keep what is shown */ });
    }, 350);
  });
})();
