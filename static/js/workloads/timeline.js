/*
 * Events on a timeline (Plotly scatter): time across, reason down, one trace per type (Normal,
 * Warning), marker size by count. Points are the events view's (explorer/viewmodels/workloads/events.py):
 * its hover text and `tick` (the reason, a tick label) arrive escaped for Plotly; the plain
 * `reason` is for the DOM.
 *
 * The time axis shows the last hour when an event falls in it, else the span of the events; the
 * buttons of templates/workloads/_timeline.html switch between the two, and a drag across the
 * figure zooms in (kept across live updates until a button is pressed or a double-click). Ticks read HH:MM:SS, with
 * the date under the first tick and wherever the day changes; every time is UTC, as the server
 * writes it (2026-01-02T03:04:05Z), which is also how the hovers say it.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;
  const COLOURS = { Normal: "#2a5db0", Warning: "#d62728", other: "#7f7f7f" };
  const MINUTE = 60 * 1000, HOUR = 60 * MINUTE;
  const views = new WeakMap(); // figure → {points, empty, window: "hour" | "all", zoom}

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
      hovertemplate: K.HOVER_ONLY,
      marker: { color: COLOURS[type], size: t.size, opacity: 0.8 },
    }));
  }

  /* A moment as Plotly reads a date: wall-clock time, here UTC (Plotly ignores a zone). */
  function plotlyTime(ms) {
    return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  }

  /* [start, end] in ms, and whether that is the last hour (it is not when no event is in it). */
  function shownRange(points, wanted) {
    const times = Object.values(points).map((p) => Date.parse(p.time)).filter((t) => !Number.isNaN(t));
    if (!times.length) return null;
    const now = K.now(), newest = Math.max(...times), oldest = Math.min(...times);
    if (wanted === "hour" && newest >= now - HOUR) {
      return { range: [now - HOUR, Math.max(now, newest) + MINUTE], hour: true };
    }
    const pad = Math.max(2 * MINUTE, (newest - oldest) * 0.03);
    return { range: [oldest - pad, newest + pad], hour: false };
  }

  function windowBar(figure) {
    return document.querySelector('.timeline-window[data-timeline="' + figure.id + '"]');
  }

  function viewOf(figure) {
    let view = views.get(figure);
    if (view) return view;
    view = { points: {}, empty: "", window: "hour", zoom: null, listening: false, resetting: false, draws: 0 };
    views.set(figure, view);
    const bar = windowBar(figure);
    if (bar) {
      for (const button of bar.querySelectorAll("button[data-window]")) {
        button.addEventListener("click", () => {
          view.window = button.dataset.window;
          view.zoom = null;
          render(figure, view);
        });
      }
    }
    return view;
  }

  /* The range the reader chose by dragging (kept while live updates redraw), or null after a
   * double-click, which goes back to the window. */
  function followZoom(figure, view) {
    if (view.listening || !figure.on) return;
    view.listening = true;
    figure.on("plotly_relayout", (change) => {
      if (view.resetting) return;
      if ("xaxis.range[0]" in change && "xaxis.range[1]" in change) {
        view.zoom = [change["xaxis.range[0]"], change["xaxis.range[1]"]];
        showWindow(figure, view);
      } else if (Array.isArray(change["xaxis.range"])) {
        view.zoom = change["xaxis.range"].slice();
        showWindow(figure, view);
      } else if (change["xaxis.autorange"]) {
        view.zoom = null;
        render(figure, view);
      }
    });
    figure.on("plotly_doubleclick", () => {
      view.resetting = true; // Plotly's own reset comes next: to the range of the first drawing
      window.setTimeout(() => {
        view.resetting = false;
        view.zoom = null;
        render(figure, view);
      }, 0);
    });
  }

  /* The buttons say which window is shown (none while zoomed in), the note why. */
  function showWindow(figure, view) {
    const bar = windowBar(figure);
    if (!bar) return;
    const count = Object.keys(view.points).length;
    const shown = shownRange(view.points, view.window);
    bar.hidden = !count;
    const showing = view.zoom ? "" : shown && shown.hour ? "hour" : "all";
    for (const button of bar.querySelectorAll("button[data-window]")) {
      button.setAttribute("aria-pressed", String(button.dataset.window === showing));
    }
    const note = bar.querySelector('[data-role="note"]');
    if (!note) return;
    note.textContent = !view.zoom && view.window === "hour" && shown && !shown.hour
      ? "No event in the last hour: showing the span of all " + count + "."
      : "Drag across the figure to zoom in, double-click to go back; times are UTC.";
  }

  function render(figure, view) {
    const points = view.points;
    const count = Object.keys(points).length;
    const shown = shownRange(points, view.window);
    showWindow(figure, view);
    if (!count) {
      figure.textContent = view.empty || "No events (the API server keeps them for an hour by default).";
      figure.classList.add("empty");
      return;
    }
    figure.classList.remove("empty");
    if (window.Plotly && !figure.data) figure.textContent = "";
    const reasons = new Set(Object.values(points).map((p) => p.reason));
    const layout = {
      margin: { t: 10, l: 170, r: 16, b: 64 },
      height: Math.max(240, 90 + 26 * reasons.size),
      xaxis: {
        type: "date",
        range: view.zoom || (shown ? shown.range.map(plotlyTime) : undefined),
        autorange: false,
        uirevision: ++view.draws, // the range is this script's to keep (view.zoom), not Plotly's
        tickformat: "%H:%M:%S\n%Y-%m-%d", // the date only under the first tick and where it changes
        nticks: 8,
        title: { text: "last seen (UTC)", standoff: 6 },
      },
      yaxis: { type: "category", automargin: true, fixedrange: true },
      dragmode: "zoom",
      legend: { orientation: "h", y: 1.08 },
      uirevision: "timeline", // a legend entry hidden stays hidden
    };
    K.plot(figure, traces(points), layout, "timeline");
    followZoom(figure, view);
  }

  function draw(figure, points, empty) {
    const view = viewOf(figure);
    view.points = points || {};
    view.empty = empty || "";
    render(figure, view);
  }

  window.ExplorerTimeline = { draw: draw };
})();
