/*
 * The pod page: the "pod" view (explorer/viewmodels/workloads/pod.py) drawn as text, kept live; its events on a
 * timeline; its containers' logs followed over the tab's websocket ("logs" messages,
 * explorer/streaming/consumers.py). Every cluster string reaches the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  let cluster = "", node = ""; // where the pod is, for the links to its node
  let conn = null, pageParams = null; // the tab's connection and the page's params, for the scheduling parts

  function facts(model) {
    const h = model.header;
    const rows = [
      ["state", h.state + (h.reason ? " (" + h.reason + ")" : "") + ", ready " + h.ready + ", restarts " + h.restarts],
      ["node", h.node ? el("a", { href: K.links.node(cluster, h.node) }, h.node) : "not scheduled yet"],
      ["pod IP", h.pod_ip || "none yet"],
      ["host IP", h.host_ip || "none yet"],
      ["UID", h.uid],
      ["created", h.created],
      ["labels", Object.entries(h.labels).map(([k, v]) => k + "=" + v).join(", ") || "none"],
    ];
    if (model.node) rows.splice(2, 0, ["node ready", model.node.ready + (model.node.internal_ip ? ", " + model.node.internal_ip : "")]);
    K.terms("pod-facts", rows);
    const owners = model.owners.map((o) =>
      el("li", {}, [el("a", { href: K.pageOf(cluster, o.kind, o.namespace, o.name) }, o.kind + " " + o.name)]));
    K.replace("pod-owners", owners.length ? owners : [el("li", { className: "muted" }, "none: a bare pod")]);
  }

  /* Why a Pending pod waits for a node, in the words of the pod view's `pending`. */
  function pending(model) {
    const why = model.pending;
    document.getElementById("pod-pending").hidden = !why;
    if (!why) return;
    const reasons = (items) => el("ul", { className: "why-reasons" }, items.map((r) => el("li", { title: r.said }, r.words)));
    const told = [];
    if (why.parsed) {
      told.push(el("p", { className: "why-headline" }, why.headline + (why.reasons.length ? ":" : ".")), reasons(why.reasons));
      if (why.preemption) told.push(el("p", { className: "why-headline" }, why.preemption + (why.preemption_reasons.length ? ":" : ".")), reasons(why.preemption_reasons));
      if (why.also) told.push(el("p", {}, "The scheduler also said: " + why.also + "."));
    } else {
      told.push(el("p", { className: "why-headline" }, why.headline + ". The scheduler said:"));
    }
    told.push(el("p", { className: "muted", id: "pod-pending-when" }, saidWhen(why)));
    const words = el("pre", { className: "said" }, why.message);
    told.push(why.parsed ? el("details", { className: "note" }, el("summary", {}, "The scheduler's own words"), words) : words);
    K.replace("pod-pending-why", told);
  }

  /* What keeps it from being picked up or started: the pod view's `stuck`, each with the cluster's words. */
  function stuck(model) {
    const found = model.stuck || [];
    K.byId("pod-stuck").hidden = !found.length;
    K.replace("pod-stuck-why", found.map((s) => {
      const parts = [el("p", { className: "why-headline" }, s.headline)];
      if (s.said) {
        const times = s.count === null ? "" : s.count === 1 ? ", said once" : ", said " + s.count + " times";
        const when = s.last_seen ? (s.count === null ? ", since " : ", last at ") + s.last_seen : "";
        parts.push(el("p", { className: "muted" }, (s.reason || "said") + times + when + ":"),
          el("pre", { className: "said" }, s.said));
      }
      return el("div", { className: "stuck", dataset: { concern: s.concern } }, parts);
    }));
  }

  /* Its priority, PriorityClass, preemption policy and nominated node; the cluster's classes. */
  function priority(model) {
    const p = model.priority;
    if (!p) return;
    K.replace("pod-priority-words", p.words.map((w) => el("p", {}, w)));
    const rows = p.classes.map((c) => el("tr", { className: c.this ? "best" : "" }, [
      K.cell(el("a", { href: K.pageOf(cluster, "PriorityClass", "", c.name) }, c.name)),
      K.cell(c.value === null ? "?" : String(c.value)),
      K.cell(c.global_default ? "yes" : ""),
      K.cell(c.preemption_policy),
      K.cell(c.description),
    ]));
    const parts = [rows.length ? K.table(["PriorityClass", "value", "globalDefault", "preemptionPolicy", "description"], rows)
      : el("p", { className: "muted" }, "No PriorityClass is held.")];
    if (p.classes_left_out) parts.push(el("p", { className: "muted" }, p.classes_left_out + " more not listed."));
    K.replace("pod-priority-classes", parts);
  }

  function saidWhen(why) {
    if (why.source === "condition") {
      return "From the pod's PodScheduled condition, set at " + why.last_seen + " (no FailedScheduling event about it is held).";
    }
    const repeated = why.times > 1 ? ", " + why.times + " times since " + why.first_seen : "";
    return "Last said at " + why.last_seen + repeated + " (FailedScheduling events).";
  }

  function qos(model) {
    const q = model.qos;
    document.getElementById("pod-qos").textContent =
      q.class + (q.reported && q.reported !== q.class ? " (status.qosClass says " + q.reported + ")" : "");
    K.replace("pod-qos-reasons", q.reasons.map((r) => el("li", {}, r)));
  }

  function resources(map) {
    const entries = Object.entries(map || {});
    return entries.length ? entries.map(([k, v]) => k + " " + v).join(", ") : "none";
  }

  function cgroupLink(path) {
    if (!path || !node) return el("span", { className: "muted" }, "not recorded");
    return el("a", { href: K.links.node(cluster, node, { cgroup: path }), className: "cgroup-link", title: path, dataset: { cgroup: path } }, "cgroup");
  }

  function anatomy(model) {
    const rows = [];
    const sandbox = model.sandbox;
    rows.push(el("tr", { className: "sandbox" }, [
      K.cell("sandbox"), K.cell("pause"), K.cell("the runtime's pause image"), K.cell(sandbox.host_network ? "shares the node's network (hostNetwork)" : "holds the pod's network namespace"),
      K.cell(""), K.cell(""), K.cell(""), K.cell(""), K.cell(cgroupLink(sandbox.cgroup)),
    ]));
    for (const c of model.containers) {
      const state = c.condition + (c.detail ? " (" + c.detail + ")" : "") + (c.role === "container" ? (c.ready ? ", ready" : ", not ready") : "");
      rows.push(el("tr", { dataset: { container: c.name } }, [
        K.cell(c.role + (c.role === "init" || c.role === "sidecar" ? " #" + c.order : "")),
        K.cell(c.name),
        K.cell(c.image),
        K.cell(state + (c.last_termination ? "; last: " + c.last_termination : "")),
        K.cell(c.restarts),
        K.cell(resources(c.requests)),
        K.cell(resources(c.limits)),
        K.cell(c.probes.length ? el("ul", { className: "plain" }, c.probes.map((p) => el("li", {}, p))) : "none"),
        K.cell(cgroupLink(c.cgroup)),
      ]));
    }
    K.replace("pod-anatomy", [K.table(["role", "name", "image", "state", "restarts", "requests", "limits", "probes", "on the node"], rows)]);
    const note = el("p", { className: "muted" }, sandbox.note);
    document.getElementById("pod-anatomy").append(note);
  }

  function volumes(model) {
    const ns = model.header.namespace;
    const to = (kind, namespace, name) => el("a", { href: K.pageOf(cluster, kind, namespace, name) }, name);
    const rows = model.volumes.map((v) => {
      const chain = [v.type + (v.detail && !v.claim ? " " + v.detail : "")];
      if (v.type === "configMap" || v.type === "secret") chain.splice(0, 1, v.type + " ", to(v.type === "secret" ? "Secret" : "ConfigMap", ns, v.detail));
      if (v.claim) chain.push(" → PVC ", to("PersistentVolumeClaim", ns, v.claim.name), " (" + (v.claim.phase || "?") + (v.claim.requested ? ", asks " + v.claim.requested : "") + ")");
      if (v.volume) chain.push(" → PV ", to("PersistentVolume", "", v.volume.name), " (" + [v.volume.capacity, v.volume.reclaim, v.volume.source].filter(Boolean).join(", ") + ")");
      if (v.storage_class) chain.push(" → StorageClass ", to("StorageClass", "", v.storage_class.name), " (" + [v.storage_class.provisioner, v.storage_class.binding].filter(Boolean).join(", ") + ")");
      return el("tr", {}, [K.cell(v.name), K.cell(el("span", {}, chain))]);
    });
    K.replace("pod-volumes", [rows.length ? K.table(["volume", "what backs it"], rows) : el("p", { className: "muted" }, "no volumes")]);
  }

  function services(model) {
    const items = model.services.map((s) =>
      el("li", {}, [el("a", { href: K.pageOf(cluster, "Service", s.namespace, s.name) }, s.namespace + "/" + s.name), " " + s.type + (s.cluster_ip ? " " + s.cluster_ip : "") + " — ",
        el("a", { href: K.links.serviceChain(cluster, s.namespace + "/" + s.name, node) }, "its chains" + (node ? " on " + node : ""))]));
    K.replace("pod-services", items.length ? items : [el("li", { className: "muted" }, "no Service selects this pod's labels")]);
  }

  function dns(model) {
    document.getElementById("pod-dns").textContent = model.dns.text;
    document.getElementById("pod-dns-why").textContent =
      "dnsPolicy " + model.dns.policy + ": the kubelet built it from " + (model.dns.applied === "cluster" ? "the cluster DNS Service" : model.dns.applied === "host" ? "the node's resolv.conf" : "dnsConfig only") +
      (model.dns.notes.length ? ". " + model.dns.notes.join("; ") : ".");
  }

  function draw(model) {
    if (!K.status("pod-status", model, "pod", () => model.header.state + " on " + (model.header.node || "no node yet"))) {
      const h = model.header;
      K.byId("pod-status").append(" ", el("a", { href: K.links.object(cluster, "Pod", h.namespace, h.name) }, "What the explorer last saw of it"));
      return;
    }
    node = model.header.node;
    stuck(model);
    pending(model);
    priority(model);
    facts(model);
    if (window.ExplorerPodTimeline) window.ExplorerPodTimeline.draw(model);
    qos(model);
    anatomy(model);
    volumes(model);
    services(model);
    dns(model);
    window.ExplorerTimeline.draw(document.getElementById("pod-events"), model.events);
    logChoices(model);
    if (conn && window.ExplorerScheduling) window.ExplorerScheduling.follow(conn, pageParams, model);
  }

  // ---- logs ----
  let follow = null;
  let chosen = "";

  function logChoices(model) {
    const select = document.getElementById("log-container");
    if (!select) return; // a snapshot or a past moment: no logs
    const names = model.containers.map((c) => c.name);
    if (select.options.length === names.length && [...select.options].every((o, i) => o.value === names[i])) return;
    const main = model.containers.find((c) => c.role === "container");
    const wanted = chosen || new URLSearchParams(window.location.search).get("container") || (main ? main.name : "");
    select.replaceChildren(...names.map((n) => el("option", { value: n, selected: n === wanted }, n)));
    chosen = select.value;
  }

  function startLog(live) {
    stopLog(live);
    const out = document.getElementById("pod-log");
    out.textContent = "";
    const p = K.params("workloads");
    const tail = Math.max(0, Math.min(1000, parseInt(document.getElementById("log-tail").value, 10) || 0));
    chosen = document.getElementById("log-container").value;
    if (!chosen) return;
    document.getElementById("log-state").textContent = "following " + chosen + "…";
    document.getElementById("log-stop").hidden = false;
    follow = live.logs({ cluster: cluster, namespace: p.namespace, pod: p.name, container: chosen, tail: tail }, {
      onLines: (lines, info) => {
        if (info.skipped) out.append(document.createTextNode("… " + info.skipped + " lines skipped …\n"));
        out.append(document.createTextNode(lines.map((l) => l + "\n").join("")));
        while (out.textContent.length > 400000) out.removeChild(out.firstChild);
        out.scrollTop = out.scrollHeight;
        if (info.end) document.getElementById("log-state").textContent = "the log ended";
      },
      onError: (message) => { document.getElementById("log-state").textContent = "error: " + message; },
    });
  }

  function stopLog() {
    if (follow) follow.stop();
    follow = null;
    document.getElementById("log-stop").hidden = true;
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    conn = live; pageParams = p;
    live.subscribe("pod", { cluster: p.cluster, namespace: p.namespace, name: p.name }, {
      onModel: draw,
      onError: K.problem("pod-status"),
    });
    if (!document.getElementById("log-follow")) return; // frozen: no logs to follow
    document.getElementById("log-follow").addEventListener("click", () => startLog(live));
    document.getElementById("log-stop").addEventListener("click", () => {
      stopLog();
      document.getElementById("log-state").textContent = "stopped";
    });
  });
})();
