/*
 * The one-file export's stand-in for the tab's connection (static/js/live.js): the same API,
 * served from the models embedded in the file instead of a websocket. Loaded in live.js's place,
 * so that the file holds no code that opens a connection.
 *
 * The models sit in <script type="application/json" id="..."> blocks; the block
 * #export-index lists them as [view, params, block id] (explorer/snapshots/export_html.py).
 * A block is parsed when a page first asks for its model. A model the export does not hold is
 * said through the subscription's onError. Nothing here opens a connection.
 *
 * window.ExplorerLive.connection() returns the one offline connection:
 *   conn.subscribe(view, params, {onModel, onError}) -> {unsubscribe()}  the model, once
 *   conn.has(view, params)  whether the export holds that model
 *   conn.onState(cluster, callback)  told once: {state: "snapshot", reason, notVisible}
 *   conn.follow(task, callback)  nothing follows: no job runs in a file
 *   conn.logs(params, {onError})  said to be absent: logs are not captured
 */
(function () {
  "use strict";

  function keyOf(view, params) {
    const names = Object.keys(params || {}).sort();
    return JSON.stringify([view, names.map((name) => [name, String(params[name])])]);
  }

  function readJson(id) {
    const block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  class OfflineConnection {
    constructor() {
      this.blocks = new Map();
      for (const [view, params, id] of readJson("export-index") || []) this.blocks.set(keyOf(view, params), id);
      this.about = readJson("export-about") || {};
      this.models = new Map();
    }

    has(view, params) {
      return this.blocks.has(keyOf(view, params));
    }

    model(view, params) {
      const key = keyOf(view, params);
      if (!this.models.has(key)) {
        const id = this.blocks.get(key);
        this.models.set(key, id ? readJson(id) : null);
      }
      return this.models.get(key);
    }

    subscribe(view, params, handlers) {
      handlers = handlers || {};
      let open = true;
      // as live.js does: the page hears of its model on the next frame, once it has set up
      window.requestAnimationFrame(() => {
        if (!open) return;
        const model = this.model(view, params);
        if (model && handlers.onModel) handlers.onModel(model, { full: true });
        else if (!model && handlers.onError) handlers.onError("this view is not in the export of the snapshot");
      });
      return { id: keyOf(view, params), unsubscribe: () => { open = false; } };
    }

    onState(cluster, callback) {
      callback({ state: "snapshot", reason: "", notVisible: this.about.not_visible || {} });
    }

    follow() {}

    logs(params, handlers) {
      if (handlers && handlers.onError) handlers.onError("container logs are not captured in a snapshot");
      return { stop: () => {} };
    }
  }

  let shared = null;

  window.ExplorerLive = {
    connection: () => shared || (shared = new OfflineConnection()),
    describe: (status) => status.state,
  };
})();
