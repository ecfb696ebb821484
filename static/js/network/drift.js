/*
 * Drift per node (model: explorer/viewmodels/network/drift.py): what kube-proxy should have programmed
 * against what each node's rules hold, finding by finding.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;

  function findings(items) {
    const rows = items.map((item) => {
      const endpoint = item.endpoint ? item.endpoint + (item.pod ? " (" + item.pod + ")" : "") : "";
      return K.row([item.kind, item.service || "", endpoint, item.chain || item.endpoint_chain || "", item.detail],
        "finding " + item.kind);
    });
    return K.table(["finding", "Service port", "endpoint", "chain", "detail"], rows);
  }

  function draw(container, model) {
    const body = K.clear(container.querySelector("[data-body]") || container);
    const totals = Object.entries(model.totals || {}).filter(([, n]) => n).map(([k, n]) => n + " " + k);
    body.appendChild(
      el("p", { className: totals.length ? "network-missing" : "" }, model.checked + " nodes checked; " +
        (totals.length ? totals.join(", ") : "no drift: every checked node has what kube-proxy should have programmed") +
        (model.in_flight ? "; " + model.in_flight + " findings in flight (objects changing when the rules were taken)" : "") + ".")
    );
    for (const node of model.nodes) {
      const section = el("section", { className: "server-block drift-node" });
      section.dataset.node = node.node;
      const count = node.items.length;
      section.appendChild(el("h2", {}, node.node + " (" + node.mode + "): " + node.status +
        (node.status === "checked" ? (count ? ", " + count + " findings" : ", nothing drifted") : "")));
      if (node.reason) section.appendChild(el("p", { className: "muted" }, node.reason));
      const source = N.describeSource(node.source);
      if (source) section.appendChild(el("p", { className: "muted" }, source));
      if (count) section.appendChild(findings(node.items));
      const flying = node.in_flight || [];
      if (flying.length) {
        section.appendChild(el("p", { className: "muted" }, flying.length + " more about objects that were changing when these rules " +
          "were taken — in flight, not drift: the node's rules follow a change a little later."));
        const table = findings(flying);
        table.classList.add("in-flight");
        section.appendChild(table);
      }
      body.appendChild(section);
    }
    container.dataset.drawn = String(model.nodes.length);
  }

  N.boot("drift", draw, { needs: [] });
})();
