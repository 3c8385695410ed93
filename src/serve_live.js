// Live reload for `mallette serve`: reload on rebuild, show content errors in an overlay.
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
  var source = new EventSource("/__mallette/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("error", function (event) {
    if (event && typeof event.data === "string") { showError(event.data); }
  });
})();
