/*
 * The overview page: a Plotly treemap node → namespace → pod, kept live through live.js.
 *
 * Reads its cluster from <div id="overview" data-cluster="...">; keeps #connection-state
 * (text, and data-state = live|connecting|reconnecting|error), #not-visible and, when the page
 * has them, #cluster-name and #overview-counts up to date. Cluster strings reach the DOM only as
 * text (textContent); labels and hover text arrive escaped for Plotly from the server
 * (explorer/viewmodels/plotly_text.py).
 */
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    const element = byId(id);
    if (element) element.textContent = text;
  }

  function trace(model) {
    const ids = [], parents = [], labels = [], values = [], colors = [], hovers = [];
    for (const [id, sector] of Object.entries(model.sectors || {})) {
      ids.push(id);
      parents.push(sector.parent);
      labels.push(sector.label);
      values.push(sector.value);
      colors.push(sector.colour);
      hovers.push(sector.hover);
    }
    return {
      type: "treemap",
      ids: ids,
      parents: parents,
      labels: labels,
      values: values,
      marker: { colors: colors },
      hovertext: hovers,
      hovertemplate: "%{hovertext}<extra></extra>",
      textinfo: "label",
      branchvalues: "remainder",
      sort: false,
    };
  }

  function showHeader(header) {
    const counts = header.counts || {};
    setText("cluster-name", header.cluster);
    setText(
      "overview-counts",
      counts.nodes + " nodes, " + counts.pods + " pods, " + counts.namespaces + " namespaces" +
        (header.detail && header.detail !== "pods" ? " (folded to " + header.detail + ")" : "")
    );
    showNotVisible(header.not_visible || {});
  }

  function showNotVisible(notVisible) {
    const element = byId("not-visible");
    if (!element) return;
    const kinds = Object.keys(notVisible).sort();
    element.textContent = kinds.length ? kinds.join(", ") : "none";
    element.title = kinds.map((kind) => kind + ": " + notVisible[kind]).join("\n");
  }

  function showState(status) {
    const element = byId("connection-state");
    if (!element) return;
    element.textContent = window.ExplorerLive.describe(status);
    element.dataset.state = status.state;
    if (status.state === "live") showNotVisible(status.notVisible);
  }

  function draw(figure, model) {
    const waiting = byId("overview-waiting");
    if (waiting) waiting.hidden = true;
    showHeader(model.header || {});
    if (!window.Plotly) {
      figure.textContent = "Plotly did not load; the overview cannot be drawn.";
      return;
    }
    const layout = { margin: { t: 4, l: 4, r: 4, b: 4 }, uirevision: model.header.cluster };
    window.Plotly.react(figure, [trace(model)], layout, { displaylogo: false, responsive: true });
  }

  function switchOnChange() {
    const select = byId("cluster-switcher");
    if (select && select.form) {
      select.addEventListener("change", () => select.form.requestSubmit());
    }
  }

  function start() {
    switchOnChange();
    const figure = byId("overview");
    if (!figure) return;
    const cluster = figure.dataset.cluster;
    if (!cluster) {
      window.setTimeout(() => window.location.reload(), 3000); // the watcher has not started yet
      return;
    }
    const live = window.ExplorerLive.connection();
    live.onState(cluster, showState);
    live.subscribe("overview", { cluster: cluster }, {
      onModel: (model) => draw(figure, model),
      onError: (message) => setText("connection-state", "error: " + message),
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
