/*
 * An object page's "In etcd" panel (templates/etcd/_object_key.html): the object's key, its size
 * and revisions (mod revision = resourceVersion), fetched lazily so the page never waits on etcd;
 * the key links to its page. Derived keys (etcd not read here) say so.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;

  function getJson(query) {
    const url = "/api/etcd/object?" + new URLSearchParams(query).toString();
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json().catch(() => ({})).then((body) => {
        if (!response.ok) throw new Error(body.message || "the server answered " + response.status);
        return body;
      }));
  }

  K.ready(() => {
    const panel = K.byId("etcd-object");
    if (!panel || !panel.dataset.cluster) return;
    const d = panel.dataset;
    getJson({ cluster: d.cluster, kind: d.kind, namespace: d.namespace, name: d.name }).then((facts) => {
      if (!facts.key) {
        K.terms("etcd-object-facts", [["key", facts.problem || "none known"]]);
        return;
      }
      const link = K.el("a", { id: "etcd-object-key", href: K.links.etcdKey(d.cluster, facts.key) }, K.el("code", {}, facts.key));
      const pairs = [["key", link]];
      if (facts.derived) pairs.push(["read from", "nowhere: derived from the object (nobody here reads this cluster's etcd)"]);
      else pairs.push(["read from", facts.way]);
      if (facts.size !== undefined && facts.size !== null) pairs.push(["size", facts.size.toLocaleString("en") + " bytes"]);
      if (facts.mod_revision) pairs.push(["mod revision", facts.mod_revision + " (= its resourceVersion)"]);
      if (facts.create_revision) pairs.push(["created at revision", String(facts.create_revision)]);
      if (facts.version) pairs.push(["version", facts.version === 1 ? "1 (written once)" : facts.version + " (writes since it was created)"]);
      if (facts.problem) pairs.push(["problem", facts.problem]);
      K.terms("etcd-object-facts", pairs);
    }).catch((error) => K.terms("etcd-object-facts", [["key", "error: " + error.message]]));
  });
})();
