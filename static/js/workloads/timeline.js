/*
 * Events on a timeline (Plotly scatter): time across, reason down, one trace per type (Normal,
 * Warning), marker size by count. Points are the events view's (explorer/viewmodels/workloads/events.py):
 * its hover text and `tick` (the reason, a tick label) arrive escaped for Plotly; the plain
 * `reason` is for the DOM.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;
  const COLOURS = { Normal: "#2a5db0", Warning: "#d62728", other: "#7f7f7f" };


  function traces(points) {
    const byType = new Map();
    const sorted = Object.values(points || {}).sort((a, b) => (a.time < b.time ? -1 : 1));
    for (const p of sorted) {
      const type = p.type === "Normal" || p.type === "Warning" ? p.type : "other";
      if (!byType.has(type)) byType.set(type, { x: [], y: [], text: [], size: [] });
      const t = byType.get(type);
      t.x.push(p.time);
      t.y.push(p.tick);
      t.text.push(p.hover);
      t.size.push(Math.min(28, 8 + 4 * Math.log2(Math.max(1, p.count))));
    }
    return [...byType.entries()].map(([type, t]) => ({
      type: "scatter",
      mode: "markers",
      name: type,
      x: t.x,
      y: t.y,
      hovertext: t.text,
      hovertemplate: "%{x}<br>%{hovertext}<extra></extra>",
      marker: { color: COLOURS[type], size: t.size, opacity: 0.8 },
    }));
  }

  function draw(figure, points, empty) {
    const count = Object.keys(points || {}).length;
    if (!count) {
      figure.textContent = empty || "No events (the API server keeps them for an hour by default).";
      figure.classList.add("empty");
      return;
    }
    figure.classList.remove("empty");
    if (window.Plotly && !figure.data) figure.textContent = "";
    const reasons = new Set(Object.values(points).map((p) => p.reason));
    const layout = {
      margin: { t: 10, l: 170, r: 10, b: 40 },
      height: Math.max(220, 60 + 26 * reasons.size),
      xaxis: { type: "date", title: { text: "last seen" } },
      yaxis: { type: "category", automargin: true },
      legend: { orientation: "h", y: 1.08 },
      uirevision: "timeline",
    };
    K.plot(figure, traces(points), layout, "timeline");
  }

  window.ExplorerTimeline = { draw: draw };
})();
