// Trellis page behaviour. No inline scripts anywhere (the Content Security Policy forbids them).
(function () {
  "use strict";

  // Automatic logoff: the server ends an idle session after SESSION_IDLE_SECONDS; the page warns
  // a minute before and then goes to the login page so nothing stays on screen.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (idleSeconds > 0 && body.getAttribute("data-authenticated") === "true") {
    var warning = document.getElementById("idle-warning");
    var warnTimer, logoutTimer;
    var reset = function () {
      clearTimeout(warnTimer);
      clearTimeout(logoutTimer);
      if (warning) { warning.hidden = true; }
      warnTimer = setTimeout(function () {
        if (warning) { warning.hidden = false; }
      }, Math.max(0, idleSeconds - 60) * 1000);
      logoutTimer = setTimeout(function () {
        window.location.assign(body.getAttribute("data-login-url") + "?expired=1");
      }, idleSeconds * 1000);
    };
    // Only server round trips renew the session, so only they reset the timer.
    document.addEventListener("htmx:afterRequest", reset);
    reset();
    // Typing in a form is activity too: at most once every two minutes it renews the session
    // (the warning's "Stay signed in" button does the same at once), so slow typing loses
    // nothing. A page merely left open still signs out.
    var lastPing = Date.now();
    var keepAlive = document.getElementById("keep-alive");
    document.addEventListener("input", function (event) {
      if (!keepAlive || !event.target.form || Date.now() - lastPing < 120000) { return; }
      lastPing = Date.now();
      keepAlive.click();
    });
    if (warning) {
      var shown = new MutationObserver(function () {
        if (!warning.hidden && keepAlive) { keepAlive.focus(); }
      });
      shown.observe(warning, { attributes: true, attributeFilter: ["hidden"] });
    }
  }

  // A page that opens on one part of itself (a finished run's preview) marks it data-autofocus.
  var first = document.querySelector("[data-autofocus]");
  if (first) { first.focus(); }

  // Confirm before destructive or irreversible actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // Copy a secret link shown once (a calendar feed): <button data-copy="id-of-its-code">; the
  // button says it copied, and a status region announces it.
  // Where the clipboard is refused (or absent) the link is selected and the region says to
  // copy it by hand.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var said = button.parentNode.querySelector("[data-copied]");
    var refused = function () {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (said) { said.textContent = said.getAttribute("data-copy-refused"); }
    };
    if (!navigator.clipboard) { refused(); return; }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      if (said) { said.textContent = said.getAttribute("data-copied"); }
    }, refused);
  });

  // Slow posts (a schedule run, a publication): <form data-busy="Publishing…"> says the page is
  // working in its [data-busy-note] and marks its buttons busy once sent; a second click does
  // not send it twice. Marked after the submission has started.
  // The buttons are marked aria-disabled, not disabled, so the pressed one keeps the focus
  // (data-busy-sent already refuses a second submission); the note is an empty status region
  // from the start, so writing its text is announced.
  var setBusy = function (form, busy) {
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
      if (busy) { button.setAttribute("aria-disabled", "true"); } else { button.removeAttribute("aria-disabled"); }
    });
    var note = form.querySelector("[data-busy-note]");
    if (note) { note.textContent = busy ? form.getAttribute("data-busy") : ""; }
  };
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form.getAttribute && form.getAttribute("data-busy")) || event.defaultPrevented) { return; }
    if (form.getAttribute("data-busy-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-busy-sent", "true");
    setTimeout(function () { setBusy(form, true); }, 0);
  });
  // A page restored from the back-forward cache shows its forms as they were left: sendable.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-busy-sent]"), function (form) {
      form.removeAttribute("data-busy-sent");
      setBusy(form, false);
    });
  });
})();

// Small screens show table.responsive rows as cards; each cell is labelled with its column
// header. Cells rendered without data-label get their header's text here.
(function () {
  "use strict";
  var label = function (root) {
    var tables = (root.querySelectorAll ? root : document).querySelectorAll("table.responsive");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && heads[i] && !cell.hasAttribute("colspan")) {
            cell.setAttribute("data-label", heads[i]);
          }
        });
      });
    });
  };
  label(document);
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target.parentNode || document); });
})();
