/*
 * Packet trace (model: explorer/viewmodels/network/packet_trace.py): the first packet of a connection walked
 * through a node's nat table; each outcome with its probability, the rules tried on its way
 * (matched, or why not), the marks set, and the pod it ends at.
 */
(function () {
  "use strict";
  const N = window.ExplorerNetwork;

  function percent(p) {
    return (p * 100).toFixed(1) + "%";
  }

  function steps(outcome) {
    const table = N.el("table", "steps");
    const head = N.el("tr");
    for (const title of ["chain", "rule #", "rule", "result", "why", "then", "mark"]) head.appendChild(N.el("th", "", title));
    table.appendChild(N.el("thead")).appendChild(head);
    const rows = table.appendChild(N.el("tbody"));
    for (const step of outcome.steps) {
      const row = N.el("tr", step.result === "match" ? "matched" : "not-sent");
      const number = step.count > 1 ? step.number + "–" + step.last_number + " (" + step.count + " rules)" : String(step.number);
      const then = step.action + (step.probability !== null ? " (probability " + step.probability + ")" : "");
      for (const value of [step.chain, number, step.rule, step.result, step.why.join("; "), then, step.mark]) {
        row.appendChild(N.el("td", "", value));
      }
      rows.appendChild(row);
    }
    return table;
  }

  function draw(container, model) {
    const body = N.clear(container.querySelector("[data-body]") || container);
    if (model.error) {
      body.appendChild(N.el("p", "error", model.error));
      return;
    }
    const trace = model.trace;
    body.appendChild(N.el("h2", "", "From " + model.from + " to " + model.destination));
    body.appendChild(N.el("p", "muted", "Packet " + trace.packet.source + " → " + trace.packet.destination + " " +
      trace.packet.protocol + ", entering the " + trace.table + " table at " + trace.hook + " on node " + model.node +
      " (" + model.mode + " mode). " + N.describeSource(model.rules)));
    for (const note of trace.notes || []) body.appendChild(N.el("p", "muted", note));
    const ends = N.el("ul", "ends");
    for (const end of model.ends || []) {
      const where = end.pod ? "pod " + end.pod + " on node " + end.node : end.node ? "node " + end.node : "";
      ends.appendChild(N.el("li", "", percent(end.probability) + ": " + end.action + " " + (end.destination || "") + (where ? " → " + where : "")));
    }
    body.appendChild(N.el("h3", "", "Where it ends"));
    body.appendChild(ends);
    trace.outcomes.forEach((outcome, index) => {
      const details = N.el("details", "chain");
      details.open = trace.outcomes.length <= 3;
      const summary = N.el("summary");
      summary.appendChild(N.el("strong", "", "Outcome " + (index + 1) + ": " + percent(outcome.probability) + " " +
        outcome.action + " " + (outcome.destination || "")));
      summary.appendChild(N.el("span", "muted", "  via " + outcome.chains.join(" → ") +
        (outcome.masquerade ? "; masqueraded on the way out (mark " + outcome.mark + ")" : "")));
      details.appendChild(summary);
      details.appendChild(steps(outcome));
      for (const note of outcome.notes || []) details.appendChild(N.el("p", "muted", note));
      body.appendChild(details);
    });
    container.dataset.drawn = String(trace.outcomes.length);
  }

  N.boot("packet-trace", draw, {
    needs: ["source", "destination"],
  });
})();
