/*
 * The storage page: the "storage" view (explorer/viewmodels/storage/page.py), kept live. The
 * Sankey's boxes and links arrive keyed by id, labels and hover text escaped by the server; each
 * box sits in its column (class → volume → claim → pod: every link joins neighbouring columns, so
 * Plotly's depth is the column) and a click on a box opens the page its link names. The table
 * beside it lists what needs attention, every word as text and every link made by the kit.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  const HOVER = "%{customdata}<extra></extra>"; // customdata: hover text the server escaped
  const LEVEL_WORDS = { problem: "problem", notice: "look", info: "as designed" };
  const ROW = 26; // pixels a box of the fullest column needs at least
  let cluster = "", latest = null, pending = false;

  function columnsDrawn(model, ids) {
    const used = new Set(ids.map((id) => model.nodes[id].column));
    return model.columns.filter((c) => used.has(c.id));
  }

  function drawSankey(model) {
    const figure = K.byId("storage-sankey");
    const ids = Object.keys(model.nodes || {});
    if (!ids.length) {
      K.clear(figure).appendChild(el("p", { className: "placeholder" },
        "No StorageClass, PersistentVolume or claim in this cluster: nothing to draw."));
      figure.dataset.drawn = "empty";
      return;
    }
    if (figure.querySelector("p.placeholder")) K.clear(figure);
    const index = new Map(ids.map((id, i) => [id, i]));
    const links = Object.values(model.links);
    const columns = columnsDrawn(model, ids);
    const fullest = Math.max(...columns.map((c) => ids.filter((id) => model.nodes[id].column === c.id).length));
    const trace = {
      type: "sankey",
      arrangement: "fixed", // a box that may be dragged never gets its click
      valueformat: ".1f",
      valuesuffix: " GiB",
      node: {
        label: ids.map((id) => model.nodes[id].label),
        color: ids.map((id) => model.nodes[id].colour),
        customdata: ids.map((id) => model.nodes[id].hover),
        hovertemplate: HOVER,
        align: "left", // a box with no link onwards stays in its column
        pad: 12,
        thickness: 16,
        line: { width: 0 },
      },
      link: {
        source: links.map((l) => index.get(l.source)),
        target: links.map((l) => index.get(l.target)),
        value: links.map((l) => l.value),
        color: links.map((l) => l.colour),
        customdata: links.map((l) => l.hover),
        hovertemplate: HOVER,
      },
    };
    const last = Math.max(1, columns.length - 1);
    const layout = {
      height: Math.max(360, fullest * ROW + 80),
      margin: { t: 36, l: 8, r: 8, b: 12 },
      font: { size: 12 },
      annotations: columns.map((c, i) => ({
        text: "<b>" + c.header + "</b>", // constant words the server escaped
        x: i / last, xanchor: i === 0 ? "left" : i === last ? "right" : "center",
        y: 1, yanchor: "bottom", yref: "paper", xref: "paper", showarrow: false,
      })),
    };
    const first = !figure.dataset.drawn;
    if (!K.plot(figure, [trace], layout, "Sankey")) return;
    figure.dataset.drawn = String(ids.length);
    figure.dataset.ids = JSON.stringify(ids);
    if (first) {
      figure.on("plotly_click", (event) => {
        const point = event && event.points && event.points[0];
        if (!point || point.sourceLinks === undefined) return; // a link, not a box
        const order = JSON.parse(figure.dataset.ids || "[]");
        const box = latest && latest.nodes[order[point.pointNumber]];
        if (box && box.link) window.location.href = K.linkTo(box.link, cluster);
      });
    }
  }

  function linkOf(item) {
    return el("a", { href: K.linkTo(item.link, cluster) }, item.text);
  }

  function attentionRow(row) {
    return el("tr", { className: row.level, dataset: { id: row.id } }, [
      K.cell(LEVEL_WORDS[row.level] || row.level, "level"),
      K.cell(row.what + " " + row.kind, "what"),
      K.cell(linkOf(row.object), "object"),
      K.cell(el("ul", {}, row.words.map((sentence) => el("li", {}, sentence)))),
      K.cell(row.related.flatMap((item, i) => (i ? [", ", linkOf(item)] : [linkOf(item)]))),
    ]);
  }

  function drawAttention(model) {
    const rows = model.attention.rows;
    const counts = model.header.attention;
    const parts = [];
    if (counts.problem) parts.push(counts.problem + (counts.problem === 1 ? " problem" : " problems"));
    if (counts.notice) parts.push(counts.notice + " to look at");
    if (counts.info) parts.push(counts.info + " as designed, on their way");
    K.setText("storage-attention-summary", parts.length
      ? parts.join(", ") + "." + (model.attention.more ? " The first " + rows.length + " shown, problems first." : "")
      : "Nothing needs attention: no claim is Pending, no volume Released, no attachment failed.");
    K.replace("storage-attention", rows.length
      ? [K.table(["", "what", "object", "in words", "see also"], rows.map(attentionRow), "steps attention")]
      : []);
  }

  function counted(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function drawHeader(model) {
    const h = model.header, c = h.counts;
    K.setText("storage-summary", counted(c.classes, "StorageClass", "StorageClasses") + ", " +
      counted(c.volumes, "PersistentVolume", "PersistentVolumes") + ", " + counted(c.claims, "claim", "claims") +
      ", " + counted(c.pods, "pod that mounts or waits for them", "pods that mount or wait for them") +
      (h.detail === "objects" ? "." : " (grouped: see below)."));
    const detail = K.byId("storage-detail");
    detail.hidden = !h.detail_note;
    detail.textContent = h.detail_note;
    K.legend("storage-legend", model.legend.map((entry) => [entry.what, entry.colour]));
    K.replace("storage-notes", model.notes.map((note) => el("li", {}, note)));
  }

  function draw() {
    pending = false;
    drawHeader(latest);
    drawSankey(latest);
    drawAttention(latest);
    K.byId("storage").dataset.drawn = "1";
  }

  K.livePage("storage", (p, live) => {
    cluster = p.cluster;
    live.subscribe("storage", { cluster: p.cluster }, {
      onModel: (model) => {
        latest = model;
        if (!pending) {
          pending = true;
          window.requestAnimationFrame(draw);
        }
      },
      onError: K.problem("storage-summary"),
    });
  });
})();
