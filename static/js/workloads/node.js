/*
 * The node page: the "node" view (explorer/viewmodels/workloads/node.py) as text and Plotly bars, and the node's
 * cgroup tree, the "cgroup-tree" view (explorer/viewmodels/workloads/cgroup_tree.py), as a Plotly sunburst. A
 * cgroup named in ?cgroup= (a pod page's link) is outlined in the whole tree and described above
 * the figure. Its volumes, the "node-volumes" view (explorer/viewmodels/workloads/node_volumes.py): every
 * mount the objects call for against the node's mount table, and every pod volume it shows, with a <meter> of the
 * used bytes. Cluster strings reach the DOM as text only.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  let cluster = "", lease = ""; // lease: when the node's Lease was last renewed

  function drawNode(model) {
    const h = model.header;
    if (!K.status("node-status", model, "node", () => {
      const ready = model.conditions.find((c) => c.type === "Ready");
      return "Ready: " + (ready ? ready.status : "unknown") + (h.unschedulable ? ", cordoned" : "");
    })) return;
    const rows = [
      ["roles", h.roles.join(", ") || "none"], ["addresses", h.addresses.join(", ")], ["pod CIDR", h.pod_cidr],
      ["kubelet", h.kubelet], ["runtime", h.runtime], ["OS", h.os], ["UID", h.uid],
    ];
    K.terms("node-facts", rows);
    lease = model.lease.found ? model.lease.renew_time : "";
    tickLease(model.lease);
    K.replace("node-conditions", [K.table(["type", "status", "reason", "message", "since"], model.conditions.map((c) =>
      el("tr", { className: c.healthy ? "" : "unhealthy" }, [K.cell(c.type), K.cell(c.status), K.cell(c.reason), K.cell(c.message), K.cell(c.since)])))]);
    K.replace("node-resources", [K.table(["resource", "capacity", "allocatable", "requested", "free", "requested of allocatable"], model.resources.map((r) =>
      el("tr", {}, [K.cell(r.resource), K.cell(r.shown.capacity), K.cell(r.shown.allocatable), K.cell(r.shown.requested), K.cell(r.shown.free),
        K.cell(r.percent_requested === null ? "" : r.percent_requested + "%")])))]);
    K.replace("node-taints", model.taints.length ? model.taints.map((t) => el("li", {}, t.key + (t.value ? "=" + t.value : "") + ":" + t.effect))
      : [el("li", { className: "muted" }, "none")]);
    K.replace("node-pods", [K.table(["pod", "state", "ready", "restarts", "QoS", "cpu req.", "memory req.", "IP"], model.pods.map((p) =>
      el("tr", {}, [K.cell(el("a", { href: K.links.pod(cluster, p.namespace, p.name) }, p.namespace + "/" + p.name)), K.cell(p.state), K.cell(p.ready),
        K.cell(p.restarts), K.cell(p.qos), K.cell(p.cpu), K.cell(p.memory), K.cell(p.ip)])))]);
    drawBars(model.bars);
  }

  function tickLease(info) {
    const target = document.getElementById("node-lease");
    if (!info || !info.found) {
      target.textContent = "no Lease in kube-node-lease";
      return;
    }
    target.textContent = "renewed " + K.ageText(lease) + " (lease " + info.duration_seconds + " s, held by " + info.holder + ")";
  }

  function drawBars(bars) {
    const figure = document.getElementById("node-bars");
    const colours = { capacity: "#c7d3e3", allocatable: "#6f93c7", requested: "#ff7f0e" };
    const traces = Object.entries(bars).map(([name, s]) => ({
      type: "bar", name: name, x: s.x, y: s.y, hovertext: s.hover, hovertemplate: K.HOVER_ONLY, marker: { color: colours[name] },
    }));
    const layout = { barmode: "group", height: 300, margin: { t: 10, l: 50, r: 10, b: 40 }, yaxis: { title: { text: "% of capacity" }, range: [0, 105] }, uirevision: "bars" };
    K.plot(figure, traces, layout);
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
    const readBy = h.probe ? " by the " + h.probe + " probe" + (h.taken_at ? " at " + h.taken_at : "") : "";
    const passedOver = Object.entries(h.passed_over || {}).map(([probe, why]) => "; not by the " + probe + " probe: " + why).join("");
    summary.textContent = "cgroup v" + (h.version || "?") + ", " + (h.driver || "?") + " driver, from " + h.source + readBy + "; " + h.counts.pods + " pods, " +
      h.counts.containers + " containers; sized by " + h.sized_by + "; " + h.counts.differences + " differences in " + h.counts.checked + " values checked" +
      (h.counts.in_flight ? " (" + h.counts.in_flight + " more about pods changing when the tree was taken: in flight)" : "") +
      (h.weight_mapping ? "; cpu.weight follows the " + h.weight_mapping + " mapping" : "") + passedOver;
    const target = findHighlight(model);
    const trace = K.sectorTrace("sunburst", model.sectors, {
      line: (id, s) => ({
        width: id === target ? 4 : s.differs ? 2 : 1,
        color: id === target ? "#1d2430" : s.differs ? "#d62728" : "#ffffff",
      }),
      extra: { insidetextorientation: "radial" },
    });
    K.plotSectors(figure, trace, { margin: K.MARGINS, height: 640, uirevision: h.node + h.size });
    showSelected(model, target);
    const diffs = model.differences;
    K.replace("cgroup-differences", diffs.length ? [el("h3", {}, "Expected vs actual"),
      K.table(["cgroup", "pod", "container", "what", "expected", "actual"], diffs.map((d) =>
        el("tr", {}, [K.cell(d.path || "(missing)"), K.cell(d.pod), K.cell(d.container), K.cell(d.what), K.cell(d.expected), K.cell(d.actual)])))]
      : [el("p", { className: "muted" }, "Every value checked matches what the pod specs call for.")]);
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
    box.hidden = false;
    box.replaceChildren(el("strong", {}, "Selected: "), el("code", {}, s.path),
      el("ul", { className: "plain" }, s.facts.map((line) => el("li", {}, line))));
  }

  // ---- volumes ----
  function linked(link, text) {
    return link ? el("a", { href: K.linkTo(link, cluster) }, text) : text;
  }

  function used(u) {
    if (!u) return "";
    return el("span", { className: "bar-cell", title: u.source }, [
      el("meter", { min: 0, max: u.max, value: u.value, low: u.max * 0.75, high: u.max * 0.9, optimum: 0 }), " ", u.text + ", " + u.free + " free"]);
  }

  function drawVolumes(model) {
    const h = model.header;
    const summary = document.getElementById("node-volumes-summary");
    if (!model.found) {
      summary.textContent = "no such node";
      K.replace("node-volumes", []);
      return;
    }
    if (h.missing) {
      summary.textContent = "No mount table for this node: " + h.missing + ".";
      summary.className = "muted";
      K.replace("node-volumes", []);
      return;
    }
    const counts = Object.entries(h.counts).map(([verdict, n]) => n + " " + verdict).join(", ") || "no pod volume mounted";
    summary.className = "";
    summary.textContent = "The mount table (" + h.mounts_from + ", " + h.mounts + " mounts" + (h.cut ? ", " + h.cut + " left out" : "") + ") of " + h.read +
      "; kubelet root " + h.kubelet_root + ": " + counts + "." +
      (h.usage_missing ? " The kubelet's /stats/summary was not read (" + h.usage_missing + "): bytes from the agent's statvfs where it measured them." : "");
    K.replace("node-volumes", model.rows.length ? [K.table(["state", "what", "pod", "claim", "volume", "device", "used", "path"], model.rows.map((r) =>
      el("tr", { className: r.healthy ? "" : "unhealthy", dataset: { verdict: r.verdict } }, [
        K.cell(r.state), K.cell(r.what), K.cell(linked(r.pod, r.pod_text)), K.cell(linked(r.claim, r.claim_text)),
        K.cell(linked(r.volume, r.volume_text)), K.cell(r.device), K.cell(used(r.usage)), K.cell(el("code", {}, r.path))])))]
      : [el("p", { className: "muted" }, "No pod volume is mounted here, and no object calls for one.")]);
    document.getElementById("node-volumes").dataset.drawn = "1";
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    document.getElementById("node-headroom").href = K.links.headroom(p.cluster);
    highlight = document.getElementById("workloads").dataset.highlight || "";
    live.subscribe("node", { cluster: p.cluster, name: p.name }, { onModel: drawNode, onError: K.problem("node-status") });
    live.subscribe("node-volumes", { cluster: p.cluster, name: p.name }, { onModel: drawVolumes, onError: K.problem("node-volumes-summary") });
    live.subscribe("cgroup-tree", { cluster: p.cluster, node: p.name, size: p.size }, { onModel: drawCgroups, onError: K.problem("cgroup-summary") });
    window.setInterval(() => { if (lease) document.getElementById("node-lease").firstChild && tickLeaseText(); }, 1000);
    function tickLeaseText() {
      const target = document.getElementById("node-lease");
      target.textContent = target.textContent.replace(/^renewed .*? ago/, "renewed " + K.ageText(lease));
    }
    if (highlight) document.getElementById("cgroups").scrollIntoView();
  });
})();
