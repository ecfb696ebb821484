/*
 * The one-file export's pages: the route in the location's hash (#/pods/ns/name?cluster=...,
 * the app's own paths, which kit.js writes as hash routes under <html data-routes="hash">) picks
 * a page; its skeleton, the app's template rendered once (<template id="page-NAME">, with
 * @@name@@ where the route's values go), is cloned into <main>, filled as text, given the
 * data-params the app's view function would give it, and its page scripts (wrapped, unchanged,
 * in window.ExplorerExportScripts) run against the offline connection (offline_live.js).
 *
 * One page per load, as in the app: a new route reloads the file, so that no page script's
 * timers or listeners outlive its page. A form submitted on a page (a filter) becomes a route.
 * Parts that only make sense live (start a job, collect now, follow logs) are hidden.
 * No innerHTML: cluster strings reach the DOM as text and attribute values.
 */
(function () {
  "use strict";

  const LIVE_ONLY = ["form[data-job]", "#collect-job", "section:has(#pod-log)", "#etcd-object"];
  const MARKER = /@@(\w+)@@/g;

  function readJson(id) {
    const block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : {};
  }

  const about = readJson("export-about");
  const pages = readJson("export-pages");
  const cluster = about.cluster;
  const live = window.ExplorerLive.connection();

  function decode(segment) {
    try {
      return decodeURIComponent(segment);
    } catch (error) {
      return segment;
    }
  }

  /* The route of a hash: {page, params (the page's data-params, cluster aside), fills (its
   * skeleton's markers), model ([view, params] the page cannot go without), what (said when the
   * export lacks it), link (a page of the same object that may be in the export)}. */
  function route(hash) {
    const [path, search] = hash.replace(/^#/, "").split(/\?(.*)/s);
    const query = new URLSearchParams(search || "");
    const wanted = path || "/";
    let m;
    if (wanted === "/") {
      if (query.get("first") && query.get("last")) {  // a run of nodes alone: said missing unless held
        const p = { first: query.get("first"), last: query.get("last") };
        return { page: "overview", params: p, fills: {}, model: ["overview", p], what: "the overview of the nodes from " + p.first + " to " + p.last };
      }
      return { page: "overview", params: {}, fills: {}, model: ["overview", {}], what: "the overview" };
    }
    if (wanted === "/workloads/") {
      const p = { namespace: query.get("namespace") || "*", size: query.get("size") || "count" };
      return { page: "hierarchy", params: p, fills: {}, model: ["hierarchy", p], what: "this view of the workloads" };
    }
    if ((m = wanted.match(/^\/pods\/([^/]+)\/([^/]+)$/))) {
      const p = { namespace: decode(m[1]), name: decode(m[2]) };
      return { page: "pod", params: p, fills: p, model: ["pod", p], what: "the page of pod " + p.namespace + "/" + p.name,
        link: ["Pod", p.namespace, p.name] };
    }
    if ((m = wanted.match(/^\/nodes\/([^/]+)$/))) {
      const p = { name: decode(m[1]), size: query.get("size") || "limit" };
      return { page: "node", params: p, fills: { name: p.name, highlight: query.get("cgroup") || "" },
        model: ["node", { name: p.name }], what: "the page of node " + p.name, link: ["Node", "", p.name] };
    }
    if (wanted === "/events/") {
      const kind = query.get("kind") || "", name = query.get("name") || "";
      const p = { namespace: query.get("namespace") || "*", object: kind && name ? kind + "/" + name : "*" };
      return { page: "events", params: p, fills: {}, model: ["events", p], what: "these events",
        link: kind && name ? [kind, p.namespace === "*" ? "" : p.namespace, name] : null };
    }
    if (wanted === "/scheduling/history/") {
      return { page: "scheduling-history", params: {}, fills: {}, model: ["scheduling-history", {}], what: "the scheduling history" };
    }
    if ((m = wanted.match(/^\/objects\/([^/]+)\/([^/]+)(?:\/(.+))?$/))) {
      const namespaced = m[3] !== undefined;
      const kind = decode(m[1]), namespace = namespaced ? decode(m[2]) : "", name = decode(namespaced ? m[3] : m[2]);
      if (kind === "Pod" || kind === "Node") {
        const richer = route(window.ExplorerKit.pageOf(null, kind, namespace, name));
        if (live.has(richer.model[0], Object.assign({ cluster: cluster }, richer.model[1]))) return richer;
      }
      const p = { kind: kind, namespace: namespace || "-", name: name };
      return { page: namespaced ? "object" : "object-cluster", params: p, fills: { kind: kind, namespace: namespace, name: name },
        model: ["object", p], what: "the page of " + kind + " " + (namespace ? namespace + "/" : "") + name };
    }
    if (wanted === "/storage/") return { page: "storage", params: {}, fills: {}, model: ["storage", {}], what: "the storage page" };
    if (wanted === "/network/service-chain") {
      const p = { node: query.get("node") || about.chain_node || "", service: query.get("service") || "*" };
      return { page: "service-chain", params: p, fills: p, model: ["service-chains", p],
        what: "the chains of " + (p.service === "*" ? "every Service" : p.service) + " on node " + p.node,
        also: p.service === "*" ? null : window.ExplorerKit.links.serviceChain(cluster, "*", p.node) };
    }
    return { page: null, what: "the page " + wanted };
  }

  function fill(text, fills) {
    return text.replace(MARKER, (all, name) => (name === "cluster" ? cluster : fills[name] || ""));
  }

  function filled(fragment, fills) {
    const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (node.nodeValue.includes("@@")) node.nodeValue = fill(node.nodeValue, fills);
        continue;
      }
      for (const attribute of node.attributes || []) {
        if (attribute.value.includes("@@")) attribute.value = fill(attribute.value, fills);
      }
    }
    return fragment;
  }

  function skeleton(id) {
    const template = document.getElementById(id);
    return template ? document.importNode(template.content, true) : document.createDocumentFragment();
  }

  function show(where) {
    const page = pages[where.page];
    const fragment = filled(skeleton(page.template), where.fills);
    for (const root of fragment.querySelectorAll("[data-params]")) {
      root.dataset.params = JSON.stringify(Object.assign({ cluster: cluster }, where.params));
    }
    for (const selector of LIVE_ONLY) {
      for (const part of fragment.querySelectorAll(selector)) part.hidden = true;
    }
    document.getElementById("export-main").replaceChildren(fragment);
    const heading = document.querySelector("#export-main h1");
    document.title = (heading ? heading.textContent.trim() + " · " : "") + (about.title || "snapshot");
    for (const script of page.scripts) window.ExplorerExportScripts[script]();
  }

  /* What the export lacks, said as a page, with the pages of the same thing it may hold. */
  function showMissing(where) {
    const K = window.ExplorerKit, el = K.el;
    const fragment = skeleton("page-missing");
    const leads = [];
    if (where.link) {
      const [kind, namespace, name] = where.link;
      const objectPage = { kind: kind, namespace: namespace || "-", name: name };
      if (live.has("object", Object.assign({ cluster: cluster }, objectPage))) {
        leads.push(el("li", {}, el("a", { href: K.links.object(cluster, kind, namespace, name) }, "its object page and YAML")));
      }
      if (where.page === "events") leads.push(el("li", {}, el("a", { href: K.pageOf(cluster, kind, namespace, name) }, "its page, with its events")));
    }
    if (where.also) leads.push(el("li", {}, el("a", { href: where.also }, "the chains of every Service on that node")));
    leads.push(el("li", {}, el("a", { href: K.links.hierarchy(cluster) }, "the workload hierarchy")));
    document.getElementById("export-main").replaceChildren(fragment);
    K.setText("missing-what", where.what);
    K.setText("missing-detail", about.detail || "");
    K.replace("missing-leads", leads);
  }

  function formRoute(form) {
    const action = new URL(form.getAttribute("action") || "", "http://export.invalid" + location.hash.slice(1));
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === "string" && value) query.set(name, value);
    const text = query.toString();
    return "#" + action.pathname + (text ? "?" + text : "");
  }

  document.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = formRoute(event.target);
  });
  window.addEventListener("hashchange", () => location.reload());

  const where = route(location.hash || "#/");
  const model = where.page && Object.assign({ cluster: cluster }, where.model[1]);
  if (where.page && live.has(where.model[0], model)) show(where);
  else showMissing(where);
})();
