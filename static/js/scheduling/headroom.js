/*
 * The headroom page: the "headroom" view (explorer/viewmodels/workloads/headroom.py) as a Plotly heatmap of nodes (or
 * groups of nodes) against resources, with the cluster's totals and its fullest nodes; "headroom-history" as lines
 * over the flight recorder's window; and, once the form is sent, "headroom-fit": where a pod of that size fits.
 * Plotly gets the strings the server escaped; the DOM gets plain text only.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  const SCALE = [[0, "#edf5e9"], [0.5, "#b8d98f"], [0.75, "#f6c75c"], [0.9, "#ec7a3b"], [1, "#b3001e"]];
  let cluster = "";

  function nodeLink(link, text) {
    return link ? el("a", { href: K.linkTo(link, cluster) }, text) : text;
  }

  function percentText(value) {
    return value === null || value === undefined ? "" : value + "%";
  }

  function drawHeadroom(model) {
    const status = document.getElementById("headroom-status");
    status.className = "";
    status.textContent = model.nodes + " nodes, counted as kube-scheduler " + model.version + " counts requests.";
    K.setText("headroom-grouping", "Rows: " + model.grouping.words + ". Columns: " + model.resources.join(", ") + ".");
    K.setText("headroom-idle", model.idle.length ? "Left out, listed at 0 by every node and asked for by no pod: " + model.idle.join(", ") + "." : "");
    const rows = model.order.map((id) => model.rows[id]);
    const figure = document.getElementById("headroom-heatmap");
    const trace = {
      type: "heatmap", x: model.columns, y: rows.map((r) => r.label), z: rows.map((r) => r.z),
      text: rows.map((r) => r.hover), hovertemplate: "%{text}<extra></extra>", zmin: 0, zmax: 100,
      colorscale: SCALE, xgap: 2, ygap: rows.length > 60 ? 0 : 1, colorbar: { title: { text: "% requested" }, thickness: 12 },
    };
    const height = Math.max(280, rows.length * 18 + 100);
    figure.style.height = height + "px";
    const layout = {
      height: height, margin: { t: 50, l: 200, r: 10, b: 10 },
      xaxis: { side: "top", type: "category" }, yaxis: { autorange: "reversed", type: "category", automargin: true },
      uirevision: "headroom",
    };
    if (K.plot(figure, [trace], layout, "heatmap") && !figure.dataset.clicks) {
      figure.dataset.clicks = "1";
      figure.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        const row = point && figure.rowsByLabel && figure.rowsByLabel[point.y];
        if (row && row.link) window.location.href = K.linkTo(row.link, cluster);
      });
    }
    figure.rowsByLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    figure.dataset.drawn = String(rows.length);
    K.replace("headroom-totals", [K.table(["resource", "allocatable", "requested", "of allocatable", "free", "limits", "limits of allocatable"],
      model.totals.map((t) => K.row([t.resource, t.allocatable, t.requested, percentText(t.percent), t.free, t.limits, percentText(t.limits_percent)])))]);
    K.replace("headroom-fullest", [K.table(["node", "fullest resource", "requested", "free"],
      model.fullest.map((f) => K.row([K.cell(nodeLink(f.link, f.node)), f.resource, f.percent + "%",
        Object.entries(f.free).map(([r, amount]) => r + " " + amount).join(", ")])))]);
  }

  function drawHistory(model) {
    const figure = document.getElementById("headroom-history");
    if (!model.recorded) {
      K.setText("headroom-history-status", model.why);
      figure.textContent = "";
      figure.className = "figure empty";
      return;
    }
    K.setText("headroom-history-status", "Requested of allocatable, the whole cluster, from " + model.from + " to " + model.to +
      " UTC (" + model.changes + " pod and node changes in the flight recorder's window, walked back from now).");
    const traces = Object.entries(model.series).map(([resource, s]) => ({
      type: "scatter", mode: "lines", name: resource, x: s.x, y: s.y, connectgaps: false,
    }));
    const layout = { height: 280, margin: { t: 10, l: 50, r: 10, b: 40 }, yaxis: { title: { text: "% requested" }, rangemode: "tozero" }, uirevision: "history" };
    K.plot(figure, traces, layout, "history");
    figure.dataset.drawn = "1";
  }

  function drawFit(model) {
    const status = document.getElementById("fit-status");
    if (model.error) {
      status.className = "error";
      status.textContent = model.error;
      K.replace("fit-answer", []);
      return;
    }
    status.className = model.fits ? "" : "error";
    status.textContent = "For " + model.asked + ": it fits on " + model.fits + " of " + model.nodes + " nodes" + (document.body.dataset.moment ? " at this moment." : " now.") +
      (model.message ? " The scheduler would say: " + model.message : "");
    const parts = [];
    if (model.fit_nodes.length) {
      parts.push(el("h3", {}, "Fits on"), el("p", {}, model.fit_nodes.flatMap((n, i) => [i ? ", " : "", nodeLink(n.link, n.node)])));
      if (model.fits > model.fit_nodes.length) parts.push(el("p", { className: "muted" }, "and " + (model.fits - model.fit_nodes.length) + " more."));
    }
    if (model.reasons.length) {
      parts.push(el("h3", {}, "Turned away"), K.table(["reason (the scheduler's words)", "nodes"], model.reasons.map((r) => K.row([r.reason, String(r.nodes)]))));
      parts.push(K.table(["node", "filter", "reasons"], model.rejected.map((r) => K.row([K.cell(nodeLink(r.link, r.node)), r.plugin, r.reasons.join("; ")]))));
      if (model.rejected_count > model.rejected.length) parts.push(el("p", { className: "muted" }, "and " + (model.rejected_count - model.rejected.length) + " more nodes."));
    }
    K.replace("fit-answer", parts);
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    live.subscribe("headroom", { cluster: p.cluster }, { onModel: drawHeadroom, onError: K.problem("headroom-status") });
    live.subscribe("headroom-history", { cluster: p.cluster }, { onModel: drawHistory, onError: K.problem("headroom-history-status") });
    if (p.fit === "1") {
      const params = { cluster: p.cluster, cpu: p.cpu, memory: p.memory, extended: p.extended, selector: p.selector, tolerate: p.tolerate };
      live.subscribe("headroom-fit", params, { onModel: drawFit, onError: K.problem("fit-status") });
    }
  });
})();
