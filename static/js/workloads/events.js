/*
 * The events page: the "events" view (explorer/viewmodels/workloads/events.py) on a timeline and as a list,
 * kept live. Messages reach the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;

  K.livePage("workloads", (p, live) => {
    const figure = document.getElementById("events-timeline");
    live.subscribe("events", { cluster: p.cluster, namespace: p.namespace, object: p.object }, {
      onModel: (model) => {
        const h = model.header;
        document.getElementById("events-summary").textContent =
          h.counts.shown + " events about " + h.scope + (h.counts.in_scope > h.counts.shown ? " (the latest of " + h.counts.in_scope + ")" : "");
        window.ExplorerTimeline.draw(figure, model.events);
        const latest = Object.values(model.events).sort((a, b) => (a.time < b.time ? 1 : -1)).slice(0, 200);
        K.replace("events-list", [K.table(["last seen", "type", "reason", "object", "count", "message"], latest.map((e) => {
          const l = e.link;
          const href = l.kind === "Pod" ? K.links.pod(p.cluster, l.namespace, l.name) : l.kind === "Node" ? K.links.node(p.cluster, l.name) : K.links.events(p.cluster, l.namespace, l.kind, l.name);
          return el("tr", { className: e.type === "Warning" ? "unhealthy" : "" }, [K.cell(e.time), K.cell(e.type), K.cell(e.reason),
            K.cell(el("a", { href: href }, e.object)), K.cell(e.count), K.cell(e.message)]);
        }))]);
      },
      onError: K.problem("events-summary"),
    });
  });
})();
