/*
 * The search page: asks the "search" view (explorer/viewmodels/workloads/search.py) once and lists what it
 * found, each result a link to the object's page. Results reach the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;

  K.livePage("workloads", (p, live) => {
    const sub = live.subscribe("search", { cluster: p.cluster, q: p.q }, {
      onModel: (model) => {
        sub.unsubscribe(); // a one-off answer: no need to keep it live over a big cluster
        const n = model.results.length;
        document.getElementById("search-summary").textContent =
          n ? n + (model.truncated ? "+" : "") + " found for “" + model.query + "”" : "Nothing found for “" + model.query + "”.";
        K.replace("search-results", model.results.map((r) => el("li", {}, [
          el("a", { href: K.linkTo(r.link, p.cluster) }, r.kind + " " + (r.namespace ? r.namespace + "/" : "") + r.name),
          el("span", { className: "muted" }, " — " + r.why),
        ])));
      },
      onError: K.problem("search-summary"),
    });
  }, (p) => p.q); // nothing asked yet: no need of the websocket
})();
