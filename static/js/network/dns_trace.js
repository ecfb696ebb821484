/*
 * The DNS trace (model: explorer/viewmodels/network/dns_trace.py): the pod's effective resolv.conf, each query
 * the C library sends in order with its answer, and where the lookup ends — with a link to the
 * service chain of the Service it reached. A [data-dns-live] button (only when the server allows
 * live lookups) fetches the same trace with the cluster DNS really asked.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;
  let podNode = "";

  function records(answer) {
    if (!answer.records.length) return answer.rcode;
    return answer.rcode + ": " + answer.records.map((r) => r.type + " " + r.value).join(", ");
  }

  function stepsTable(model) {
    const rows = model.steps.map((step, index) => {
      const answer = step.answer;
      let source = step.source;
      if (step.agrees === true) source += " (agrees with computed)";
      if (step.agrees === false) source += " (computed said " + records(step.computed) + ")";
      const cells = [
        index + 1,
        step.name,
        step.why,
        step.qtype,
        step.sent === "no" ? "not sent" : step.sent,
        records(answer) + (answer.note ? " — " + answer.note : ""),
        answer.by || "",
        source,
      ];
      return K.row(cells, step.sent === "no" ? "not-sent" : "");
    });
    return K.table(["#", "name asked", "why this name", "type", "sent", "answer", "by", "source"], rows);
  }

  function endsAt(model, params) {
    const box = el("div", { className: "ends-at" });
    const end = model.ends_at;
    if (!end) {
      box.appendChild(el("p", {}, "No query got an address: the lookup fails (the program sees 'name not found')."));
      return box;
    }
    const what = end.service ? "Service " + end.service : end.kind;
    box.appendChild(
      el("p", {}, "The lookup ends at " + end.name + " → " + end.addresses.join(", ") + " (" + what + ").")
    );
    if (end.next === "service chain" && end.service && params.cluster) {
      const url = new URL(document.body.dataset.serviceChainUrl || "/network/service-chain", window.location.href);
      url.searchParams.set("cluster", params.cluster);
      url.searchParams.set("service", end.service);
      if (podNode) url.searchParams.set("node", podNode);
      const link = el("a", { className: "next" }, "Follow " + end.addresses[0] + " through kube-proxy's rules: the service chain of " + end.service);
      link.href = url.pathname + url.search;
      link.dataset.next = "service-chain";
      box.appendChild(link);
    } else if (end.pods && end.pods.length) {
      box.appendChild(el("p", { className: "muted" }, "These are pod addresses: packets go straight to " + end.pods.join(", ") + ", no kube-proxy rule is involved."));
    }
    return box;
  }

  function draw(container, model, params) {
    const body = container.querySelector("[data-trace]") || container;
    K.clear(body);
    if (model.error) {
      body.appendChild(el("p", { className: "error" }, model.error));
      return;
    }
    const conf = model.resolv_conf;
    const heading = model.source === "live" ? "Asked live of " + model.live_server : "Computed from the cluster's objects";
    body.appendChild(el("h2", {}, model.name + " looked up in pod " + model.pod));
    body.appendChild(el("p", { className: "muted" }, heading + "."));
    body.appendChild(el("h3", {}, "The pod's /etc/resolv.conf"));
    body.appendChild(el("pre", { className: "resolv" }, conf.text));
    const how = "dnsPolicy " + conf.policy + " (from " + conf.base + "); nameserver " + conf.nameserver +
      (model.cluster.nameserver_is_cluster_dns ? ", the cluster DNS Service" : ", not the cluster DNS") +
      "; ndots " + conf.ndots + ". " + model.query_types_how + ".";
    body.appendChild(el("p", {}, how));
    for (const note of conf.notes) body.appendChild(el("p", { className: "muted" }, note));
    body.appendChild(el("h3", {}, "The queries, in the order they are sent"));
    body.appendChild(stepsTable(model));
    body.appendChild(endsAt(model, params));
    container.dataset.drawn = String(model.steps.length);
  }

  function wireLive(container, params) {
    const button = document.querySelector("[data-dns-live]");
    if (!button) return;
    button.addEventListener("click", async () => {
      const status = document.querySelector("[data-dns-live-status]");
      status.textContent = "asking…";
      button.disabled = true;
      try {
        const url = new URL(button.dataset.url, window.location.href);
        url.searchParams.set("pod", params.namespace + "/" + params.pod);
        url.searchParams.set("name", params.name);
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        const model = await response.json();
        if (!response.ok) throw new Error(model.message || response.statusText);
        container.dataset.paused = "1"; // the live answer stays until the page is reloaded
        draw(container, model, params);
        status.textContent = "answered live";
      } catch (error) {
        status.textContent = "could not ask: " + error.message;
      } finally {
        button.disabled = false;
      }
    });
  }

  function drawUnlessPaused(container, model, params) {
    if (container.dataset.paused) return;
    draw(container, model, params);
  }

  N.boot("dns-trace", drawUnlessPaused, {
    needs: ["namespace", "pod", "name"],
    ready: (params) => {
      const container = document.querySelector('[data-render="dns-trace"]');
      if (container && !container.dataset.liveWired) {
        container.dataset.liveWired = "1";
        wireLive(container, params);
      }
      return true;
    },
    choose: (index, params) => {
      // the pod's node: its rules are the ones the lookup's answer meets next
      podNode = index.pods[params.namespace + "/" + params.pod] || "";
      return {};
    },
  });
})();
