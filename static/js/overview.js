/*
 * The overview page: a Plotly treemap node → namespace → pod, kept live through live.js.
 *
 * Reads its cluster from <div id="overview" data-cluster="...">; keeps #connection-state
 * (text, and data-state = live|connecting|reconnecting|error), #not-visible and, when the page
 * has them, #cluster-name and #overview-counts up to date. The escaping rule: static/js/kit.js.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;

  function showHeader(header) {
    const counts = header.counts || {};
    K.setText("cluster-name", header.cluster);
    K.setText(
      "overview-counts",
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

  function draw(figure, model) {
    const waiting = K.byId("overview-waiting");
    if (waiting) waiting.hidden = true;
    showHeader(model.header || {});
    const trace = K.sectorTrace("treemap", model.sectors, { extra: { textinfo: "label" } });
    K.plot(figure, [trace], { margin: K.MARGINS, uirevision: model.header.cluster }, "overview");
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
    const cluster = figure.dataset.cluster;
    const live = K.connect(cluster, (status) => {
      if (status.state === "live") showNotVisible(status.notVisible);
    });
    if (!live) return; // the watcher has not started yet: the page reloads
    live.subscribe("overview", { cluster: cluster }, {
      onModel: (model) => draw(figure, model),
      onError: K.problem("connection-state"),
    });
  });
})();
