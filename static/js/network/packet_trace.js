/*
 * Packet trace (model: explorer/viewmodels/network/packet_trace.py): the first packet of a connection walked
 * through a node's nat table; each outcome with its probability, the rules tried on its way
 * (matched, or why not), the marks set, and the pod it ends at.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork, K = window.ExplorerKit, el = K.el;

  function steps(outcome) {
    const rows = outcome.steps.map((step) => {
      const number = step.count > 1 ? step.number + "–" + step.last_number + " (" + step.count + " rules)" : String(step.number);
      // the share as a percentage; the kernel's exact probability in the cell's title
      const then = step.action + (step.probability !== null ? " (" + K.percent(step.probability) + " of new connections)" : "");
      const row = K.row([step.chain, number, step.rule, step.result, step.why.join("; "), then, step.mark],
        step.result === "match" ? "matched" : "not-sent");
      if (step.probability !== null) row.cells[5].title = "probability " + step.probability;
      return row;
    });
    return K.table(["chain", "rule #", "rule", "result", "why", "then", "mark"], rows);
  }

  function draw(container, model) {
    const body = K.clear(container.querySelector("[data-body]") || container);
    if (model.error) {
      body.appendChild(el("p", { className: "error" }, model.error));
      return;
    }
    const trace = model.trace;
    body.appendChild(el("h2", {}, "From " + model.from + " to " + model.destination));
    body.appendChild(el("p", { className: "muted" }, "Packet " + trace.packet.source + " → " + trace.packet.destination + " " +
      trace.packet.protocol + ", entering the " + trace.table + " table at " + trace.hook + " on node " + model.node +
      " (" + model.mode + " mode). " + N.describeSource(model.rules)));
    for (const note of trace.notes || []) body.appendChild(el("p", { className: "muted" }, note));
    const ends = el("ul", { className: "ends" });
    for (const end of model.ends || []) {
      const where = end.pod ? "pod " + end.pod + " on node " + end.node : end.node ? "node " + end.node : "";
      ends.appendChild(el("li", {}, K.percent(end.probability) + ": " + end.action + " " + (end.destination || "") + (where ? " → " + where : "")));
    }
    body.appendChild(el("h3", {}, "Where it ends"));
    body.appendChild(ends);
    trace.outcomes.forEach((outcome, index) => {
      const details = el("details", { className: "chain" });
      details.open = trace.outcomes.length <= 3;
      const summary = el("summary");
      summary.appendChild(el("strong", {}, "Outcome " + (index + 1) + ": " + K.percent(outcome.probability) + " " +
        outcome.action + " " + (outcome.destination || "")));
      summary.appendChild(el("span", { className: "muted" }, "  via " + outcome.chains.join(" → ") +
        (outcome.masquerade ? "; masqueraded on the way out (mark " + outcome.mark + ")" : "")));
      details.appendChild(summary);
      details.appendChild(steps(outcome));
      for (const note of outcome.notes || []) details.appendChild(el("p", { className: "muted" }, note));
      body.appendChild(details);
    });
    container.dataset.drawn = String(trace.outcomes.length);
  }

  N.boot("packet-trace", draw, {
    needs: ["source", "destination"],
  });
})();
