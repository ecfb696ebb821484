/*
 * The header's "find anything" box: "/" focuses it from anywhere on the page (unless the reader
 * is typing in a field already), Escape leaves it. Loaded on every page with <script defer>.
 */
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", (event) => {
    const box = document.getElementById("find");
    if (!box) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && event.target === box) {
      box.blur();
    }
  });
})();
