/*
 * The search page: asks the "search" view (explorer/viewmodels/workloads/search.py) once and lists what it
 * found, each result a link to the object's page. Results reach the DOM as text.
 */
(function () {
  "use strict";
  const W = window.ExplorerWorkloads;
  const el = W.el;

  W.ready(() => {
    const p = W.params();
    if (!p || !p.q) return;
    const live = W.connect(p);
    if (!live) return;
    const sub = live.subscribe("search", { cluster: p.cluster, q: p.q }, {
      onModel: (model) => {
        sub.unsubscribe(); // a one-off answer: no need to keep it live over a big cluster
        const n = model.results.length;
        document.getElementById("search-summary").textContent =
          n ? n + (model.truncated ? "+" : "") + " found for “" + model.query + "”" : "Nothing found for “" + model.query + "”.";
        W.replace("search-results", model.results.map((r) => el("li", {}, [
          el("a", { href: W.linkTo(r.link, p.cluster), text: r.kind + " " + (r.namespace ? r.namespace + "/" : "") + r.name }),
          el("span", { className: "muted", text: " — " + r.why }),
        ])));
      },
      onError: W.problem("search-summary"),
    });
  });
})();
