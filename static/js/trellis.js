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
  }

  // Confirm before destructive or irreversible actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
