/*
 * Proxy mode per node (model: explorer/viewmodels/network/proxy_mode.py): the mode found and the evidence.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork;

  function draw(container, model) {
    const body = N.clear(container.querySelector("[data-body]") || container);
    const counts = Object.entries(model.counts || {}).map(([mode, n]) => n + " " + mode);
    body.appendChild(N.el("p", "muted", "Nodes: " + (counts.join(", ") || "none")));
    const table = N.el("table", "steps");
    const head = N.el("tr");
    for (const title of ["node", "mode", "why", "evidence"]) head.appendChild(N.el("th", "", title));
    table.appendChild(N.el("thead")).appendChild(head);
    const rows = table.appendChild(N.el("tbody"));
    for (const node of model.nodes) {
      const row = N.el("tr", node.readable ? "" : "unreadable");
      row.appendChild(N.el("td", "", node.node));
      row.appendChild(N.el("td", "mode", node.mode + (node.readable ? "" : " (the explorer cannot read this mode)")));
      row.appendChild(N.el("td", "", node.summary));
      const evidence = N.el("td");
      const list = evidence.appendChild(N.el("ul", "evidence"));
      for (const item of node.evidence) list.appendChild(N.el("li", "", item.source + ": " + item.says));
      row.appendChild(evidence);
      rows.appendChild(row);
    }
    body.appendChild(table);
    container.dataset.drawn = String(model.nodes.length);
  }

  N.boot("proxy-mode", draw, { needs: [] });
})();
