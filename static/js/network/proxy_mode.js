/*
 * Proxy mode per node (model: explorer/viewmodels/network/proxy_mode.py): the mode found and the evidence.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;

  function draw(container, model) {
    const body = K.clear(container.querySelector("[data-body]") || container);
    const counts = Object.entries(model.counts || {}).map(([mode, n]) => n + " " + mode);
    body.appendChild(el("p", { className: "muted" }, "Nodes: " + (counts.join(", ") || "none")));
    const rows = model.nodes.map((node) => K.row([
      node.node,
      K.cell(node.mode + (node.readable ? "" : " (the explorer cannot read this mode)"), "mode"),
      node.summary,
      el("ul", { className: "evidence" }, node.evidence.map((item) => el("li", {}, item.source + ": " + item.says))),
    ], node.readable ? "" : "unreadable"));
    body.appendChild(K.table(["node", "mode", "why", "evidence"], rows));
    container.dataset.drawn = String(model.nodes.length);
  }

  N.boot("proxy-mode", draw, { needs: [] });
})();
