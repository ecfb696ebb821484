/*
 * The node page: the "node" view (explorer/viewmodels/workloads/node.py) as text and Plotly bars, and the node's
 * cgroup tree, the "cgroup-tree" view (explorer/viewmodels/workloads/cgroup_tree.py), as a Plotly sunburst. A
 * cgroup named in ?cgroup= (a pod page's link) is outlined in the whole tree and described above
 * the figure. Cluster strings reach the DOM as text only.
 */
(function () {
  "use strict";
  const W = window.ExplorerWorkloads;
  const el = W.el;
  let cluster = "";
  let lease = "";

  function plain(label) {
    return String(label).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function drawNode(model) {
    const status = document.getElementById("node-status");
    if (!model.found) {
      status.textContent = "This node does not exist (any more) in cluster " + model.header.cluster + ".";
      status.className = "error";
      return;
    }
    const h = model.header;
    const ready = model.conditions.find((c) => c.type === "Ready");
    status.textContent = "Ready: " + (ready ? ready.status : "unknown") + (h.unschedulable ? ", cordoned" : "");
    status.className = "";
    const rows = [
      ["roles", h.roles.join(", ") || "none"], ["addresses", h.addresses.join(", ")], ["pod CIDR", h.pod_cidr],
      ["kubelet", h.kubelet], ["runtime", h.runtime], ["OS", h.os], ["UID", h.uid],
    ];
    W.replace("node-facts", rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
    lease = model.lease.found ? model.lease.renew_time : "";
    tickLease(model.lease);
    W.replace("node-conditions", [W.table(["type", "status", "reason", "message", "since"], model.conditions.map((c) =>
      el("tr", { className: c.healthy ? "" : "unhealthy" }, [W.cell(c.type), W.cell(c.status), W.cell(c.reason), W.cell(c.message), W.cell(c.since)])))]);
    W.replace("node-resources", [W.table(["resource", "capacity", "allocatable", "requested", "free", "requested of allocatable"], model.resources.map((r) =>
      el("tr", {}, [W.cell(r.resource), W.cell(r.shown.capacity), W.cell(r.shown.allocatable), W.cell(r.shown.requested), W.cell(r.shown.free),
        W.cell(r.percent_requested === null ? "" : r.percent_requested + "%")])))]);
    W.replace("node-taints", model.taints.length ? model.taints.map((t) => el("li", { text: t.key + (t.value ? "=" + t.value : "") + ":" + t.effect }))
      : [el("li", { className: "muted", text: "none" })]);
    W.replace("node-pods", [W.table(["pod", "state", "ready", "restarts", "QoS", "cpu req.", "memory req.", "IP"], model.pods.map((p) =>
      el("tr", {}, [W.cell(el("a", { href: W.links.pod(cluster, p.namespace, p.name), text: p.namespace + "/" + p.name })), W.cell(p.state), W.cell(p.ready),
        W.cell(p.restarts), W.cell(p.qos), W.cell(p.cpu), W.cell(p.memory), W.cell(p.ip)])))]);
    drawBars(model.bars);
  }

  function tickLease(info) {
    const target = document.getElementById("node-lease");
    if (!info || !info.found) {
      target.textContent = "no Lease in kube-node-lease";
      return;
    }
    target.textContent = "renewed " + W.ageText(lease) + " (lease " + info.duration_seconds + " s, held by " + info.holder + ")";
  }

  function drawBars(bars) {
    const figure = document.getElementById("node-bars");
    if (!window.Plotly) return;
    const colours = { capacity: "#c7d3e3", allocatable: "#6f93c7", requested: "#ff7f0e" };
    const traces = Object.entries(bars).map(([name, s]) => ({
      type: "bar", name: name, x: s.x, y: s.y, hovertext: s.hover, hovertemplate: "%{hovertext}<extra></extra>", marker: { color: colours[name] },
    }));
    const layout = { barmode: "group", height: 300, margin: { t: 10, l: 50, r: 10, b: 40 }, yaxis: { title: { text: "% of capacity" }, range: [0, 105] }, uirevision: "bars" };
    window.Plotly.react(figure, traces, layout, { displaylogo: false, responsive: true });
  }

  // ---- cgroups ----
  let highlight = "";

  function findHighlight(model) {
    if (!highlight) return "";
    if (model.sectors[highlight]) return highlight;
    // a path given with the mount prefix or another root: match on the end
    return Object.keys(model.sectors).find((id) => highlight.endsWith(id) && id.length > 1) || "";
  }

  function drawCgroups(model) {
    const figure = document.getElementById("cgroup-tree");
    const h = model.header;
    const summary = document.getElementById("cgroup-summary");
    if (!h.found) {
      summary.textContent = h.reason === "no such node" ? "no such node" : "No cgroup facts for this node yet (collect them from the network pages, or run the node agent).";
      figure.textContent = "";
      return;
    }
    summary.textContent = "cgroup v" + (h.version || "?") + ", " + (h.driver || "?") + " driver, from " + h.source + "; " + h.counts.pods + " pods, " +
      h.counts.containers + " containers; sized by " + h.sized_by + "; " + h.counts.differences + " differences in " + h.counts.checked + " values checked" +
      (h.weight_mapping ? "; cpu.weight follows the " + h.weight_mapping + " mapping" : "");
    const ids = [], parents = [], labels = [], values = [], colors = [], hovers = [], widths = [], lines = [];
    const target = findHighlight(model);
    for (const [id, s] of Object.entries(model.sectors)) {
      ids.push(id); parents.push(s.parent); labels.push(s.label); values.push(s.value); colors.push(s.colour); hovers.push(s.hover);
      widths.push(id === target ? 4 : s.differs ? 2 : 1);
      lines.push(id === target ? "#1d2430" : s.differs ? "#d62728" : "#ffffff");
    }
    const trace = {
      type: "sunburst", ids: ids, parents: parents, labels: labels, values: values, hovertext: hovers,
      hovertemplate: "%{hovertext}<extra></extra>", branchvalues: "remainder", sort: false,
      marker: { colors: colors, line: { width: widths, color: lines } }, insidetextorientation: "radial",
    };
    const layout = { margin: { t: 4, l: 4, r: 4, b: 4 }, height: 640, uirevision: h.node + h.size };
    if (window.Plotly) window.Plotly.react(figure, [trace], layout, { displaylogo: false, responsive: true });
    showSelected(model, target);
    const diffs = model.differences;
    W.replace("cgroup-differences", diffs.length ? [el("h3", { text: "Expected vs actual" }),
      W.table(["cgroup", "pod", "container", "what", "expected", "actual"], diffs.map((d) =>
        el("tr", {}, [W.cell(d.path || "(missing)"), W.cell(d.pod), W.cell(d.container), W.cell(d.what), W.cell(d.expected), W.cell(d.actual)])))]
      : [el("p", { className: "muted", text: "Every value checked matches what the pod specs call for." })]);
    figure.dataset.drawn = "1";
    if (target) figure.dataset.highlight = target;
  }

  function showSelected(model, target) {
    const box = document.getElementById("cgroup-selected");
    if (!target) {
      box.hidden = !!highlight ? false : true;
      if (highlight) box.textContent = "The cgroup " + highlight + " is not in this node's recorded tree.";
      return;
    }
    const s = model.sectors[target];
    const lines = s.hover.split("<br>").map((line) => plain(line.replace(/<\/?b>/g, "")));
    box.hidden = false;
    box.replaceChildren(el("strong", { text: "Selected: " }), el("code", { text: s.path }),
      el("ul", { className: "plain" }, lines.map((l) => el("li", { text: l }))));
  }

  W.ready(() => {
    const p = W.params();
    const live = W.connect(p);
    if (!live) return;
    cluster = p.cluster;
    highlight = document.getElementById("workloads").dataset.highlight || "";
    live.subscribe("node", { cluster: p.cluster, name: p.name }, { onModel: drawNode, onError: W.problem("node-status") });
    live.subscribe("cgroup-tree", { cluster: p.cluster, node: p.name, size: p.size }, { onModel: drawCgroups, onError: W.problem("cgroup-summary") });
    window.setInterval(() => { if (lease) document.getElementById("node-lease").firstChild && tickLeaseText(); }, 1000);
    function tickLeaseText() {
      const target = document.getElementById("node-lease");
      target.textContent = target.textContent.replace(/^renewed .*? ago/, "renewed " + W.ageText(lease));
    }
    if (highlight) document.getElementById("cgroups").scrollIntoView();
  });
})();
