/*
 * The workload hierarchy: a Plotly sunburst of the "hierarchy" view (explorer/viewmodels/workloads/hierarchy.py),
 * kept live. Beside it, the children of the sector the figure is zoomed to, as links: a pod goes
 * to its page, anything else zooms the figure (the same as clicking it), with a link to its
 * object page beside it (a namespace's, a controller's). Labels and hover text
 * arrive escaped for Plotly; the DOM shows each sector's plain `text`.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  let model = null;
  let level = "";
  let cluster = "";

  function trace() {
    return K.sectorTrace("sunburst", model.sectors, {
      line: { color: "#ffffff", width: 1 },
      extra: { level: level, maxdepth: 4, insidetextorientation: "radial" },
    });
  }

  function podLink(sector) {
    const [ns, name] = sector.pod.split(/\/(.*)/s);
    return K.links.pod(cluster, ns, name, sector.container ? { container: sector.container } : null);
  }

  function zoom(id) {
    level = model && model.sectors[id] ? id : "";
    const figure = document.getElementById("hierarchy");
    if (window.Plotly && figure.data) window.Plotly.restyle(figure, { level: [level] });
    showPath();
    showChildren();
  }

  function showPath() {
    const steps = [];
    let id = level;
    while (id && model.sectors[id]) {
      steps.unshift(id);
      id = model.sectors[id].parent;
    }
    const crumbs = [el("button", { type: "button", className: "link", dataset: { id: "" } }, "all namespaces")];
    for (const step of steps) {
      crumbs.push(" › ");
      crumbs.push(el("button", { type: "button", className: "link", dataset: { id: step } }, model.sectors[step].text));
    }
    const here = model.sectors[level];
    if (here && here.link) crumbs.push(" — ", el("a", { href: K.linkTo(here.link, cluster) }, "open its page"));
    K.replace("hierarchy-path", crumbs);
  }

  function showChildren() {
    const items = [];
    for (const [id, s] of Object.entries(model.sectors)) {
      if (s.parent !== level) continue;
      const text = s.text;
      const swatch = el("span", { className: "swatch" });
      swatch.style.background = s.colour;
      let target;
      if (s.pod && s.kind === "pod") {
        target = el("a", { href: podLink(s), dataset: { id: id, kind: s.kind } }, text);
      } else if (s.kind === "container" || s.kind === "sandbox") {
        target = el("a", { href: podLink(s), dataset: { id: id, kind: s.kind } }, text);
      } else {
        target = el("button", { type: "button", className: "link", dataset: { id: id, kind: s.kind } }, text);
      }
      const page = s.link ? [" ", el("a", { href: K.linkTo(s.link, cluster), className: "page-link", dataset: { page: id } }, "page")] : [];
      items.push(el("li", {}, [swatch, target, el("span", { className: "muted" }, " " + s.kind), page]));
    }
    if (!items.length) items.push(el("li", { className: "muted" }, "nothing below this"));
    K.replace("hierarchy-children", items);
  }

  function onClick(event) {
    const point = event.points && event.points[0];
    if (!point) return true;
    const sector = model.sectors[point.id];
    if (sector && sector.pod && (sector.kind === "pod" || sector.kind === "container" || sector.kind === "sandbox")) {
      window.location.assign(podLink(sector));
      return false;
    }
    const next = typeof event.nextLevel === "string" ? event.nextLevel : point.id === level ? (sector ? sector.parent : "") : point.id;
    level = next || "";
    showPath();
    showChildren();
    return true;
  }

  function showLegend() {
    const items = [];
    for (const entry of model.legend.pods) items.push([entry.state, entry.colour]);
    for (const entry of model.legend.containers) items.push(["container " + entry.condition, entry.colour]);
    K.legend("hierarchy-legend", items);
  }

  function draw(figure, fresh) {
    model = fresh;
    if (level && !model.sectors[level]) level = "";
    const h = model.header;
    const summary = h.counts.pods + " pods, " + h.counts.controllers + " controllers in " + h.counts.namespaces +
      " namespaces; " + h.counts.sectors + " sectors" + (h.detail !== "containers" ? " (folded: " + h.detail + ")" : "");
    document.getElementById("hierarchy-summary").textContent = summary;
    showLegend();
    showPath();
    showChildren();
    const first = !figure.data;
    const layout = { margin: K.MARGINS, uirevision: h.cluster + h.namespace + h.size };
    if (!K.plot(figure, [trace()], layout, "hierarchy")) return;
    if (first) figure.on("plotly_sunburstclick", onClick);
    figure.dataset.drawn = "1";
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    const figure = document.getElementById("hierarchy");
    document.getElementById("hierarchy-path").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (button) zoom(button.dataset.id);
    });
    document.getElementById("hierarchy-children").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (button) zoom(button.dataset.id);
    });
    live.subscribe("hierarchy", { cluster: p.cluster, namespace: p.namespace, size: p.size }, {
      onModel: (m) => draw(figure, m),
      onError: K.problem("hierarchy-summary"),
    });
  });
})();
