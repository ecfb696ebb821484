/*
 * Where the service chain Sankey puts its boxes (the model's columns and orders:
 * explorer/viewmodels/network/service_chain_layout.py). Each column gets one fixed x, far enough
 * from the next that its labels (drawn right of the boxes; the last column's left of them) and its
 * header fit between; when the figure is too narrow for that, the widest columns' labels break
 * onto two lines, and only then does the figure grow wider (and scroll). Each Service port gets a
 * band of rows as deep as its widest column, so its boxes sit beside one another and no other
 * Service's link runs through them; a box stands level with the boxes feeding it, boxes keep a
 * pad taller than their labels between them (no two labels meet), and the figure grows taller with
 * the rows. A link that skips columns passes an unlabelled box in each, so that Plotly's own
 * columns are these and its boxes as tall as they are reckoned here: Plotly moves none of them.
 * window.ExplorerNetwork.sankeyLayout(model, ids, links, width) → {boxes: [{id, label, colour,
 * hover, x, y}], links: [{source, target, value, hover}], width, height, annotations, font, pad,
 * thickness, margin}.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork;
  const FONT = { size: 12, family: "\"Open Sans\", verdana, arial, sans-serif" };
  const THICKNESS = 14;
  const GAP = 10; // between a label and the next column's boxes or labels
  const LINE = { pad: 20, row: 30 }; // labels on one line: the pad between boxes, a row's least height
  const TWO_LINES = { pad: 34, row: 46 };
  const MIN_PLOT_HEIGHT = 340;
  const MARGIN = { t: 58, l: 8, r: 8, b: 12 };
  const LABEL_OFFSET = 4; // Plotly draws a label this far beside its box
  const BREAKS = " /:-";
  const PASS_COLOUR = "rgba(120, 130, 150, 0.28)"; // a link's own colour: the link runs on
  // where a column's labels break best: a Service port before its port name, a way in after its
  // kind, a chain after its family (KUBE-SVC-, service-HASH-); an address or a node name never
  // (short, and unreadable in two); other labels nearest the middle
  const NEVER = () => -1;
  const BREAK_AT = {
    service: (label) => label.lastIndexOf(":"),
    entry: (label) => label.indexOf(" "),
    firewall: afterFamily,
    external: afterFamily,
    chain: afterFamily,
    sep: afterFamily,
    endpoint: NEVER,
    node: NEVER,
  };

  function afterFamily(label) {
    return label.indexOf("-", label.indexOf("-") + 1);
  }

  function nearestMiddle(label) {
    let best = -1;
    for (let i = 1; i < label.length - 1; i++) {
      if (BREAKS.includes(label[i]) && (best < 0 || Math.abs(i - label.length / 2) < Math.abs(best - label.length / 2))) best = i;
    }
    return best;
  }

  let canvas = null;
  function textWidth(escaped, weight) {
    // labels and headers arrive escaped for Plotly; Plotly shows the characters
    const text = escaped.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    canvas = canvas || document.createElement("canvas");
    const context = canvas.getContext("2d");
    context.font = (weight || "normal") + " " + FONT.size + "px " + FONT.family;
    return Math.ceil(context.measureText(text).width) + LABEL_OFFSET;
  }

  function labelWidth(label) {
    return Math.max(...label.split("<br>").map((line) => textWidth(line)));
  }

  function onTwoLines(label, column) {
    // broken at a space, "/", ":" or "-" (an escape has none of them); the break stays on the
    // first line, a space goes
    const rule = BREAK_AT[column];
    if (rule === NEVER) return label;
    const chosen = (rule || nearestMiddle)(label);
    const best = chosen > 0 && chosen < label.length - 1 ? chosen : nearestMiddle(label);
    if (best < 0) return label;
    return label.slice(0, best + 1).trim() + "<br>" + label.slice(best + 1).trim();
  }

  function throughEveryColumn(model, ids, links, columns) {
    // a link from column i to column j > i + 1 becomes a path through a box in each column between
    const at = new Map(columns.map((c, i) => [c.id, i]));
    const nodes = {}, kept = [];
    for (const id of ids) nodes[id] = model.nodes[id];
    links.forEach((link, n) => {
      const from = at.get(nodes[link.source].column), to = at.get(nodes[link.target].column);
      let source = link.source;
      for (let i = from + 1; i < to; i++) {
        const id = "pass:" + n + ":" + i;
        nodes[id] = {
          label: "", hover: link.hover, colour: PASS_COLOUR, column: columns[i].id,
          order: nodes[link.source].order, service: nodes[link.source].service,
        };
        kept.push({ source: source, target: id, value: link.value, hover: link.hover });
        source = id;
      }
      kept.push({ source: source, target: link.target, value: link.value, hover: link.hover });
    });
    return { nodes: nodes, ids: Object.keys(nodes), links: kept };
  }

  function nodeValues(ids, links) {
    const into = {}, out = {};
    for (const link of links) {
      out[link.source] = (out[link.source] || 0) + link.value;
      into[link.target] = (into[link.target] || 0) + link.value;
    }
    return new Map(ids.map((id) => [id, Math.max(into[id] || 0, out[id] || 0)]));
  }

  function columnXs(widths, available) {
    // box centres, in pixels from the plot's left edge
    const last = widths.length - 1;
    const steps = [];
    for (let i = 0; i < last; i++) {
      const labels = widths[i] + (i + 1 === last ? GAP + widths[last] : 0);
      steps.push(THICKNESS + GAP + labels + GAP);
    }
    const tail = last === 0 ? GAP + widths[0] : 0; // a lone column's labels go right
    const needed = THICKNESS + steps.reduce((a, b) => a + b, 0) + tail;
    const spare = last > 0 ? Math.max(0, available - needed) / last : 0;
    const xs = [THICKNESS / 2];
    for (const step of steps) xs.push(xs[xs.length - 1] + step + spare);
    return { xs: xs, width: Math.max(available, needed), fits: needed <= available };
  }

  function fitAcross(columns, members, nodes, available) {
    // the labels to draw and the columns' places; the widest columns break their labels first
    const labels = {};
    for (const m of members) for (const id of m) labels[id] = nodes[id].label;
    const headers = columns.map((c) => textWidth(c.header, "bold"));
    const widths = () => members.map((m, i) => Math.max(headers[i], ...m.map((id) => labelWidth(labels[id]))));
    let across = columnXs(widths(), available);
    const widest = widths().map((w, i) => [w, i]).sort((a, b) => b[0] - a[0]).map((pair) => pair[1]);
    let twoLines = false;
    for (const i of widest) {
      if (across.fits) break;
      for (const id of members[i]) labels[id] = onTwoLines(labels[id], columns[i].id);
      twoLines = true;
      across = columnXs(widths(), available);
    }
    return { labels: labels, across: across, spacing: twoLines ? TWO_LINES : LINE };
  }

  function bands(nodes, ids, links) {
    // a Service port's band: as many rows as the most boxes of its own in one column
    const out = {};
    for (const link of links) (out[link.source] = out[link.source] || []).push(link.target);
    const starts = ids.filter((id) => nodes[id].column === "service")
      .sort((a, b) => nodes[a].order - nodes[b].order);
    return starts.map((start) => {
      const seen = new Set([start]);
      const queue = [start];
      while (queue.length) {
        for (const next of out[queue.shift()] || []) {
          if (!seen.has(next) && nodes[next].service) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      const counts = {};
      for (const id of seen) counts[nodes[id].column] = (counts[nodes[id].column] || 0) + 1;
      return { start: start, rows: Math.max(1, ...Object.values(counts)) };
    });
  }

  function stack(boxes, height, pad) {
    // boxes: [{id, want (centre), size}] top to bottom; no overlap, inside [0, height]
    let next = 0;
    for (const box of boxes) {
      box.top = Math.max(box.want - box.size / 2, next);
      next = box.top + box.size + pad;
    }
    let floor = height;
    for (const box of boxes.slice().reverse()) {
      box.top = Math.min(box.top, floor - box.size);
      floor = box.top - pad;
    }
  }

  function sankeyLayout(model, shownIds, shownLinks, containerWidth) {
    const columns = model.columns.filter((c) => shownIds.some((id) => model.nodes[id].column === c.id));
    const drawn = throughEveryColumn(model, shownIds, shownLinks, columns);
    const nodes = drawn.nodes, ids = drawn.ids, links = drawn.links;
    const members = columns.map((c) =>
      ids.filter((id) => nodes[id].column === c.id).sort((a, b) => nodes[a].order - nodes[b].order));
    const fitted = fitAcross(columns, members, nodes, Math.max(0, containerWidth - MARGIN.l - MARGIN.r));
    const across = fitted.across, pad = fitted.spacing.pad;
    const banded = bands(nodes, ids, links);
    const rows = Math.max(banded.reduce((sum, band) => sum + band.rows, 0), ...members.map((m) => m.length));
    const height = Math.max(MIN_PLOT_HEIGHT, rows * fitted.spacing.row);
    const values = nodeValues(ids, links);
    // Plotly's scale: the column with the least room per unit of value fills the height
    const scale = Math.min(...members.map((m) => {
      const total = m.reduce((sum, id) => sum + values.get(id), 0);
      return total > 0 ? (height - (m.length - 1) * pad) / total : Infinity;
    }));
    const size = (id) => values.get(id) * (isFinite(scale) ? scale : 0);
    const centre = {};
    let bandTop = 0;
    for (const band of banded) {
      const bandHeight = (band.rows / rows) * height;
      centre[band.start] = bandTop + bandHeight / 2;
      bandTop += bandHeight;
    }
    const feeding = {};
    for (const link of links) (feeding[link.target] = feeding[link.target] || []).push(link);
    for (const m of members) {
      const boxes = m.map((id, order) => {
        const fed = (feeding[id] || []).filter((l) => l.source in centre);
        const weight = fed.reduce((sum, l) => sum + l.value, 0);
        const want = id in centre ? centre[id]
          : weight > 0 ? fed.reduce((sum, l) => sum + centre[l.source] * l.value, 0) / weight
          : height / 2;
        return { id: id, want: want, order: order, size: size(id) };
      });
      boxes.sort((a, b) => a.want - b.want || a.order - b.order);
      stack(boxes, height, pad);
      for (const box of boxes) centre[box.id] = box.top + box.size / 2;
    }
    const inside = (v) => Math.min(0.999, Math.max(0.001, v)); // Plotly ignores a 0
    const boxes = [];
    members.forEach((m, i) => {
      for (const id of m) {
        boxes.push({
          id: id,
          label: fitted.labels[id],
          colour: nodes[id].colour,
          hover: nodes[id].hover,
          x: inside(across.xs[i] / across.width),
          y: inside(centre[id] / height),
        });
      }
    });
    const last = columns.length - 1;
    const annotations = columns.map((c, i) => {
      const right = i === last && last > 0; // the last column's labels, and header, go left
      const edge = across.xs[i] + (right ? THICKNESS / 2 : -THICKNESS / 2);
      return {
        text: "<b>" + c.header + "</b>",
        x: edge / across.width,
        xref: "paper",
        xanchor: right ? "right" : "left",
        y: 1,
        yref: "paper",
        yanchor: "bottom",
        yshift: 8,
        showarrow: false,
        font: { size: FONT.size, family: FONT.family, color: "#4b5563" },
      };
    });
    return {
      boxes: boxes,
      links: links,
      width: across.width + MARGIN.l + MARGIN.r,
      height: height + MARGIN.t + MARGIN.b,
      annotations: annotations,
      font: FONT,
      pad: pad,
      thickness: THICKNESS,
      margin: MARGIN,
    };
  }

  N.sankeyLayout = sankeyLayout;
})();
