/*
 * The events page: the "events" view (explorer/viewmodels/workloads/events.py) on a timeline and as a list,
 * kept live. The list shows the view's groups (one row per reason, object and message), latest first,
 * PAGE_ROWS at a time. Messages reach the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  const PAGE_ROWS = 100;
  const HEADERS = ["last seen", "first seen", "type", "reason", "object", "times", "message"];
  let cluster = "", rows = [], page = 0;

  function latestFirst(groups) {
    return Object.entries(groups).sort(([ka, a], [kb, b]) =>
      a.last < b.last ? 1 : a.last > b.last ? -1 : ka < kb ? -1 : 1).map(([, g]) => g);
  }

  function row(g) {
    const l = g.link;
    const href = K.pageOf(cluster, l.kind, l.namespace, l.name);
    return el("tr", { className: g.type === "Warning" ? "unhealthy" : "" }, [K.cell(g.last, "when"), K.cell(g.first, "when"), K.cell(g.type), K.cell(g.reason),
      K.cell(el("a", { href: href }, g.object), "object"), K.cell(g.count), K.cell(g.message)]);
  }

  function showPage() {
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
    page = Math.max(0, Math.min(page, pages - 1));
    const start = page * PAGE_ROWS, shown = rows.slice(start, start + PAGE_ROWS);
    for (const pager of document.querySelectorAll(".pager")) {
      pager.hidden = pages < 2;
      pager.querySelector('[data-step="-1"]').disabled = page === 0;
      pager.querySelector('[data-step="1"]').disabled = page >= pages - 1;
      pager.querySelector('[data-role="where"]').textContent =
        "rows " + (start + 1) + " to " + (start + shown.length) + " of " + rows.length + ", page " + (page + 1) + " of " + pages;
    }
    K.replace("events-list", [K.table(HEADERS, shown.map(row), "steps events")]);
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    const figure = document.getElementById("events-timeline");
    for (const button of document.querySelectorAll(".pager button[data-step]")) {
      button.addEventListener("click", () => {
        page += Number(button.dataset.step);
        showPage();
      });
    }
    live.subscribe("events", { cluster: p.cluster, namespace: p.namespace, object: p.object }, {
      onModel: (model) => {
        const h = model.header;
        rows = latestFirst(model.groups);
        document.getElementById("events-summary").textContent =
          h.counts.shown + " events about " + h.scope + (h.counts.in_scope > h.counts.shown ? " (the latest of " + h.counts.in_scope + ")" : "") +
          " in " + rows.length + " rows";
        window.ExplorerTimeline.draw(figure, model.events);
        showPage();
      },
      onError: K.problem("events-summary"),
    });
  });
})();
