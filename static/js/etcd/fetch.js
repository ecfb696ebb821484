/*
 * The etcd pages' one way to their JSON (explorer/web/etcd.py): a GET with the session's cookie,
 * the answer's `message` said as an error when it is not a 200.
 */
(function () {
  "use strict";

  function getJson(path, query) {
    const url = path + "?" + new URLSearchParams(query).toString();
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json().catch(() => ({})).then((body) => {
        if (!response.ok) throw new Error(body.message || "the server answered " + response.status);
        return body;
      }));
  }

  window.ExplorerEtcd = { getJson: getJson };
})();
