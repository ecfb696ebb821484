/*
 * The overview page: a Plotly treemap node → namespace → pod, kept live through live.js, with
 * its legend; a click on a pod, a node or a folded group opens its page.
 *
 * Reads its cluster from <div id="overview" data-cluster="..."> (and, when it shows a run of nodes
 * alone, their first and last names from data-first and data-last); keeps #connection-state
 * (text, and data-state = live|connecting|reconnecting|error), #not-visible and, when the page
 * has them, #cluster-name and #overview-counts up to date. The escaping rule: static/js/kit.js.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;

  function showHeader(header) {
    const counts = header.counts || {};
    K.setText("cluster-name", header.cluster);
    const run = header.range;
    K.setText(
      "overview-counts",
      (run ? "the " + run.nodes + " nodes from " + run.first + " to " + run.last + " of " : "") +
        counts.nodes + " nodes, " + counts.pods + " pods, " + counts.namespaces + " namespaces" +
        (header.detail && header.detail !== "pods" ? " (folded to " + header.detail + ")" : "")
    );
    showNotVisible(header.not_visible || {});
  }

  function showNotVisible(notVisible) {
    const element = K.byId("not-visible");
    if (!element) return;
    const kinds = Object.keys(notVisible).sort();
    element.textContent = kinds.length ? kinds.join(", ") : "none";
    element.title = kinds.map((kind) => kind + ": " + notVisible[kind]).join("\n");
  }

  let model = null, cluster = "";

  function showLegend(legend) {
    K.legend("overview-legend", legend.pods.map((e) => ["pod " + e.state, e.colour])
      .concat(legend.boxes.map((e) => [e.what, e.colour])));
  }

  /* A sector with a link opens its page (a pod, a node, a folded group's owner); any other
   * (a namespace, the pods waiting for a node) zooms, and the path bar above leads back. */
  function onClick(event) {
    const point = event.points && event.points[0];
    const sector = point && model && model.sectors[point.id];
    if (!sector || !sector.link) return true;
    window.location.assign(K.linkTo(sector.link, cluster));
    return false;
  }

  function draw(figure, fresh) {
    model = fresh;
    const waiting = K.byId("overview-waiting");
    if (waiting) waiting.hidden = true;
    showHeader(model.header || {});
    showLegend(model.legend);
    const trace = K.sectorTrace("treemap", model.sectors, { extra: { textinfo: "label" } });
    const first = !figure.data;
    if (!K.plotSectors(figure, trace, { margin: K.MARGINS, uirevision: model.header.cluster }, "overview")) return;
    if (first) figure.on("plotly_treemapclick", onClick);
    figure.dataset.drawn = "1";
  }

  function switchOnChange() {
    const select = K.byId("cluster-switcher");
    if (select && select.form) {
      select.addEventListener("change", () => select.form.requestSubmit());
    }
  }

  K.ready(() => {
    switchOnChange();
    const figure = K.byId("overview");
    if (!figure) return;
    cluster = figure.dataset.cluster;
    const live = K.connect(cluster, (status) => {
      if (status.state === "live") showNotVisible(status.notVisible);
    });
    if (!live) return; // the watcher has not started yet: the page reloads
    const params = { cluster: cluster };
    if (figure.dataset.first && figure.dataset.last) {  // a run of nodes shown alone
      params.first = figure.dataset.first;
      params.last = figure.dataset.last;
    }
    live.subscribe("overview", params, {
      onModel: (fresh) => draw(figure, fresh),
      onError: K.problem("connection-state"),
    });
  });
})();
