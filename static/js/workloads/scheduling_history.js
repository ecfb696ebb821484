/*
 * Scheduling as it happened: the "scheduling-history" view (explorer/viewmodels/workloads/scheduling_history.py),
 * kept live. How long pods waited for a node as a histogram (bar) and over time (scatter, a point per pod; a
 * click opens its page), the percentiles in words, the slowest pods, those still waiting, and those evicted
 * or preempted with why. Hover texts arrive escaped for Plotly; every other string goes to the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  const FLOOR = 0.5; // a wait under a second, on the logarithmic axis
  const TICKS = [[0.5, "< 1 s"], [1, "1 s"], [2, "2 s"], [5, "5 s"], [10, "10 s"], [30, "30 s"], [60, "1 min"], [300, "5 min"],
    [1800, "30 min"], [3600, "1 h"], [21600, "6 h"], [86400, "1 d"]];
  let cluster = "", points = {};

  function link(target, text) {
    const href = K.linkTo(target, cluster);
    return href ? el("a", { href: href }, text) : text;
  }

  function drawBins(model) {
    const bins = model.bins;
    const trace = {
      type: "bar",
      x: bins.map((b) => b.label),
      y: bins.map((b) => b.count),
      hovertext: bins.map((b) => b.count + " pods waited " + b.label),
      hovertemplate: K.HOVER_ONLY,
      marker: { color: "#2a5db0" },
    };
    K.plot(K.byId("history-bins"), [trace], {
      height: 260, margin: { t: 10, l: 60, r: 10, b: 50 },
      yaxis: { title: { text: "pods" }, rangemode: "tozero" }, uirevision: "bins",
    }, "histogram");
  }

  const HOURS = 3, HOUR = 3600 * 1000;

  /* A moment as Plotly reads a date: wall-clock time, here UTC (Plotly ignores a zone). */
  function plotlyTime(ms) {
    return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  }

  /* The last HOURS before the newest pod when older ones would squeeze them to a line (a
   * double-click shows every pod), else every pod (undefined: Plotly's own range). */
  function recent(shown) {
    const times = Object.values(shown).map((p) => Date.parse(p.created)).filter((t) => !Number.isNaN(t));
    if (!times.length) return undefined;
    const newest = Math.max(...times), oldest = Math.min(...times);
    if (newest - oldest <= 2 * HOURS * HOUR) return undefined;
    return [plotlyTime(newest - HOURS * HOUR), plotlyTime(newest + HOUR / 12)];
  }

  function drawScatter(model) {
    points = model.points;
    const groups = new Map();
    for (const [key, p] of Object.entries(points)) {
      if (!groups.has(p.group)) groups.set(p.group, { x: [], y: [], text: [], keys: [] });
      const g = groups.get(p.group);
      g.x.push(p.created.replace("T", " ").replace("Z", ""));
      g.y.push(Math.max(FLOOR, p.seconds));
      g.text.push(p.hover);
      g.keys.push(key);
    }
    const traces = [...groups.entries()].map(([group, g]) => ({
      type: "scatter", mode: "markers", name: group, x: g.x, y: g.y, customdata: g.keys,
      hovertext: g.text, hovertemplate: K.HOVER_ONLY,
      marker: { color: model.colours[group] || "#7f7f7f", size: 7, opacity: 0.75 },
    }));
    const figure = K.byId("history-scatter");
    const drew = K.plot(figure, traces, {
      height: 320, margin: { t: 10, l: 60, r: 10, b: 40 }, showlegend: true,
      legend: { orientation: "h", y: 1.1 }, xaxis: { range: recent(points) },
      yaxis: { type: "log", title: { text: "time to a node" }, tickvals: TICKS.map((t) => t[0]), ticktext: TICKS.map((t) => t[1]) },
      uirevision: "scatter",
    }, "scatter");
    if (drew && !figure.dataset.clicks) {
      figure.dataset.clicks = "1";
      figure.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        const chosen = point && points[point.customdata];
        const href = chosen && K.linkTo(chosen.link, cluster);
        if (href) window.location.href = href;
      });
    }
  }

  function gone(entry) {
    return entry.gone ? el("span", { className: "muted" }, " (deleted since)") : null;
  }

  function drawTables(model) {
    K.replace("history-slowest", model.slowest.length ? [K.table(["pod", "waited", "how", "node", "created"],
      model.slowest.map((s) => K.row([K.cell([link(s.link, s.pod), gone(s)]), s.waited, s.words, s.node, K.cell(s.created, "when")])),
      "steps history-slowest")] : [el("p", { className: "muted" }, "No pod here says when it was scheduled.")]);
    const h = model.header;
    const waiting = [K.table(["pod", "created", "so far"], model.waiting.map((w) => K.row([K.cell(link(w.link, w.pod)), K.cell(w.created, "when"), w.words])))];
    if (h.waiting > model.waiting.length) waiting.push(el("p", { className: "muted" }, "The oldest " + model.waiting.length + " of " + h.waiting + "."));
    K.replace("history-waiting", model.waiting.length ? waiting : [el("p", { className: "muted" }, "Every pod here has a node.")]);
    K.replace("history-disrupted", model.disrupted.length ? [K.table(["pod", "what", "when", "node", "why", "by", "from"],
      model.disrupted.map((d) => el("tr", { className: "unhealthy", dataset: { kind: d.kind } }, [
        K.cell([link(d.link, d.pod), gone(d)]), K.cell(d.kind), K.cell(d.at, "when"), K.cell(d.node),
        K.cell(el("ul", {}, d.why.map((w) => el("li", {}, w)))),
        K.cell(d.by ? [link(d.by.link, d.by.pod), d.by.priority !== null ? " (priority " + d.by.priority + ")" : ""] : ""),
        K.cell(d.sources.join("; ")),
      ])), "steps history-disrupted")] : [el("p", { className: "muted" }, "No pod here was evicted or preempted (as far as the pods and the last hour's Events say).")]);
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    live.subscribe("scheduling-history", { cluster: p.cluster }, {
      onModel: (model) => {
        const h = model.header;
        const status = K.byId("history-status");
        status.className = "";
        status.textContent = (h.scheduled - h.deleted_since) + " of the " + h.pods + " pods held say when they were scheduled" +
          (h.deleted_since ? ", and " + h.deleted_since + (h.deleted_since === 1 ? " pod" : " pods") + " deleted since (from the flight recorder's memory)" : "") +
          (h.waiting ? "; " + h.waiting + " still waiting for a node" : "") +
          (h.sampled ? "; the chart over time shows " + h.shown + " of them, an even sample with the slowest" : "") + ".";
        K.setText("history-percentiles", model.percentiles.words);
        drawBins(model);
        drawScatter(model);
        drawTables(model);
      },
      onError: K.problem("history-status"),
    });
  });
})();
