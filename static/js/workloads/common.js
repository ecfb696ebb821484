/*
 * Shared by the workload pages: DOM building with text only (cluster strings never become
 * markup), links to the pages, the live connection state in the header, and the page's params
 * (JSON in data-params on #workloads).
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children || []) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function withCluster(url, cluster, extra) {
    const query = new URLSearchParams(extra || {});
    if (cluster) query.set("cluster", cluster);
    const text = query.toString();
    return text ? url + "?" + text : url;
  }

  const seg = encodeURIComponent;
  const links = {
    pod: (cluster, ns, name, extra) => withCluster("/pods/" + seg(ns) + "/" + seg(name), cluster, extra),
    node: (cluster, name, extra) => withCluster("/nodes/" + seg(name), cluster, extra),
    events: (cluster, ns, kind, name) =>
      withCluster("/events/", cluster, kind ? { namespace: ns || "*", kind: kind, name: name } : { namespace: ns || "*" }),
    hierarchy: (cluster, ns) => withCluster("/workloads/", cluster, ns ? { namespace: ns } : {}),
  };

  function linkTo(link, cluster) {
    if (!link) return null;
    if (link.page === "pod") return links.pod(cluster, link.namespace, link.name, link.container ? { container: link.container } : null);
    if (link.page === "node") return links.node(cluster, link.name, link.cgroup ? { cgroup: link.cgroup } : null);
    return links.events(cluster, link.namespace, link.kind, link.name);
  }

  function params() {
    const root = document.getElementById("workloads");
    if (!root) return null;
    try {
      return JSON.parse(root.dataset.params || "{}");
    } catch (error) {
      return null;
    }
  }

  function showState(status) {
    const element = document.getElementById("connection-state");
    if (!element) return;
    element.textContent = window.ExplorerLive.describe(status);
    element.dataset.state = status.state;
  }

  function replace(id, children) {
    const target = document.getElementById(id);
    if (!target) return null;
    target.replaceChildren(...children);
    return target;
  }

  function table(headers, rows) {
    return el("table", { className: "steps" }, [
      el("thead", {}, [el("tr", {}, headers.map((h) => el("th", { text: h })))]),
      el("tbody", {}, rows),
    ]);
  }

  function cell(content) {
    return el("td", {}, [content === undefined || content === null ? "" : typeof content === "object" ? content : String(content)]);
  }

  /* The tab's connection with the header kept up to date; null while no cluster is watched
   * (the page reloads until one is). */
  function connect(p) {
    if (!p) return null;
    if (!p.cluster) {
      window.setTimeout(() => window.location.reload(), 3000);
      return null;
    }
    const live = window.ExplorerLive.connection();
    live.onState(p.cluster, showState);
    return live;
  }

  function problem(id) {
    return (message) => {
      const target = document.getElementById(id);
      if (target) target.textContent = "error: " + message;
    };
  }

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function ageText(iso) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return "unknown";
    const seconds = Math.max(0, Math.round((Date.now() - then) / 1000));
    if (seconds < 120) return seconds + " s ago";
    if (seconds < 7200) return Math.round(seconds / 60) + " min ago";
    return Math.round(seconds / 3600) + " h ago";
  }

  window.ExplorerWorkloads = { el, links, linkTo, params, replace, table, cell, connect, problem, ready, ageText, withCluster };
})();
