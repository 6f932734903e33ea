// The "send code" button counts down after a code was sent (data-countdown, in seconds), so a
// worker sees when they may ask again. Only a convenience: the server's limits decide, and
// without JavaScript the button stays as it is.
(function () {
  "use strict";

  function start(button) {
    var left = parseInt(button.getAttribute("data-countdown"), 10);
    if (!(left > 0) || button.hasAttribute("data-counting")) {
      return;
    }
    var label = button.textContent;
    var template = button.getAttribute("data-wait-label") || "{s}";
    button.setAttribute("data-counting", "");
    button.disabled = true;
    function tick() {
      if (left <= 0 || !button.isConnected) {
        button.disabled = false;
        button.textContent = label;
        button.removeAttribute("data-counting");
        return;
      }
      button.textContent = template.replace("{s}", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function scan(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("button[data-countdown]").forEach(start);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
  });
  // htmx swaps in a fresh #mobile-block after "send code".
  document.addEventListener("htmx:load", function (event) {
    scan(event.target);
  });
})();
