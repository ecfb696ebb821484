/*
 * Long jobs started from a page, with a progress bar (protocol: explorer/jobs/progress.py).
 *
 * Any <form data-job method="post" action="..."> holding a CSRF token becomes a job starter:
 * submitting it POSTs to its action (which answers 202 {"task": id, "download": url}), then the
 * page follows the task over its websocket (window.ExplorerLive, live.js) and keeps, inside the
 * form:
 *   <progress data-job-progress>   done / total of the task's latest report
 *   [data-job-message]             the report's message, as text
 *   <a data-job-result>            shown with the "download" URL once the task is done
 *   [data-job-start]               disabled while the task runs
 * A report says state queued, running, done or failed; a page that follows a task late is told
 * its latest report first. No inline script: this file is loaded with <script src>.
 */
(function () {
  "use strict";

  const FINISHED = new Set(["done", "failed"]);

  function part(form, name) {
    return form.querySelector("[data-job-" + name + "]");
  }

  function say(form, text) {
    const message = part(form, "message");
    if (message) message.textContent = text;
  }

  function draw(form, report, download) {
    const bar = part(form, "progress");
    const start = part(form, "start");
    const result = part(form, "result");
    if (bar) {
      bar.hidden = false;
      bar.max = Math.max(report.total, 1);
      if (report.total > 0 || report.state === "done") bar.value = report.state === "done" ? bar.max : report.done;
      else bar.removeAttribute("value"); // unknown length: the browser's busy bar
      bar.dataset.state = report.state;
    }
    let text = report.message || report.state;
    if (report.total > 0 && !FINISHED.has(report.state)) text += " (" + report.done + "/" + report.total + ")";
    say(form, text);
    if (start) start.disabled = !FINISHED.has(report.state);
    if (result && report.state === "done" && download) {
      result.href = download;
      if (report.download) result.setAttribute("download", report.download);
      result.hidden = false;
    }
  }

  async function startJob(form) {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    const result = part(form, "result");
    const start = part(form, "start");
    if (result) result.hidden = true;
    if (start) start.disabled = true; // one job at a time from this form
    say(form, "starting…");
    let answer;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
      });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.message || response.statusText);
    } catch (error) {
      say(form, "could not start: " + error.message);
      if (start) start.disabled = false;
      return;
    }
    let finished = false;
    form.dataset.task = answer.task;
    window.ExplorerLive.connection().follow(answer.task, function (report) {
      if (finished) return; // a late copy of an earlier report
      finished = FINISHED.has(report.state);
      draw(form, report, answer.download);
    });
  }

  function init() {
    for (const form of document.querySelectorAll("form[data-job]")) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        startJob(form);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
