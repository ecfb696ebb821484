/*
 * The events page: the "events" view (explorer/viewmodels/workloads/events.py) on a timeline and as a list,
 * kept live. Messages reach the DOM as text.
 */
(function () {
  "use strict";
  const W = window.ExplorerWorkloads;
  const el = W.el;

  W.ready(() => {
    const p = W.params();
    const live = W.connect(p);
    if (!live) return;
    const figure = document.getElementById("events-timeline");
    live.subscribe("events", { cluster: p.cluster, namespace: p.namespace, object: p.object }, {
      onModel: (model) => {
        const h = model.header;
        document.getElementById("events-summary").textContent =
          h.counts.shown + " events about " + h.scope + (h.counts.in_scope > h.counts.shown ? " (the latest of " + h.counts.in_scope + ")" : "");
        window.ExplorerTimeline.draw(figure, model.events);
        const latest = Object.values(model.events).sort((a, b) => (a.time < b.time ? 1 : -1)).slice(0, 200);
        W.replace("events-list", [W.table(["last seen", "type", "reason", "object", "count", "message"], latest.map((e) => {
          const l = e.link;
          const href = l.kind === "Pod" ? W.links.pod(p.cluster, l.namespace, l.name) : l.kind === "Node" ? W.links.node(p.cluster, l.name) : W.links.events(p.cluster, l.namespace, l.kind, l.name);
          return el("tr", { className: e.type === "Warning" ? "unhealthy" : "" }, [W.cell(e.time), W.cell(e.type), W.cell(e.reason),
            W.cell(el("a", { href: href, text: e.object })), W.cell(e.count), W.cell(e.message)]);
        }))]);
      },
      onError: W.problem("events-summary"),
    });
  });
})();
