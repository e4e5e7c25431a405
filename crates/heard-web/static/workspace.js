// heard workspace: job switching by keyboard, drafts saved as the agent types, live
// updates and copy buttons. Every action also works without this script.
(function () {
  "use strict";
  var csrfInput = document.querySelector('input[name="csrf_token"]');
  var csrf = csrfInput ? csrfInput.value : "";

  // Errors and stale-form warnings take the focus, so a screen reader hears them first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // Alt+J / Alt+K: next / previous job. Alt+L: link the case as a duplicate of the first
  // open case suggested as the same issue.
  var jobs = Array.prototype.slice.call(document.querySelectorAll("a[data-job]"));
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.code === "KeyL") {
      var link = document.querySelector("form[data-duplicate] button");
      if (link) { e.preventDefault(); link.click(); }
      return;
    }
    if (jobs.length === 0) { return; }
    var step = e.code === "KeyJ" ? 1 : e.code === "KeyK" ? -1 : 0;
    if (step === 0) { return; }
    e.preventDefault();
    var at = jobs.findIndex(function (a) { return a.getAttribute("aria-current") === "page"; });
    var next = at < 0 ? (step > 0 ? 0 : jobs.length - 1) : (at + step + jobs.length) % jobs.length;
    saveDraft(true).finally(function () { window.location.href = jobs[next].href; });
  });

  // Drafts: the reply, its channel and the internal note, saved to the server as typed.
  var header = document.querySelector("[data-case]");
  var reference = header ? header.getAttribute("data-case") : null;
  var fields = Array.prototype.slice.call(document.querySelectorAll("[data-draft-field]"));
  var status = document.querySelector("[data-draft-status]");
  var timer = null;
  var dirty = false;
  function field(name) {
    var f = fields.find(function (x) { return x.getAttribute("data-draft-field") === name; });
    return f ? f.value : "";
  }
  function saveDraft(urgent) {
    if (!reference || !dirty) { return Promise.resolve(); }
    dirty = false;
    clearTimeout(timer);
    return fetch("/cases/" + reference + "/draft", {
      method: "POST",
      keepalive: !!urgent,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ channel: field("channel"), reply: field("reply"), note: field("note") })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (!status) { return; }
      if (j && j.saved) { status.textContent = "Draft saved at " + j.at; }
      else if (j) { status.textContent = "This job is closed, so the draft is not being saved."; }
    }).catch(function () {
      dirty = true;
      if (status) { status.textContent = "Draft not saved: the connection dropped. It will be tried again."; }
    });
  }
  fields.forEach(function (f) {
    var ev = f.tagName === "SELECT" ? "change" : "input";
    f.addEventListener(ev, function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(saveDraft, 700);
    });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { saveDraft(true); }
  });
  document.querySelectorAll("a").forEach(function (a) {
    a.addEventListener("click", function () { saveDraft(true); });
  });
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function () { dirty = false; clearTimeout(timer); });
  });

  // Standard replies: inserted where the cursor is, without leaving the page.
  var insert = document.querySelector("[data-insert-template]");
  var picker = document.getElementById("template");
  var replyBox = document.getElementById("reply_body");
  if (insert && picker && replyBox) {
    insert.addEventListener("click", function (e) {
      e.preventDefault();
      var opt = picker.options[picker.selectedIndex];
      var text = opt ? opt.getAttribute("data-body") : "";
      var at = replyBox.selectionStart || 0;
      replyBox.value = replyBox.value.slice(0, at) + text + replyBox.value.slice(replyBox.selectionEnd || at);
      replyBox.focus();
      replyBox.dispatchEvent(new Event("input"));
    });
  }

  // Email-only fields show only when the reply goes by email.
  var channel = document.getElementById("reply_channel");
  function showEmailFields() {
    var email = channel && channel.value === "email";
    document.querySelectorAll("[data-email-only]").forEach(function (el) { el.hidden = !email; });
  }
  if (channel) { channel.addEventListener("change", showEmailFields); showEmailFields(); }

  // Live: who else has this case open, and has anything new arrived. New messages are put
  // into the timeline in place (the page's forms keep what is being typed); if that fails,
  // the banner offers a reload.
  if (reference) {
    var shown = parseInt(header.getAttribute("data-contacts"), 10) || 0;
    var presence = document.querySelector("[data-presence]");
    var banner = document.querySelector("[data-live-banner]");
    var timeline = document.querySelector("ol.timeline");
    var showNew = function (count) {
      shown = count;
      var onLatest = !/[?&]before=/.test(window.location.search);
      if (!timeline || !onLatest) { if (banner) { banner.hidden = false; } return; }
      fetch("/cases/" + reference, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("ol.timeline");
          if (!fresh) { return Promise.reject("no timeline"); }
          timeline.innerHTML = fresh.innerHTML;
          if (banner) {
            banner.querySelector("p").textContent = "A new message has arrived: it is at the top of the timeline.";
            banner.hidden = false;
          }
        })
        .catch(function () { if (banner) { banner.hidden = false; } });
    };
    var poll = function () {
      fetch("/cases/" + reference + "/live", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) { return; }
          if (presence) {
            presence.textContent = j.viewers.length ? "Also working on this case: " + j.viewers.join(", ") : "";
          }
          if (j.contacts > shown) { showNew(j.contacts); }
        }).catch(function () {});
    };
    poll();
    setInterval(poll, 10000);
  }

  // Queue counts refresh in place.
  var counts = document.querySelector("[data-counts]");
  if (counts) {
    setInterval(function () {
      fetch("/queues/counts", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) { return; }
          j.views.forEach(function (v) {
            var el = counts.querySelector('[data-count="' + v[0] + '"]');
            if (el) { el.textContent = v[2] ? v[1] + "+" : String(v[1]); }
          });
        }).catch(function () {});
    }, 30000);
  }

  // One-click copy of values read from the contacts.
  document.querySelectorAll("[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var v = b.parentElement.querySelector("[data-copy-value]");
      if (!v || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(v.textContent).then(function () {
        var old = b.firstChild.textContent;
        b.firstChild.textContent = "Copied";
        setTimeout(function () { b.firstChild.textContent = old; }, 1500);
      });
    });
  });
})();
