/*
 * Shared by the network pages (service chains, chain browser, DNS trace, Corefile, pasted text).
 *
 * window.ExplorerNetwork.boot(name, draw, options) finds every element with data-render=name and
 * draws a model into it: the model in its data-model attribute (pasted text, drawn at once), or
 * the view data-view with the parameters of data-params (JSON), streamed over the tab's websocket
 * (window.ExplorerLive, live.js) and redrawn on every change. options.choose(index, params)
 * fills parameters the page left empty from the cluster's network index (nodes with facts,
 * Services, pods); forms marked data-network-controls get their <select data-choose=...> filled
 * from that index too.
 * Everything from a cluster or a dump reaches the DOM as text (the escaping rule: static/js/kit.js).
 * No inline script anywhere.
 */
(function () {
  "use strict";

  const K = window.ExplorerKit, el = K.el;

  function fillSelect(select, options, current) {
    // options: [[value, label], ...]; the current value stays even when the index lacks it.
    const values = new Set(options.map((o) => o[0]));
    const keep = Array.from(select.querySelectorAll("option[data-fixed]"));
    K.clear(select);
    for (const option of keep) select.appendChild(option);
    if (current && !values.has(current) && !keep.some((o) => o.value === current)) {
      options = [[current, current + " (not in the cluster now)"]].concat(options);
    }
    for (const [value, label] of options) {
      select.appendChild(el("option", { value: value }, label));
    }
    if (current) select.value = current;
  }

  function nodeLabel(name, node) {
    const facts = node.facts.filter((f) => f !== "corefile");
    return facts.length ? name + " (" + facts.join(", ") + ")" : name + " (nothing collected yet)";
  }

  const choosers = {
    nodes: (index) => Object.keys(index.nodes).map((n) => [n, nodeLabel(n, index.nodes[n])]),
    services: (index) =>
      Object.keys(index.services).map((s) => [s, s + "  " + (index.services[s].cluster_ip || "")]),
    pods: (index) => Object.keys(index.pods).map((p) => [p, p + "  (node " + (index.pods[p] || "none") + ")"]),
    sources: (index) =>
      Object.keys(index.nodes).map((n) => ["node:" + n, "node " + n])
        .concat(Object.keys(index.pods).map((p) => ["pod:" + p, "pod " + p])),
  };

  function fillControls(index) {
    for (const select of document.querySelectorAll("form[data-network-controls] select[data-choose]")) {
      const chooser = choosers[select.dataset.choose];
      if (chooser) fillSelect(select, chooser(index), select.dataset.current || select.value);
    }
    for (const form of document.querySelectorAll("form[data-network-controls][data-autosubmit]")) {
      if (form.dataset.wired) continue;
      form.dataset.wired = "1";
      for (const select of form.querySelectorAll("select")) {
        select.addEventListener("change", () => form.requestSubmit());
      }
    }
  }

  function firstNodeWith(index, facts) {
    const names = Object.keys(index.nodes);
    return names.find((n) => facts.some((f) => index.nodes[n].facts.includes(f))) || names[0] || "";
  }

  function describeSource(source) {
    if (!source || source.pasted) return source && source.pasted ? "From the pasted text." : "";
    if (!source.node) return "";
    let text = "Node " + source.node;
    if (source.fact) text += ", its " + source.fact;
    text += source.taken_at ? ", taken " + source.taken_at : ", time taken not recorded";
    if (source.probe) text += " by the " + source.probe + " probe";
    text += ".";
    // what failed besides the rules shown does not concern this page
    const errors = Object.entries(source.errors || {}).filter(([fact]) => !source.fact || fact === source.fact);
    if (errors.length) text += " Not read: " + errors.map(([k, v]) => k + " (" + v + ")").join("; ") + ".";
    const passedOver = Object.entries(source.passed_over || {});
    if (passedOver.length) text += " Not by the " + passedOver.map(([probe, why]) => probe + " probe: " + why).join("; ") + ".";
    return text;
  }

  function showNotes(container, model) {
    const box = container.querySelector("[data-notes]") || container.parentElement.querySelector("[data-notes]");
    if (!box) return;
    K.clear(box);
    const lines = [];
    // nothing to show yet is not an error: say what to do, in the page's ordinary ink
    if (model.missing) lines.push(["empty", model.missing + " Node facts are collected on a schedule and when someone presses “Collect now”."]);
    const source = describeSource(model.source);
    if (source) lines.push(["source", source]);
    for (const note of model.notes || []) lines.push(["note", note]);
    for (const [kind, text] of lines) box.appendChild(el("p", { className: "network-" + kind }, text));
  }

  function live() {
    return window.ExplorerLive.connection(); // one per tab
  }

  const indexWaiters = {};
  function onIndex(cluster, callback) {
    if (!indexWaiters[cluster]) {
      indexWaiters[cluster] = { callbacks: [], model: null };
      live().subscribe("network-index", { cluster: cluster }, {
        onModel: (model) => {
          const entry = indexWaiters[cluster];
          entry.model = model;
          fillControls(model);
          for (const cb of entry.callbacks) cb(model);
        },
        onError: K.problem("connection-state"),
      });
    }
    const entry = indexWaiters[cluster];
    entry.callbacks.push(callback);
    if (entry.model) callback(entry.model);
  }

  function startLive(container, draw, options) {
    const params = K.parseJson(container.dataset.params || "{}", {});
    const view = container.dataset.view;
    const cluster = params.cluster;
    if (!cluster) {
      container.textContent = "Waiting for the watcher… this page fills in once a cluster has been listed.";
      K.connect(cluster); // reloads until a cluster is watched
      return;
    }
    K.connect(cluster);
    let subscribed = false;
    function subscribe() {
      if (subscribed) return;
      subscribed = true;
      live().subscribe(view, params, {
        onModel: (model) => {
          showNotes(container, model);
          draw(container, model, params);
        },
        onError: (message) => {
          container.textContent = "The server could not build this view: " + message;
        },
      });
    }
    onIndex(cluster, (index) => {
      if (options.choose) {
        const chosen = options.choose(index, params) || {};
        let changed = false;
        for (const [key, value] of Object.entries(chosen)) {
          if (!params[key] && value) {
            params[key] = value;
            changed = true;
          }
        }
        if (changed) {
          const url = new URL(window.location.href);
          for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
          window.history.replaceState(null, "", url);
          for (const select of document.querySelectorAll("form[data-network-controls] select")) {
            if (params[select.name]) select.value = params[select.name];
          }
        }
      }
      if (options.ready && !options.ready(params)) return;
      if ((options.needs || []).every((key) => params[key])) subscribe();
    });
  }

  function controlsWithoutView() {
    // a form whose page draws nothing yet (no pod picked) still offers the cluster's choices
    for (const form of document.querySelectorAll("form[data-network-controls][data-cluster]")) {
      if (form.dataset.cluster && window.ExplorerLive) onIndex(form.dataset.cluster, () => {});
    }
  }

  function boot(name, draw, options) {
    options = options || {};
    function start() {
      controlsWithoutView();
      for (const container of document.querySelectorAll('[data-render="' + name + '"]')) {
        if (container.dataset.model) {
          const model = K.parseJson(container.dataset.model, null);
          if (model) {
            showNotes(container, model);
            draw(container, model, {});
          }
        } else if (container.dataset.view) {
          startLive(container, draw, options);
        }
      }
    }
    K.ready(start);
  }

  window.ExplorerNetwork = { boot, onIndex, firstNodeWith, describeSource };
})();
