// Live reload for `mallette serve`: reload on rebuild, show content errors in an overlay.
// Events come over a WebSocket (/__mallette/ws): messages "reload", or "error\n" + diagnostics.
// When the server goes away (restarted), the page retries and reloads once it is back.
(function () {
  "use strict";
  var overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.id = "mallette-error-overlay";
      var s = overlay.style;
      s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
      s.background = "rgba(20, 20, 20, 0.94)"; s.color = "#fff"; s.padding = "2rem";
      s.font = "14px/1.5 ui-monospace, monospace";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.textContent = document.documentElement.lang === "en"
      ? "Content errors — the last good build is shown underneath"
      : "Erreurs dans le contenu — la dernière version valide reste affichée dessous";
    var pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = text;
    overlay.appendChild(title);
    overlay.appendChild(pre);
  }
  var lost = false;
  function connect() {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__mallette/ws");
    socket.onopen = function () {
      if (lost) window.location.reload();
    };
    socket.onmessage = function (event) {
      var text = String(event.data);
      if (text === "reload") window.location.reload();
      else if (text.indexOf("error\n") === 0) showError(text.slice(6));
    };
    socket.onclose = function () {
      lost = true;
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
