/*
 * The page scripts' one kit (window.ExplorerKit): DOM building, the header's connection state,
 * a page's parameters, links to the pages, small formatters, and the one sunburst/treemap trace
 * builder. Loaded before every page script, after live.js.
 *
 * The escaping rule, end to end. Text goes to the DOM as text: el() turns every child that is not
 * a node into a text node, and nothing here or in a page script sets innerHTML. Plotly gets text
 * it cannot read as markup: the server escapes every label, tick and hover text that Plotly draws
 * (explorer/viewmodels/plotly_text.py) and sends the same strings plain where they go to the DOM;
 * the browser never escapes again and never unescapes.
 */
(function () {
  "use strict";

  /* el("a", {href: url, className: "jump", dataset: {id: id}}, "text", node, [more, children]):
   * attributes (false, null and undefined ones left out, true as an empty attribute), then the
   * children; strings and numbers become text nodes, arrays are flattened, null is skipped. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false || value === "") continue;
      if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === null || child === undefined) continue;
      if (Array.isArray(child)) append(node, child);
      else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    node.replaceChildren();
    return node;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    const node = byId(id);
    if (node && node.textContent !== text) node.textContent = text;
  }

  const madeFrom = new WeakMap(); // a node -> the signature of what `rebuild` put in it

  function replace(id, children) {
    const target = byId(id);
    if (!target) return null;
    madeFrom.delete(target);
    target.replaceChildren();
    return append(target, children); // null children are left out, as `el` leaves them
  }

  /* `replace(id, make())`, unless `signature` (a string of everything the children show) is the
   * one they were last made from: a page redrawn for every delta of a busy stream rebuilds only
   * the parts that changed (a list of hundreds of links rebuilt costs its layout too). */
  function rebuild(id, signature, make) {
    const target = byId(id);
    if (!target || madeFrom.get(target) === signature) return target;
    replace(id, make());
    madeFrom.set(target, signature);
    return target;
  }

  function table(headers, rows, className) {
    return el("table", { className: className || "steps" },
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows));
  }

  /* The <dl> `id` filled with [term, description] pairs (a description may be a node). */
  function terms(id, pairs) {
    return replace(id, pairs.flatMap(([term, description]) => [el("dt", {}, term), el("dd", {}, description)]));
  }

  function cell(content, className) {
    return el("td", { className: className }, content === undefined || content === null ? "" : content);
  }

  function row(values, className) {
    return el("tr", { className: className }, values.map((v) => (v instanceof Node && v.tagName === "TD" ? v : cell(v))));
  }

  /* The status line `id` of an object's page: `text` when the model found the object, else an
   * error saying it is gone. Returns whether it was found. */
  function status(id, model, what, text) {
    const line = byId(id);
    line.textContent = model.found ? text() : "This " + what + " does not exist (any more) in cluster " + model.header.cluster + ".";
    line.className = model.found ? "" : "error";
    return model.found;
  }

  /* An error from the server, said as text in the element `id`. */
  function problem(id) {
    return (message) => setText(id, "error: " + message);
  }

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function parseJson(text, fallback) {
    try {
      return JSON.parse(text);
    } catch (error) {
      return fallback;
    }
  }

  /* The page's parameters: JSON in the data-params of the element `id`. */
  function params(id) {
    const root = byId(id);
    return root ? parseJson(root.dataset.params || "{}", null) : null;
  }

  /* The header's connection state (#connection-state: its text and data-state). */
  function showState(status) {
    const node = byId("connection-state");
    if (!node) return;
    node.textContent = window.ExplorerLive.describe(status);
    node.dataset.state = status.state;
  }

  /* The tab's connection, the header kept up to date (and `also` told of every state); null
   * while no cluster is watched yet: the page reloads until one is. */
  function connect(cluster, also) {
    if (!cluster) {
      window.setTimeout(() => window.location.reload(), 3000);
      return null;
    }
    const live = window.ExplorerLive.connection();
    live.onState(cluster, (status) => {
      showState(status);
      if (also) also(status);
    });
    return live;
  }

  /* A live page: once the DOM is ready, its parameters (the data-params of the element `root`)
   * and the tab's connection go to start(params, live); nothing starts when wanted(params) says
   * no, and the page reloads while no cluster is watched. */
  function livePage(root, start, wanted) {
    ready(() => {
      const p = params(root);
      if (!p || (wanted && !wanted(p))) return;
      const live = connect(p.cluster);
      if (live) start(p, live);
    });
  }

  function withCluster(url, cluster, extra) {
    const query = new URLSearchParams(extra || {});
    if (cluster) query.set("cluster", cluster);
    const text = query.toString();
    return routed(text ? url + "?" + text : url);
  }

  /* A page that routes by its hash (<html data-routes="hash">: the one-file export of a snapshot,
   * static/js/export/router.js) gets every link as a hash route, so that it stays in the file. */
  function routed(href) {
    return document.documentElement.dataset.routes === "hash" ? "#" + href : href;
  }

  const seg = encodeURIComponent;
  const links = {
    pod: (cluster, ns, name, extra) => withCluster("/pods/" + seg(ns) + "/" + seg(name), cluster, extra),
    node: (cluster, name, extra) => withCluster("/nodes/" + seg(name), cluster, extra),
    object: (cluster, kind, ns, name) =>
      withCluster("/objects/" + seg(kind) + "/" + (ns ? seg(ns) + "/" : "") + seg(name), cluster),
    events: (cluster, ns, kind, name) =>
      withCluster("/events/", cluster, kind ? { namespace: ns || "*", kind: kind, name: name } : { namespace: ns || "*" }),
    hierarchy: (cluster, ns) => withCluster("/workloads/", cluster, ns ? { namespace: ns } : {}),
    overview: (cluster, first, last) => withCluster("/", cluster, first && last ? { first: first, last: last } : {}),
    serviceChain: (cluster, service, node) =>
      withCluster("/network/service-chain", cluster, node ? { service: service, node: node } : { service: service }),
    dns: (cluster, pod, name) => withCluster("/network/dns", cluster, { pod: pod, name: name }),
    headroom: (cluster) => withCluster("/scheduling/headroom/", cluster),
    etcd: (cluster) => withCluster("/etcd/", cluster),
    etcdKey: (cluster, key, extra) => withCluster("/etcd/key", cluster, Object.assign({ key: key }, extra || {})),
  };

  /* The page of an object: a pod's or a node's own page, the object page of any other kind. */
  function pageOf(cluster, kind, ns, name) {
    if (kind === "Pod") return links.pod(cluster, ns, name);
    if (kind === "Node") return links.node(cluster, name);
    return links.object(cluster, kind, ns, name);
  }

  /* A link the server describes (explorer/viewmodels/links.py: {page, ...the names it needs}). */
  function linkTo(link, cluster) {
    if (!link) return null;
    if (link.page === "pod") return links.pod(cluster, link.namespace, link.name, link.container ? { container: link.container } : null);
    if (link.page === "node") return links.node(cluster, link.name, link.cgroup ? { cgroup: link.cgroup } : null);
    if (link.page === "events") return links.events(cluster, link.namespace, link.kind, link.name);
    if (link.page === "service-chain") return links.serviceChain(cluster, link.service, link.node);
    if (link.page === "dns") return links.dns(cluster, link.pod, link.name);
    if (link.page === "workloads") return links.hierarchy(cluster, link.namespace);
    if (link.page === "overview") return links.overview(cluster, link.first, link.last);
    if (link.page === "etcd-key") return links.etcdKey(cluster, link.key);
    return pageOf(cluster, link.kind, link.namespace, link.name);
  }

  /* A legend: a swatch and its words for each [words, colour]. */
  function legend(id, entries) {
    return rebuild(id, JSON.stringify(entries), () => entries.map(([words, colour]) => {
      const swatch = el("span", { className: "swatch" });
      swatch.style.background = colour;
      return el("span", { className: "legend-item" }, [swatch, words]);
    }));
  }

  /* Now, as ages are reckoned: the moment a snapshot's page shows (<body data-moment>, ISO 8601),
   * else the clock. */
  function now() {
    const moment = Date.parse((document.body && document.body.dataset.moment) || "");
    return Number.isNaN(moment) ? Date.now() : moment;
  }

  function ageText(iso) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "unknown";
    const seconds = Math.max(0, Math.round((now() - then) / 1000));
    if (seconds < 120) return seconds + " s ago";
    if (seconds < 7200) return Math.round(seconds / 60) + " min ago";
    return Math.round(seconds / 3600) + " h ago";
  }

  function percent(share) {
    return (share * 100).toFixed(1) + "%";
  }

  const HOVER_ONLY = "%{hovertext}<extra></extra>";
  const MARGINS = { t: 4, l: 4, r: 4, b: 4 };

  /* One Plotly sunburst or treemap trace from the server's sectors ({id: {parent, label, value,
   * colour, hover}}, labels and hover already escaped for Plotly). options.line: the sectors'
   * outline, {color, width} or a function (id, sector) -> {color, width}; options.extra: more
   * trace attributes. */
  function sectorTrace(type, sectors, options) {
    options = options || {};
    const ids = Object.keys(sectors || {});
    const list = ids.map((id) => sectors[id]);
    const marker = { colors: list.map((s) => s.colour) };
    if (typeof options.line === "function") {
      const lines = ids.map((id, i) => options.line(id, list[i]));
      marker.line = { width: lines.map((l) => l.width), color: lines.map((l) => l.color) };
    } else if (options.line) {
      marker.line = options.line;
    }
    return Object.assign({
      type: type,
      ids: ids,
      parents: list.map((s) => s.parent),
      labels: list.map((s) => s.label),
      values: list.map((s) => s.value),
      marker: marker,
      hovertext: list.map((s) => s.hover),
      hovertemplate: HOVER_ONLY,
      branchvalues: "remainder",
      sort: false,
    }, options.extra || {});
  }

  /* Plotly.react with the pages' config; without Plotly, says so in the figure when told what
   * it shows. Returns whether it drew. */
  function plot(figure, traces, layout, what) {
    if (!window.Plotly) {
      if (what) figure.textContent = "Plotly did not load; the " + what + " cannot be drawn.";
      return false;
    }
    window.Plotly.react(figure, traces, layout, { displaylogo: false, responsive: true });
    return true;
  }

  /* A colour as Plotly keeps it for a sector ("rgba(r, g, b, 1)") and the colour of a label
   * drawn on it (Plotly's Color.contrast: white on a dark fill, #444 on a light one); null for
   * a colour this does not read (#rgb and #rrggbb only). */
  function sectorPaint(colour) {
    let hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour || "");
    if (!hex) return null;
    hex = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
    const [r, g, b] = [0, 2, 4].map((at) => parseInt(hex.slice(at, at + 2), 16));
    const dark = (r * 299 + g * 587 + b * 114) / 1000 < 128;
    return { fill: "rgba(" + r + ", " + g + ", " + b + ", 1)", label: dark ? "#ffffff" : "#444444" };
  }

  function sameJson(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /* Whether `trace` differs from the one the figure holds in its sectors' colours and hover text
   * only: the same sectors, parents, labels, values, outlines and every other attribute. */
  function paintOnly(drawn, trace) {
    if (!drawn || drawn.type !== trace.type || !drawn.marker || !Array.isArray(drawn.marker.colors)) return false;
    for (const key of Object.keys(trace)) {
      if (key === "hovertext" || key === "marker") continue;
      if (!sameJson(drawn[key], trace[key])) return false;
    }
    for (const key of Object.keys(trace.marker)) {
      if (key !== "colors" && !sameJson(drawn.marker[key], trace.marker[key])) return false;
    }
    return drawn.marker.colors.length === trace.marker.colors.length;
  }

  function copyInto(target, source) {
    for (let i = 0; i < source.length; i++) target[i] = source[i];
  }

  /* Repaints the drawn sectors whose colour changed and takes the new hover text, in Plotly's
   * own records too (the trace it holds, its full copy, the calculated sectors), so that a hover,
   * a zoom or the next full draw shows the same. False, having changed nothing, when a colour is
   * one sectorPaint does not read or Plotly's records are not as expected. */
  function repaint(figure, trace) {
    const drawn = figure.data[0];
    const full = figure._fullData && figure._fullData[0];
    const calculated = figure.calcdata && figure.calcdata[0] && figure.calcdata[0][0];
    if (!full || !full.marker || !calculated || !calculated.hierarchy) return false;
    const changed = new Map(); // a sector's index -> its new paint
    for (let i = 0; i < trace.marker.colors.length; i++) {
      if (trace.marker.colors[i] === drawn.marker.colors[i]) continue;
      const paint = sectorPaint(trace.marker.colors[i]);
      if (!paint) return false;
      changed.set(i, paint);
    }
    if (changed.size) {
      calculated.hierarchy.each((node) => {
        const sector = node.data && node.data.data;
        if (sector && changed.has(sector.i)) sector.color = changed.get(sector.i).fill;
      });
      for (const slice of figure.querySelectorAll("g.slice")) {
        const point = slice.__data__;
        const sector = point && point.data && point.data.data;
        if (!sector || !changed.has(sector.i)) continue;
        const paint = changed.get(sector.i);
        point.color = paint.fill;
        const surface = slice.querySelector("path.surface");
        if (surface) surface.style.fill = paint.fill;
        const label = slice.querySelector("g.slicetext text");
        if (label) label.style.fill = paint.label;
      }
    }
    for (const held of new Set([drawn, full])) {
      copyInto(held.marker.colors, trace.marker.colors);
      if (Array.isArray(held.hovertext) && Array.isArray(trace.hovertext)) copyInto(held.hovertext, trace.hovertext);
      else held.hovertext = trace.hovertext;
    }
    return true;
  }

  /* `plot` of one sunburst or treemap trace (sectorTrace's), except that when only its sectors'
   * colours and hover text changed since the last draw (a pod's state flipped; nothing added,
   * removed or resized), those are repainted in place: Plotly redraws every sector whatever
   * changed (~0.3 ms a sector in Chromium, most of a second for the ~2,500 sectors of a
   * 5,000-node cluster's workloads), where a repaint touches only the sectors that changed. */
  function plotSectors(figure, trace, layout, what) {
    const drawn = figure.data && figure.data.length === 1 ? figure.data[0] : null;
    const asked = JSON.stringify(layout); // before Plotly takes the layout as its own
    if (window.Plotly && figure.sectorLayout === asked && paintOnly(drawn, trace) && repaint(figure, trace)) {
      return true;
    }
    if (!plot(figure, [trace], layout, what)) return false;
    figure.sectorLayout = asked;
    return true;
  }

  window.ExplorerKit = {
    el, append, clear, byId, setText, replace, rebuild, terms, table, cell, row, status, problem, ready, parseJson, params,
    showState, connect, livePage, withCluster, links, pageOf, linkTo, legend, now, ageText, percent,
    HOVER_ONLY, MARGINS, sectorTrace, plot, plotSectors,
  };
})();
