/*
 * The key page (/etcd/key?key=…): fetches its model (explorer/viewmodels/etcd/key_page.py) and
 * draws the record, the envelope beside the decoded YAML, the revisions as a timeline (compacted
 * ones shown as gone), the diff of two revisions when asked (?a=&b=), the lease, and the links to
 * the object and the key space. The escaping rule: static/js/kit.js.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit;
  const E = window.ExplorerEtcd;

  function showRecord(m) {
    const pairs = [];
    if (m.exists) {
      pairs.push(["created at revision", m.create_revision.toLocaleString("en")]);
      pairs.push(["last written at revision", m.mod_revision.toLocaleString("en") + " (the object's resourceVersion)"]);
      pairs.push(["version", m.version + (m.version === 1 ? " (written once)" : " (writes since it was created)")]);
      pairs.push(["lease", m.lease_id || "none"]);
    }
    if (m.compact_revision) pairs.push(["etcd compacted up to", m.compact_revision.toLocaleString("en")]);
    K.terms("key-record", pairs.length ? pairs : [["record", m.derived ? "not known (derived)" : "none"]]);
  }

  function showEnvelope(m) {
    const env = m.envelope;
    if (!env) {
      const why = m.derived ? "not known: etcd is not read here (derived)"
        : m.facts_only ? "not kept (a snapshot keeps keys, not values)" : "none";
      K.terms("key-envelope", [["value", why]]);
      return;
    }
    const pairs = [["size", env.size.toLocaleString("en") + " bytes"]];
    if (env.encoding) pairs.push(["encoding", env.encoding]);
    if (env.kind) pairs.push(["stored as", (env.api_version ? env.api_version + " " : "") + env.kind]);
    pairs.push(["encryption at rest", env.encryption || "none: stored in plain text"]);
    if (env.head) pairs.push(["first bytes (hex)", K.el("code", { className: "hex", id: "key-head" }, env.head.replace(/(..)/g, "$1 ").trim())]);
    if (m.secret) pairs.push(["value", "never shown (a Secret's)"]);
    for (const problem of env.problems) pairs.push(["problem", problem]);
    K.terms("key-envelope", pairs);
  }

  function showYaml(m) {
    const pre = K.byId("key-yaml");
    if (m.secret) pre.textContent = "(a Secret's value is never decoded or shown)";
    else if (m.derived) pre.textContent = "(etcd is not read here: the object's own page shows the object as the API serves it)";
    else if (m.facts_only) pre.textContent = "(not kept in a snapshot: keys, sizes and revisions only)";
    else pre.textContent = m.yaml || "(not decoded)";
  }

  function spanOf(versions) {
    return versions.length ? versions[versions.length - 1].revision - versions[0].revision : 0;
  }

  function drawTimeline(m) {
    const figure = K.byId("key-timeline");
    const versions = m.versions;
    const notes = [];
    if (m.compacted) notes.push(m.compacted + " earlier version" + (m.compacted === 1 ? " is" : "s are") + " gone: etcd compacted them (revisions before " + m.compact_revision.toLocaleString("en") + ").");
    if (m.not_read) notes.push(m.not_read + " earlier versions were not read (the history limit).");
    if (versions.length && versions[0].created) notes.push("The first point is the key's creation.");
    K.setText("key-history-note", versions.length ? versions.length + (versions.length === 1 ? " revision. " : " revisions. ") + notes.join(" ") : "No revisions to show.");
    if (!versions.length) { figure.hidden = true; return; }
    const traces = [{
      type: "scatter",
      mode: "lines+markers",
      x: versions.map((v) => v.revision),
      y: versions.map((v) => v.size),
      hovertext: versions.map((v) => v.hover),
      hovertemplate: K.HOVER_ONLY,
      marker: { size: 10, color: versions.map((v) => (v.created ? "#54a24b" : "#4c78a8")) },
      line: { shape: "hv", color: "#4c78a8" },
      name: "versions",
    }];
    const layout = {
      margin: { t: 10, l: 60, r: 10, b: 40 },
      height: 240,
      xaxis: { title: { text: "revision" }, tickformat: "d", dtick: spanOf(versions) < 10 ? 1 : undefined },
      yaxis: { title: { text: "bytes" }, rangemode: "tozero" },
      showlegend: false,
      shapes: [],
    };
    const deletions = m.deletions || [];
    if (deletions.length) {
      notes.push("Red crosses: the key was deleted there.");
      traces.push({
        type: "scatter",
        mode: "markers",
        x: deletions.map((d) => d.revision),
        y: deletions.map(() => 0),
        hovertext: deletions.map((d) => d.hover),
        hovertemplate: K.HOVER_ONLY,
        marker: { symbol: "x", size: 12, color: "#cf222e" },
        name: "deleted",
      });
      K.setText("key-history-note", versions.length + (versions.length === 1 ? " revision. " : " revisions. ") + notes.join(" "));
    }
    if (m.compacted && m.compact_revision) {
      const first = versions[0].revision;
      const start = Math.max(0, Math.min(m.compact_revision, first) - Math.max(1, (versions[versions.length - 1].revision - first) * 0.15 || 5));
      layout.shapes.push({ type: "rect", xref: "x", yref: "paper", x0: start, x1: Math.min(m.compact_revision, first), y0: 0, y1: 1, fillcolor: "#bbbbbb", opacity: 0.35, line: { width: 0 } });
      layout.annotations = [{ x: start, y: 1, xref: "x", yref: "paper", xanchor: "left", showarrow: false, text: "compacted: gone" }];
    }
    K.plot(figure, traces, layout, "timeline");
    figure.dataset.drawn = "1";
  }

  function setUpDiff(m, p) {
    const form = K.byId("key-diff-form");
    if (m.secret || m.facts_only || m.versions.length < 2) return;
    const revisions = m.versions.map((v) => v.revision);
    const a = K.byId("key-diff-a"), b = K.byId("key-diff-b");
    const chosenA = Number(p.a) || revisions[revisions.length - 2];
    const chosenB = Number(p.b) || revisions[revisions.length - 1];
    for (const [select, chosen] of [[a, chosenA], [b, chosenB]]) {
      select.replaceChildren(...revisions.map((r) => K.el("option", { value: r, selected: r === chosen }, String(r))));
    }
    form.hidden = false;
    const pre = K.byId("key-diff");
    if (m.diff) {
      pre.hidden = false;
      pre.replaceChildren(...m.diff.lines.map((line) => K.el("span", {
        className: line.startsWith("+") && !line.startsWith("+++") ? "added" : line.startsWith("-") && !line.startsWith("---") ? "removed" : "",
      }, line + "\n")));
      if (!m.diff.lines.length) pre.textContent = "The two revisions decode to the same YAML.";
      if (m.diff.cut) pre.append(K.el("span", { className: "muted" }, "… the diff is cut here\n"));
    }
  }

  function showLease(m) {
    if (!m.lease) {
      K.terms("key-lease", [["lease", m.exists ? "none: the key lives until it is deleted" : "none"]]);
      return;
    }
    const l = m.lease;
    K.terms("key-lease", l.remaining < 0 ? [["lease", l.id + " (expired)"]] : [
      ["lease", l.id],
      ["granted TTL", l.granted_ttl + " s"],
      ["remaining", l.remaining + " s: etcd deletes the key then"],
      ["keys on it", String(l.keys)],
    ]);
  }

  K.ready(() => {
    const p = K.params("etcd-key");
    if (!p || !p.key) return;
    K.byId("key-space-link").href = K.links.etcd(p.cluster);
    const query = { cluster: p.cluster, key: p.key };
    if (p.a && p.b) Object.assign(query, { a: p.a, b: p.b });
    E.getJson("/api/etcd/key", query).then((m) => {
      const status = K.byId("key-status");
      status.className = m.problem ? "error" : "";
      status.textContent = m.problem || (m.facts_only ? "As the snapshot's etcd listing kept it." : "Read live from etcd.");
      const object = K.byId("key-object");
      if (m.object) {
        object.replaceChildren("It holds ", K.el("a", { id: "key-object-link", href: K.linkTo(m.object, p.cluster) }, m.object_words));
      } else {
        object.textContent = "No object page for this key (the API server's own record, or a kind the explorer does not watch).";
      }
      K.byId("key-secret").hidden = !m.secret;
      showRecord(m);
      showEnvelope(m);
      showYaml(m);
      drawTimeline(m);
      setUpDiff(m, p);
      showLease(m);
    }).catch((error) => {
      const status = K.byId("key-status");
      status.textContent = "error: " + error.message;
      status.className = "error";
    });
  });
})();
