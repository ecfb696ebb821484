/*
 * A paste's analysis is drawn in answer to the POST that sent the text; the address bar then
 * shows its permalink (data-permalink), so that it can be copied, reloaded or shared.
 */
(function () {
  "use strict";
  const link = document.getElementById("paste-permalink");
  if (link && link.dataset.permalink && window.location.pathname !== link.dataset.permalink) {
    window.history.replaceState(null, "", link.dataset.permalink);
  }
})();
