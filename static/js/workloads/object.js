/*
 * The object page: the "object" view (explorer/viewmodels/objects/page.py) drawn as text, kept live.
 * Facts and sections arrive in one shape for every kind (explorer/viewmodels/objects/sections.py):
 * a cell is text, a link ({text, link}), a list of links or a bar ({text, bar: {value, max}}: a
 * <meter> and its text), and every link is made by the kit's linkTo. Every cluster string — the YAML too — reaches the DOM as text.
 */
(function () {
  "use strict";
  const K = window.ExplorerKit, el = K.el;
  let cluster = "";

  function link(item) {
    return el("a", { href: K.linkTo(item.link, cluster) }, item.text);
  }

  function cell(content) {
    if (content === null || content === undefined || content === "") return "";
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      return content.length ? content.flatMap((item, i) => (i ? [", ", link(item)] : [link(item)])) : "none";
    }
    if (content.bar) {
      const b = content.bar;
      return el("span", { className: "bar-cell" }, [
        el("meter", { min: 0, max: b.max, value: b.value, low: b.max * 0.75, high: b.max * 0.9, optimum: 0 }), " ", content.text]);
    }
    return link(content);
  }

  function name(item) {
    return (item.namespace ? item.namespace + "/" : "") + item.name;
  }

  function status(model) {
    const h = model.header, line = K.byId("object-status");
    line.className = "";
    if (model.found) {
      line.textContent = h.kind + " " + name(h) + (h.created ? ", created " + h.created : "") + ".";
    } else if (model.deleted) {
      line.textContent = (model.deleted.deleted ? "Deleted at " : "Last seen at ") + model.deleted.at +
        " (the explorer's change log). Below: what it was then.";
    } else {
      line.textContent = "The explorer knows nothing of this " + h.kind + ": cluster " + h.cluster +
        " does not hold it, and the change log never saw it.";
      line.className = "placeholder";
    }
  }

  function gone(model) {
    const panel = K.byId("object-gone");
    panel.hidden = !model.deleted;
    if (!model.deleted) return;
    const owner = model.owners.find((o) => o.depth === 1 && o.controller) || model.owners[0];
    K.replace("object-gone-what", [
      el("p", {}, (model.deleted.deleted ? "The watcher saw it deleted at " : "The change log last saw it at ") + model.deleted.at + "."),
      owner
        ? el("p", {}, ["Its last owner: ", el("a", { href: K.linkTo(owner.link, cluster), id: "object-last-owner" }, owner.kind + " " + name(owner)),
          owner.state ? " (" + owner.state + ")" : ""])
        : el("p", { className: "muted" }, "It had no owner."),
    ]);
  }

  function facts(model) {
    const h = model.header;
    const richer = K.byId("object-richer");
    richer.hidden = !h.page;
    if (h.page) K.replace("object-richer", [el("a", { href: K.linkTo(h.page, cluster) }, "Its own page, with all a " + h.kind.toLowerCase() + " has to show")]);
    const secret = K.byId("object-secret");
    secret.hidden = !model.secret;
    secret.textContent = model.secret;
    const rows = model.facts.map(([term, value]) => [term, el("span", {}, cell(value))]);
    if (h.uid) rows.push(["UID", h.uid]);
    K.terms("object-facts", rows);
  }

  function sections(model) {
    K.replace("object-sections", model.sections.map((s) => {
      const body = s.rows.length
        ? K.table(s.headers, s.rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, cell(c))))))
        : el("p", { className: "muted" }, s.empty);
      return el("section", { className: "panel", id: "section-" + s.id, dataset: { section: s.id } }, [
        el("h2", {}, s.title),
        s.note ? el("p", { className: "muted" }, s.note) : null,
        body,
      ]);
    }));
  }

  function related(item, extra) {
    return [el("a", { href: K.linkTo(item.link, cluster) }, item.kind + " " + name(item)),
      el("span", { className: "muted" }, [item.state ? " " + item.state : "", extra || ""])];
  }

  function xray(model) {
    const owners = model.owners.map((o) => {
      const item = el("li", { dataset: { depth: o.depth } }, [o.depth > 1 ? "↑ " : "", related(o, o.controller ? "" : " (not its controller)")]);
      item.style.paddingLeft = (o.depth - 1) * 1.5 + "em";
      return item;
    });
    K.replace("object-owners", owners.length ? owners : [el("li", { className: "muted" }, "nothing: it is not owned")]);
    const below = model.dependents.map((d) => {
      const item = el("li", { dataset: { depth: d.depth } }, [d.depth > 1 ? "└ " : "", related(d)]);
      item.style.paddingLeft = (d.depth - 1) * 1.5 + "em";
      return item;
    });
    if (model.more_dependents) below.push(el("li", { className: "muted" }, "… and " + model.more_dependents + " more"));
    K.replace("object-dependents", below.length ? below : [el("li", { className: "muted" }, "nothing")]);
  }

  function yaml(model) {
    K.replace("object-folded", model.yaml.folded.map((f) => f.text
      ? el("details", { className: "note" }, el("summary", {}, f.what + ", folded: " + f.why), el("pre", { className: "yaml" }, f.text))
      : el("p", { className: "muted" }, f.what + ": " + f.why + ".")));
    K.byId("object-yaml").textContent = model.yaml.text || "(nothing held)";
  }

  function draw(model) {
    status(model);
    gone(model);
    facts(model);
    sections(model);
    xray(model);
    yaml(model);
    const h = model.header;
    K.byId("object-events-link").href = K.linkTo(h.events, cluster);
    window.ExplorerTimeline.draw(K.byId("object-events"), model.events);
    K.byId("workloads").dataset.drawn = "1";
  }

  K.livePage("workloads", (p, live) => {
    cluster = p.cluster;
    live.subscribe("object", { cluster: p.cluster, kind: p.kind, namespace: p.namespace, name: p.name }, {
      onModel: draw,
      onError: K.problem("object-status"),
    });
  });
})();
