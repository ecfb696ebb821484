/*
 * The /etcd/ page: fetches its model (explorer/viewmodels/etcd/overview.py) and draws where it
 * comes from, the db's status, the key space as a treemap (by keys or by bytes), encryption at
 * rest per resource and the leases; then follows the write rate per resource live over the tab's
 * websocket (explorer/streaming/etcd_rates.py). The escaping rule: static/js/kit.js.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;
  const E = window.ExplorerEtcd;

  let model = null, cluster = "", sizeBy = "count";

  function showOrigin(origin) {
    const line = K.byId("etcd-origin");
    line.replaceChildren(origin.derived ? K.el("strong", { className: "derived-mark" }, "Derived. ") : "", origin.said);
  }

  function showProblems(m) {
    const problem = K.byId("etcd-problem");
    problem.hidden = !m.problem;
    problem.textContent = m.problem || "";
    K.replace("etcd-problems", (m.problems || []).map((p) => K.el("li", {}, "Not read: " + p)));
  }

  function showDb(status, derived) {
    const panel = K.byId("etcd-db-panel");
    if (!status.length) {
      K.terms("etcd-db", [["status", derived ? "not known: etcd is not read (derived)" : "not read"]]);
      return;
    }
    K.terms("etcd-db", status);
    panel.hidden = false;
  }

  function drawSpace() {
    const figure = K.byId("etcd-space");
    const space = model.space;
    const sectors = {};
    for (const [id, sector] of Object.entries(space.sectors)) {
      sectors[id] = Object.assign({}, sector, { value: sizeBy === "bytes" ? (sector.size || 0) : sector.value });
    }
    const trace = K.sectorTrace("treemap", sectors, {
      extra: { branchvalues: "total", textinfo: "label+value", maxdepth: 3 },
    });
    const title = space.derived ? "derived from the objects" : "";
    const layout = { margin: K.MARGINS, uirevision: cluster + sizeBy, height: 560 };
    if (title) {
      layout.annotations = [{ text: "derived", showarrow: false, x: 1, y: 1.02, xref: "paper", yref: "paper", xanchor: "right", font: { color: "#a04000" } }];
      layout.margin = Object.assign({}, K.MARGINS, { t: 22 });
    }
    const first = !figure.data;
    if (!K.plotSectors(figure, trace, layout, "key space")) return;
    if (first) {
      figure.on("plotly_treemapclick", (event) => {
        const point = event.points && event.points[0];
        const sector = point && model.space.sectors[point.id];
        if (!sector || !sector.link) return true;
        window.location.assign(K.linkTo(sector.link, cluster));
        return false;
      });
    }
    figure.dataset.drawn = "1";
    figure.dataset.sizeBy = sizeBy;
    K.setText("etcd-dominant", (space.derived ? "Derived: " : "") +
      (sizeBy === "bytes" ? space.headline_bytes : space.headline));
  }

  function setUpToggle() {
    const bytes = K.byId("etcd-size-bytes");
    const sized = model.space.total_bytes !== null && model.space.total_bytes !== undefined;
    bytes.disabled = !sized;
    K.setText("etcd-size-note", sized
      ? (model.unsized ? model.unsized + " keys were not sized in time and count as 0 bytes." : "")
      : (model.origin.derived ? "No value is read when the keys are derived: no bytes." : "The values' sizes were not read."));
    for (const input of document.querySelectorAll("#etcd-size-by input")) {
      input.addEventListener("change", () => {
        if (!input.checked) return;
        sizeBy = input.value;
        drawSpace();
      });
    }
  }

  function showUnplaced(rows) {
    if (!rows.length) return;
    K.replace("etcd-unplaced", [
      K.el("p", { className: "muted" }, "Objects whose key could not be derived (a kind no table or CustomResourceDefinition places):"),
      K.table(["kind", "objects"], rows.map((r) => K.row(r))),
    ]);
  }

  function showEncryption(rows, derived) {
    const panel = K.byId("etcd-encryption");
    if (!rows.length) {
      panel.replaceChildren(K.el("p", { className: "muted" }, derived ? "Not known: no value is read when the keys are derived." : "No keys."));
      return;
    }
    const sealed = rows.filter((r) => r.encrypted || r.unread || r.secret);
    const plain = rows.filter((r) => !sealed.includes(r));
    const parts = [];
    const plainSecrets = rows.filter((r) => r.secret && r.plain);
    if (plainSecrets.length) {
      parts.push(K.el("p", { className: "error", id: "etcd-plain-secrets" },
        plainSecrets[0].plain + " of " + plainSecrets[0].keys + " Secrets are stored in plain text: anyone with etcd's data file or a backup reads them."));
    }
    if (sealed.length) {
      parts.push(K.table(
        ["resource", "keys", "encrypted", "how", "in plain text", "not read in time"],
        sealed.map((r) => K.row([r.resource + (r.secret ? " (values never shown)" : ""), r.keys, r.encrypted, r.providers || "—", r.plain, r.unread || ""])),
      ));
    }
    if (plain.length) {
      parts.push(K.el("p", {}, K.el("strong", {}, "Stored in plain text" + (sealed.length ? "" : " (no resource is encrypted at rest)") + ": "),
        plain.map((r) => r.resource + " (" + r.keys + ")").join(", ") + "."));
    }
    panel.replaceChildren(...parts);
  }

  function showLeases(m) {
    const panel = K.byId("etcd-leases");
    if (m.origin.derived) {
      K.setText("etcd-leases-note", "Not known: etcd is not read (derived).");
      return;
    }
    K.setText("etcd-leases-note", m.leases_total + " live leases" +
      (m.leases_total > m.leases.length ? " (the " + m.leases.length + " holding the most keys shown)" : "") +
      ". Events are written with shared leases; etcd deletes every key of a lease when it expires.");
    panel.replaceChildren(K.table(["lease", "granted TTL (s)", "remaining (s)", "keys"],
      m.leases.map((l) => K.row([l.id, l.granted_ttl, l.remaining, l.keys]))));
  }

  function drawRates(rates) {
    const figure = K.byId("etcd-rate");
    const rows = rates.resources.slice().reverse();
    const trace = {
      type: "bar",
      orientation: "h",
      y: rows.map((r) => r.label),
      x: rows.map((r) => r.per_minute),
      hovertext: rows.map((r) => r.label + "<br>" + r.puts + " puts, " + r.deletes + " deletes in the last " + Math.min(rates.window, rates.watching_for) + " s"),
      hovertemplate: K.HOVER_ONLY,
      marker: { color: "#4c78a8" },
    };
    const layout = {
      margin: { t: 4, l: 170, r: 10, b: 36 },
      height: Math.max(160, 24 * rows.length + 60),
      xaxis: { title: { text: "writes per minute" }, rangemode: "tozero" },
      uirevision: "rates",
    };
    K.plot(figure, [trace], layout, "write rate");
    figure.dataset.drawn = "1";
    const window_ = Math.min(rates.window, rates.watching_for);
    let note;
    if (rates.problem) note = "The watch: " + rates.problem;
    else if (!rates.events) note = "Watching the prefix live: nothing written in the last " + window_ + " s.";
    else note = rates.events + " writes in the last " + window_ + " s, watched live (up to revision " + rates.revision + ").";
    K.setText("etcd-rate-note", note);
  }

  function followRates(p) {
    if (!model.live_watch) {
      K.setText("etcd-rate-note", model.origin.derived
        ? "Not known: etcd is not read here (derived)."
        : "A snapshot keeps no writes: the write rate is watched live only.");
      K.byId("etcd-rate").hidden = true;
      return;
    }
    // the tab's websocket, without taking over the header's state: no view is subscribed here
    const live = window.ExplorerLive.connection();
    live.etcdRates(p.cluster, {
      onRates: drawRates,
      onError: (message) => K.setText("etcd-rate-note", "The live watch: " + message),
    });
  }

  K.ready(() => {
    const p = K.params("etcd");
    if (!p || !p.cluster) return;
    cluster = p.cluster;
    E.getJson("/api/etcd/overview", { cluster: cluster }).then((fresh) => {
      model = fresh;
      const status = K.byId("etcd-status");
      status.textContent = fresh.space.keys + " keys" + (fresh.origin.derived ? " (derived)" : "");
      status.className = "";
      showOrigin(fresh.origin);
      showProblems(fresh);
      showDb(fresh.status, fresh.origin.derived);
      showUnplaced(fresh.unplaced || []);
      setUpToggle();
      drawSpace();
      showEncryption(fresh.encryption, fresh.origin.derived);
      showLeases(fresh);
      followRates(p);
    }).catch((error) => {
      const status = K.byId("etcd-status");
      status.textContent = "error: " + error.message;
      status.className = "error";
    });
  });
})();
