/*
 * The page of a snapshot being taken: follows its job (explorer/jobs/snapshot.py) over the tab's
 * websocket and opens the snapshot once it is kept. No inline script: loaded with <script src>.
 */
(function () {
  "use strict";
  const root = document.getElementById("taking");
  if (!root || !window.ExplorerLive) return;
  const bar = root.querySelector("[data-job-progress]");
  const message = root.querySelector("[data-job-message]");
  window.ExplorerLive.connection().follow(root.dataset.task, function (report) {
    bar.max = Math.max(report.total, 1);
    bar.value = report.state === "done" ? bar.max : report.done;
    message.textContent = report.message || report.state;
    if (report.state === "done") window.location.assign(root.dataset.doneUrl);
  });
})();
