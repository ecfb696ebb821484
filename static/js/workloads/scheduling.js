/*
 * The pod page's scheduling parts: "Why Pending, node by node" and "Why not that node?", drawn from the
 * "scheduling" view (explorer/viewmodels/workloads/scheduling.py): node "*" for every node while the pod waits
 * for one, a node's name for the select. Every cluster string reaches the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  let live = null, params = null, every = null, one = null, chosen = "";

  const MARK = { passed: "pass", skipped: "skip", "not run": "", "left out": "left out", "not evaluated": "?" };

  function verdictCell(c) {
    if (c.state === "failed") return K.cell(c.reason, "verdict failed");
    if (c.state === "not evaluated") return el("td", { className: "verdict open", title: c.reason }, "? " + c.reason);
    return K.cell(MARK[c.state], "verdict " + c.state.replace(" ", "-"));
  }

  function outcome(r) {
    if (r.feasible === true) return r.best ? "fits (best score)" : "fits";
    if (r.feasible === null) return "open";
    return r.note || "rejected by " + r.rejected_by;
  }

  function said(model) {
    const profile = model.profile;
    const parts = [el("p", { className: "muted", id: "pod-sched-version" },
      "Evaluated as kube-scheduler " + model.version + " (" + model.version_from + "), profile " + profile.name + "."),
      el("p", { className: profile.picked_up ? "muted" : "disagree", id: "pod-sched-profile" }, profile.words +
        (profile.configured ? " NodeResourcesFit scores by " + profile.strategy + "." : ""))];
    if (profile.notes.length) parts.push(el("ul", { className: "muted" }, profile.notes.map((n) => el("li", {}, "Not simulated: " + n))));
    if (model.message !== null) {
      parts.push(el("p", { className: "why-headline" }, "The scheduler would say:"), el("pre", { className: "said", id: "pod-sched-ours" }, model.message));
    } else if (model.fits) {
      parts.push(el("p", { className: "why-headline" }, "The explorer finds nodes it fits on now: " +
        model.rows.filter((r) => r.feasible === true).map((r) => r.node).join(", ") + "."));
    } else {
      parts.push(el("p", { className: "why-headline" }, "The outcome is open: a plugin the explorer cannot evaluate decides it" +
        (model.left_out ? ", and " + model.left_out + " nodes were not evaluated (at most " + (model.total_nodes - model.left_out) + " are)" : "") + "."));
    }
    if (model.said) {
      parts.push(el("p", { className: "why-headline" }, "It said (" + model.said.source + "):"), el("pre", { className: "said", id: "pod-sched-theirs" }, model.said.message));
      parts.push(el("p", { id: "pod-sched-agree", className: model.said.agrees ? "agree" : "disagree" },
        model.said.agrees ? "They agree, byte for byte." :
          "They differ: the cluster changed since it was said, or the scheduler saw what the explorer does not (its configuration, nominated pods, extenders)."));
    }
    K.replace("pod-sched-message", parts);
  }

  function verdictTable(model, target) {
    const rows = model.rows.map((r) => el("tr", { dataset: { node: r.node } },
      [K.cell(el("a", { href: K.links.node(params.cluster, r.node) }, r.node)), K.cell(outcome(r)), ...r.cells.map(verdictCell)]));
    const parts = [el("div", { className: "sched-scroll" }, K.table(["node", "outcome", ...model.plugins], rows, "steps verdicts"))];
    if (model.rows_left_out) parts.push(el("p", { className: "muted" }, model.rows_left_out + " more nodes not listed; the message counts them."));
    K.replace(target, parts);
  }

  function scoreTable(model, target, only) {
    const s = model.scores;
    if (!s) return K.replace(target, []);
    const rows = s.rows.filter((r) => !only || r.node === only).map((r) => el("tr", { className: r.best ? "best" : "" },
      [K.cell(r.node), ...r.scores.map((x) => el("td", { title: x.raw === null ? "skipped for this pod" : "raw " + x.raw + ", normalised " + x.score },
        x.raw === null ? "–" : String(x.weighted))), K.cell(String(r.total) + (r.best ? " ★" : ""))]));
    K.replace(target, [
      el("h3", {}, "Scores of the nodes it fits on"),
      el("div", { className: "sched-scroll" }, K.table(["node", ...s.plugins.map((p) => p.plugin + " ×" + p.weight), "total"], rows, "steps scores")),
      el("p", { className: "muted" }, "Best: " + s.best.join(", ") + ". " + s.note + " Weights: " + s.profile + "."),
    ]);
  }

  /* What a preemption could evict where, or why none would help: the model's `preemption`. */
  function preemption(model) {
    const p = model.preemption;
    if (!p) return K.replace("pod-sched-preemption", []);
    const parts = [el("h3", {}, "Preemption (priority " + p.priority + ")"), el("p", { className: "why-headline", id: "pod-preempt-headline" }, p.headline)];
    if (p.why_none.length) parts.push(el("ul", { className: "why-reasons" }, p.why_none.map((w) => el("li", {}, w))));
    const podLink = (v) => el("a", { href: K.pageOf(params.cluster, "Pod", v.namespace, v.name) }, v.namespace + "/" + v.name);
    const rows = p.nodes.map((n) => el("tr", { className: n.nominated ? "best" : "", dataset: { node: n.node } }, [
      K.cell(el("a", { href: K.links.node(params.cluster, n.node) }, n.node)),
      K.cell(n.nominated ? "nominated" : ""),
      K.cell(el("ul", { className: "plain" }, n.victims.map((v) => el("li", { className: "victim" }, [podLink(v), " (priority " + v.priority + ")"])))),
      K.cell(n.violated.length ? el("span", { className: "violated" }, n.violated.map((b, i) => [i ? ", " : "",
        el("a", { href: K.pageOf(params.cluster, "PodDisruptionBudget", b.namespace, b.name) }, b.namespace + "/" + b.name)]).flat())
        : p.budgets_known ? "none" : "not known"),
    ]));
    if (rows.length) {
      parts.push(el("div", { className: "sched-scroll" }, K.table(["node", "", "pods it would evict", "PodDisruptionBudgets violated"], rows, "steps preemption")));
      const notes = ["The fewest pods of lower priority whose eviction makes room on each node, most important first; a PodDisruptionBudget does not stop a preemption, the scheduler only prefers to violate fewer."];
      if (!p.budgets_known) notes.push("The explorer holds no PodDisruptionBudgets, so their violations are not known.");
      if (p.sampled) notes.push("This cluster is big enough that the scheduler tries only some nodes, from a random one on: it may nominate another.");
      if (p.nodes_left_out) notes.push(p.nodes_left_out + " more nodes not listed.");
      parts.push(el("p", { className: "muted" }, notes.join(" ")));
    }
    K.replace("pod-sched-preemption", parts);
  }

  function drawEvery(model) {
    const section = K.byId("pod-sched");
    section.hidden = !model.found;
    if (!model.found) return;
    said(model);
    verdictTable(model, "pod-sched-table");
    scoreTable(model, "pod-sched-scores");
    preemption(model);
  }

  function drawOne(model) {
    if (!model.found || model.node !== chosen) return;
    if (!model.known_node) return K.replace("why-not-result", [el("p", {}, "No node " + model.node + " in this cluster.")]);
    const r = model.rows[0];
    if (!r) return K.replace("why-not-result", [el("p", { className: "muted" }, "Not evaluated (the cluster is bigger than the evaluation's bound).")]);
    const items = model.plugins.map((p, i) => [p, r.cells[i]]).filter(([, c]) => c.state !== "not run")
      .map(([p, c]) => el("li", { className: "verdict " + c.state.replace(" ", "-") }, p + ": " + c.state + (c.reason ? " — " + c.reason : "")));
    const head = r.feasible === true ? "It fits on " + r.node + (r.best ? ", and " + r.node + " is among the best-scoring nodes." : ".")
      : r.feasible === null ? "Open: a plugin the explorer cannot evaluate decides it." : "Not " + r.node + ": " + (r.note || r.rejected_by + " rejects it: " + r.reasons.join(", ")) + ".";
    const parts = [el("p", { className: "why-headline", id: "why-not-verdict" }, head), el("ul", { className: "why-reasons" }, items)];
    K.replace("why-not-result", parts);
    if (r.feasible === true && model.scores) {
      const box = el("div", { id: "why-not-scores" });
      K.byId("why-not-result").append(box);
      scoreTable(model, "why-not-scores");
    }
  }

  function pick(node) {
    chosen = node;
    if (one) one.unsubscribe();
    one = null;
    if (!node) return K.replace("why-not-result", []);
    K.replace("why-not-result", [el("p", { className: "muted" }, "Evaluating…")]);
    one = live.subscribe("scheduling", { cluster: params.cluster, namespace: params.namespace, name: params.name, node: node },
      { onModel: drawOne, onError: K.problem("why-not-result") });
  }

  /* Called by pod.js with each pod model: follow the pending evaluation while the pod waits. */
  function follow(conn, p, model) {
    live = conn; params = p;
    const waiting = model.found && !model.header.node && model.header.phase === "Pending";
    if (waiting && !every) {
      every = live.subscribe("scheduling", { cluster: p.cluster, namespace: p.namespace, name: p.name, node: "*" },
        { onModel: drawEvery, onError: K.problem("pod-sched-message") });
    } else if (!waiting && every) {
      every.unsubscribe(); every = null;
      K.byId("pod-sched").hidden = true;
    }
    const select = K.byId("why-not-node");
    const names = model.node_names || [];
    if (select.options.length !== names.length + 1) {
      select.replaceChildren(el("option", { value: "" }, "choose a node…"), ...names.map((n) => el("option", { value: n, selected: n === chosen }, n)));
    }
    if (!select.dataset.bound) {
      select.dataset.bound = "1";
      select.addEventListener("change", () => pick(select.value));
    }
  }

  window.ExplorerScheduling = { follow: follow };
})();
