/*
 * The pod page's "How it started": the pod view's `timeline` (explorer/viewmodels/workloads/pod_timeline.py)
 * as a row per step — when, how long after creation, in words — with the Events behind each step folded
 * under it, and a bar whose segments are the time each step took. Every string goes to the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  const HEADERS = ["step", "when", "since created", "how"];
  const COLOURS = { scheduled: "#2a5db0", initialized: "#9467bd", started: "#2ca02c", ready: "#17becf" };

  function row(step) {
    const how = [step.words];
    if (step.details.length) {
      how.push(el("details", { className: "note" }, el("summary", {}, step.details.length + " events"),
        el("ul", {}, step.details.map((d) => el("li", {}, d)))));
    }
    return el("tr", { className: step.state === "done" ? "" : "not-sent", dataset: { step: step.step, state: step.state } },
      [K.cell(step.label), K.cell(step.at || step.state, "when"), K.cell(step.since), K.cell(how)]);
  }

  /* The steps that happened as segments of one bar, each as wide as the time it took. */
  function bar(steps) {
    const done = steps.filter((s) => s.state === "done" && s.seconds !== null);
    const total = done.length ? done[done.length - 1].seconds : 0;
    if (!(total > 0)) return null;
    let before = 0;
    const parts = [];
    for (const step of done.slice(1)) {
      const took = Math.max(0, step.seconds - before);
      before = Math.max(before, step.seconds);
      const part = el("span", { className: "segment", title: step.label + " after " + Math.round(took) + " s" }, took / total > 0.08 ? step.label : "");
      part.style.flexGrow = String(took);
      part.style.background = COLOURS[step.step] || "#7f7f7f";
      parts.push(part);
    }
    return el("div", { className: "timeline-bar", role: "img", "aria-label": "time each step took" }, parts);
  }

  function draw(model) {
    const timeline = model.timeline;
    if (!timeline) return;
    K.replace("pod-started", [
      el("p", { id: "pod-started-summary" }, timeline.summary || "Nothing records how this pod started."),
      bar(timeline.steps),
      K.table(HEADERS, timeline.steps.map(row), "steps pod-steps"),
    ]);
  }

  window.ExplorerPodTimeline = { draw: draw };
})();
