/* Paints rating badges and bars from their data attributes. A static file because a strict
 * Content-Security-Policy refuses inline style attributes; styles set from a script are allowed. */
(function () {
  "use strict";
  function paint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-colour]"), function (el) {
      el.style.backgroundColor = el.getAttribute("data-colour");
      el.style.color = el.getAttribute("data-ink") || "#ffffff";
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-width]"), function (el) {
      el.style.width = (parseInt(el.getAttribute("data-width"), 10) || 0) + "px";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", paint);
  else paint();
})();
