/*
 * The workload hierarchy: a Plotly sunburst of the "hierarchy" view (explorer/viewmodels/workloads/hierarchy.py),
 * kept live. Beside it, the children of the sector the figure is zoomed to, as links: a pod goes
 * to its page, anything else zooms the figure (the same as clicking it), with a link to its
 * object page beside it (a namespace's, a controller's). Labels and hover text
 * arrive escaped for Plotly; the DOM shows each sector's plain `text`.
 *
 * A big cluster's model is folded to a level of detail (a sector `folded: true` stands for what
 * it does not draw: a workload's pods, a namespace's smaller controllers, a range of pods). A
 * click on one subscribes to the "hierarchy" view with that sector as `root` and draws the
 * subtree it sends (itself bounded) in place of the whole, until a click leads back above it.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  let model = null; // what is drawn: the zoomed subtree's model, else the whole one
  let whole = null;
  let zoomed = null;
  let fold = null; // {root, sub} while a folded sector's subtree is asked for or drawn
  let level = "";
  let cluster = "";
  let params = null;
  let live = null;

  // A slice under this share of the level drawn is a few pixels wide: no label fits in it, so
  // it is given none, which spares Plotly laying out thousands of labels it would hide (seconds
  // for a folded model of a big cluster). A zoom gives the slices of the new level theirs.
  const MIN_SHARE = 0.002;
  let totals = null; // each sector's value with everything below it, for the model drawn

  function subtreeTotals() {
    const sum = {}, children = {};
    for (const [id, s] of Object.entries(model.sectors)) {
      sum[id] = s.value || 0;
      (children[s.parent] = children[s.parent] || []).push(id);
    }
    const order = [], stack = [""];
    while (stack.length) {
      const id = stack.pop();
      order.push(id);
      for (const child of children[id] || []) stack.push(child);
    }
    sum[""] = 0;
    for (let i = order.length - 1; i > 0; i--) {
      const id = order[i];
      sum[model.sectors[id].parent] += sum[id];
    }
    return sum;
  }

  function labels() {
    const base = totals[level] || totals[""] || 1;
    return Object.keys(model.sectors).map((id) => (totals[id] / base < MIN_SHARE ? "" : model.sectors[id].label));
  }

  function trace() {
    const drawn = K.sectorTrace("sunburst", model.sectors, {
      line: { color: "#ffffff", width: 1 },
      extra: { level: level, maxdepth: 4, insidetextorientation: "radial" },
    });
    drawn.labels = labels();
    return drawn;
  }

  function restyle() {
    const figure = document.getElementById("hierarchy");
    if (window.Plotly && figure.data) window.Plotly.restyle(figure, { level: [level], labels: [labels()] });
  }

  function podLink(sector) {
    const [ns, name] = sector.pod.split(/\/(.*)/s);
    return K.links.pod(cluster, ns, name, sector.container ? { container: sector.container } : null);
  }

  function inFold(id) {
    if (!fold || !zoomed) return false;
    for (let at = id; at && zoomed.sectors[at]; at = zoomed.sectors[at].parent) {
      if (at === fold.root) return true;
    }
    return false;
  }

  function openFold(id) {
    if (fold) fold.sub.unsubscribe();
    const figure = document.getElementById("hierarchy");
    fold = { root: id, sub: null };
    figure.dataset.zoomed = "";
    document.getElementById("hierarchy-summary").textContent = "opening " + model.sectors[id].text + " …";
    fold.sub = live.subscribe("hierarchy", Object.assign({}, params, { root: id }), {
      onModel: (m) => {
        zoomed = m;
        level = m.header.root || "";
        draw(figure);
        figure.dataset.zoomed = level;
      },
      onError: K.problem("hierarchy-summary"),
    });
  }

  function closeFold(id) {
    if (fold) fold.sub.unsubscribe();
    fold = null;
    zoomed = null;
    level = whole && whole.sectors[id] ? id : "";
    const figure = document.getElementById("hierarchy");
    delete figure.dataset.zoomed;
    if (whole) draw(figure);
  }

  function zoom(id) {
    if (model && model.sectors[id] && model.sectors[id].folded) {
      openFold(id);
      return;
    }
    if (fold && !inFold(id)) {
      closeFold(id);
      return;
    }
    level = model && model.sectors[id] ? id : "";
    restyle();
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
    const here = model.sectors[level];
    const said = JSON.stringify([cluster, steps.map((step) => model.sectors[step].text), here && here.link]);
    K.rebuild("hierarchy-path", said, () => pathCrumbs(steps, here));
  }

  function pathCrumbs(steps, here) {
    const crumbs = [el("button", { type: "button", className: "link", dataset: { id: "" } }, "all namespaces")];
    for (const step of steps) {
      crumbs.push(" › ");
      crumbs.push(el("button", { type: "button", className: "link", dataset: { id: step } }, model.sectors[step].text));
    }
    if (here && here.link) crumbs.push(" — ", el("a", { href: K.linkTo(here.link, cluster) }, "open its page"));
    return crumbs;
  }

  function showChildren() {
    const children = Object.entries(model.sectors).filter(([, s]) => s.parent === level);
    const said = JSON.stringify([cluster, children.map(([id, s]) =>
      [id, s.text, s.colour, s.kind, s.folded, s.link, s.pod, s.container])]);
    K.rebuild("hierarchy-children", said, () => childItems(children));
  }

  function childItems(children) {
    const items = [];
    for (const [id, s] of children) {
      const text = s.text;
      const swatch = el("span", { className: "swatch" });
      swatch.style.background = s.colour;
      let target;
      if (s.pod && s.kind === "pod") {
        target = el("a", { href: podLink(s), dataset: { id: id, kind: s.kind } }, text);
      } else if (s.kind === "container" || s.kind === "sandbox") {
        target = el("a", { href: podLink(s), dataset: { id: id, kind: s.kind } }, text);
      } else {
        const folded = s.folded ? { folded: "1" } : {};
        target = el("button", { type: "button", className: "link", dataset: Object.assign({ id: id, kind: s.kind }, folded) }, text);
      }
      const page = s.link ? [" ", el("a", { href: K.linkTo(s.link, cluster), className: "page-link", dataset: { page: id } }, "page")] : [];
      items.push(el("li", {}, [swatch, target, el("span", { className: "muted" }, " " + s.kind), page]));
    }
    if (!items.length) items.push(el("li", { className: "muted" }, "nothing below this"));
    return items;
  }

  function onClick(event) {
    const point = event.points && event.points[0];
    if (!point) return true;
    const sector = model.sectors[point.id];
    if (sector && sector.folded) {
      openFold(point.id);
      return false;
    }
    if (sector && sector.pod && (sector.kind === "pod" || sector.kind === "container" || sector.kind === "sandbox")) {
      window.location.assign(podLink(sector));
      return false;
    }
    const next = typeof event.nextLevel === "string" ? event.nextLevel : point.id === level ? (sector ? sector.parent : "") : point.id;
    if (fold && !inFold(next || "")) {
      closeFold(next || "");
      return false;
    }
    level = next || "";
    restyle(); // not Plotly's own zoom: the new level's slices get their labels
    showPath();
    showChildren();
    return false;
  }

  function showLegend() {
    const items = [];
    for (const entry of model.legend.pods) items.push([entry.state, entry.colour]);
    for (const entry of model.legend.containers) items.push(["container " + entry.condition, entry.colour]);
    K.legend("hierarchy-legend", items);
  }

  function draw(figure) {
    model = zoomed || whole;
    totals = subtreeTotals();
    if (level && !model.sectors[level]) level = fold ? model.header.root || "" : "";
    const h = whole.header;
    let summary = h.counts.pods + " pods, " + h.counts.controllers + " controllers in " + h.counts.namespaces +
      " namespaces; " + h.counts.sectors + " sectors" + (h.detail !== "containers" ? " (folded: " + h.detail + ")" : "");
    if (zoomed) summary += "; showing " + zoomed.header.counts.sectors + " sectors of one folded part (" + zoomed.header.detail + ")";
    K.setText("hierarchy-summary", summary);
    showLegend();
    showPath();
    showChildren();
    const first = !figure.data;
    const layout = { margin: K.MARGINS, uirevision: h.cluster + h.namespace + h.size + (fold ? fold.root : "") };
    if (!K.plotSectors(figure, trace(), layout, "hierarchy")) return;
    if (first) figure.on("plotly_sunburstclick", onClick);
    figure.dataset.drawn = "1";
  }

  K.livePage("workloads", (p, connection) => {
    cluster = p.cluster;
    live = connection;
    params = { cluster: p.cluster, namespace: p.namespace, size: p.size };
    const figure = document.getElementById("hierarchy");
    document.getElementById("hierarchy-path").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (button) zoom(button.dataset.id);
    });
    document.getElementById("hierarchy-children").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-id]");
      if (button) zoom(button.dataset.id);
    });
    live.subscribe("hierarchy", params, {
      onModel: (m) => {
        whole = m;
        if (!zoomed) draw(figure);
      },
      onError: K.problem("hierarchy-summary"),
    });
  });
})();
