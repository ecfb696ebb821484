/*
 * Drift per node (model: explorer/viewmodels/network/drift.py): what kube-proxy should have programmed
 * against what each node's rules hold, finding by finding.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork;

  function findings(node) {
    const table = N.el("table", "steps");
    const head = N.el("tr");
    for (const title of ["finding", "Service port", "endpoint", "chain", "detail"]) head.appendChild(N.el("th", "", title));
    table.appendChild(N.el("thead")).appendChild(head);
    const rows = table.appendChild(N.el("tbody"));
    for (const item of node.items) {
      const row = N.el("tr", "finding " + item.kind);
      const endpoint = item.endpoint ? item.endpoint + (item.pod ? " (" + item.pod + ")" : "") : "";
      for (const value of [item.kind, item.service || "", endpoint, item.chain || item.endpoint_chain || "", item.detail]) {
        row.appendChild(N.el("td", "", value));
      }
      rows.appendChild(row);
    }
    return table;
  }

  function draw(container, model) {
    const body = N.clear(container.querySelector("[data-body]") || container);
    const totals = Object.entries(model.totals || {}).filter(([, n]) => n).map(([k, n]) => n + " " + k);
    body.appendChild(
      N.el("p", totals.length ? "network-missing" : "", model.checked + " nodes checked; " +
        (totals.length ? totals.join(", ") : "no drift: every checked node has what kube-proxy should have programmed") + ".")
    );
    for (const node of model.nodes) {
      const section = N.el("section", "server-block drift-node");
      section.dataset.node = node.node;
      const count = node.items.length;
      section.appendChild(N.el("h2", "", node.node + " (" + node.mode + "): " + node.status +
        (node.status === "checked" ? (count ? ", " + count + " findings" : ", nothing drifted") : "")));
      if (node.reason) section.appendChild(N.el("p", "muted", node.reason));
      const source = N.describeSource(node.source);
      if (source) section.appendChild(N.el("p", "muted", source));
      if (count) section.appendChild(findings(node));
      body.appendChild(section);
    }
    container.dataset.drawn = String(model.nodes.length);
  }

  N.boot("drift", draw, { needs: [] });
})();
