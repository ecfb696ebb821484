/*
 * The browser side of /ws/ (protocol: explorer/streaming/consumers.py).
 *
 * One websocket per tab, reconnected with jittered exponential backoff; subscriptions survive
 * reconnects. Each subscription keeps its model: a "full" message replaces it, a "delta" is
 * applied when its version is the next one, otherwise the page asks for a resync. Every message
 * is acknowledged once applied (the server sends no more than a few unacknowledged ones). The
 * page hears of a new model at most once per animation frame, with the latest: a page that
 * redrew on every message would fall behind a busy stream, acknowledge late, and be sent full
 * models again and again; a hidden tab redraws when shown. After a redraw the page waits twice
 * as long as it took before the next (`paced`), so that a slow chart leaves time for clicks.
 *
 * window.ExplorerLive.connection() returns the tab's connection:
 *   conn.subscribe(view, params, {onModel(model, info), onError(message)}) -> {unsubscribe()}
 *       info.full: a full model came since the last call
 *   conn.onState(cluster, callback({state, reason, notVisible}))  state: connecting, live,
 *       reconnecting or error; it covers both the websocket and the cluster's watcher
 *   conn.follow(taskId, callback(progress))
 *   conn.logs({cluster, namespace, pod, container, tail}, {onLines(lines, {skipped, end}),
 *       onError(message)}) -> {stop()}   a container's log, its last `tail` lines then live
 *   conn.etcdRates(cluster, {onRates(model), onError(message)}) -> {stop()}   the write rate per
 *       resource from a live watch of the cluster's etcd, once a second
 * No inline script anywhere: this file is loaded with <script src>.
 */
(function () {
  "use strict";

  const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"]);
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_CAP_MS = 15000;

  /* A function that calls `draw` in the next animation frame, once however often it is asked
   * in between, and leaves the main thread to the page for REDRAW_SPACING times as long as the
   * last draw took before the next: a chart that takes 1 s to draw, asked to redraw by every
   * delta of a busy stream, would otherwise keep the tab from answering a click for as long as
   * the stream lasts. Asked while it waits, it draws once the wait is over, with the latest. */
  const REDRAW_SPACING = 2;

  function paced(draw, spacing) {
    const idle = spacing == null ? REDRAW_SPACING : spacing;
    let asked = false, earliest = 0;
    function frame() {
      const started = performance.now();
      if (started < earliest) {
        window.setTimeout(() => window.requestAnimationFrame(frame), earliest - started);
        return;
      }
      asked = false;
      draw();
      const ended = performance.now();
      earliest = ended + idle * (ended - started);
    }
    return function ask() {
      if (asked) return;
      asked = true;
      window.requestAnimationFrame(frame);
    };
  }

  function applyOps(model, ops) {
    for (const op of ops) {
      const path = op.path;
      if (!Array.isArray(path) || path.length === 0 || path.some((k) => FORBIDDEN_KEYS.has(k))) {
        continue;
      }
      let target = model;
      for (const key of path.slice(0, -1)) {
        if (!Object.prototype.hasOwnProperty.call(target, key) || typeof target[key] !== "object" || target[key] === null) {
          target[key] = {};
        }
        target = target[key];
      }
      const last = path[path.length - 1];
      if (op.op === "del") {
        delete target[last];
      } else {
        target[last] = op.value;
      }
    }
    return model;
  }

  function describe(status) {
    if (status.state === "error" || status.state === "reconnecting") {
      return status.reason ? status.state + ": " + status.reason : status.state;
    }
    return status.state;
  }

  class LiveConnection {
    constructor(url) {
      this.url = url;
      this.ws = null;
      this.opened = false; // has the socket ever been open
      this.socketOpen = false;
      this.socketReason = "";
      this.retries = 0;
      this.nextId = 1;
      this.subs = new Map();
      this.clusterStatus = new Map();
      this.stateListeners = [];
      this.tasks = new Map();
      this.logFollows = new Map();
      this.rateFollows = new Map();
      this.parts = null; // the parts of a message being joined: {seq, count, texts}
    }

    start() {
      this.open();
      return this;
    }

    open() {
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (error) {
        this.lost(String(error));
        return;
      }
      this.ws = ws;
      ws.addEventListener("open", () => {
        if (this.ws !== ws) return;
        this.opened = true;
        this.socketOpen = true;
        this.socketReason = "";
        for (const sub of this.subs.values()) this.sendSubscribe(sub);
        for (const task of this.tasks.keys()) this.send({ type: "follow", task: task });
        for (const [id, log] of this.logFollows) this.send({ type: "logs", id: id, ...log.params, tail: 0 });
        for (const [id, rate] of this.rateFollows) this.send({ type: "etcdrates", id: id, cluster: rate.cluster });
        this.notifyAll();
      });
      ws.addEventListener("message", (event) => {
        if (this.ws !== ws) return;
        this.retries = 0;
        let message;
        try {
          message = this.joined(JSON.parse(event.data));
        } catch (error) {
          this.parts = null;
          return;
        }
        if (message === null) return; // a part of a message still coming
        try {
          this.handle(message);
        } finally {
          if (typeof message.seq === "number") this.send({ type: "ack", seq: message.seq });
        }
      });
      ws.addEventListener("close", (event) => {
        if (this.ws !== ws) return;
        this.lost(event.reason || (this.opened ? "connection to the server lost" : "cannot reach the server"));
      });
    }

    // A message over one frame's limit comes as parts in a row (explorer/streaming/
    // message_parts.py): null until the last, then the message their texts make.
    joined(message) {
      if (message.type !== "part") return message;
      const parts = this.parts;
      if (message.part === 0) {
        this.parts = { seq: message.seq, count: message.parts, texts: [message.text] };
      } else if (parts && parts.seq === message.seq && parts.texts.length === message.part) {
        parts.texts.push(message.text);
      } else {
        this.parts = null; // out of order: the message is lost, its view resyncs on the next
        return null;
      }
      if (this.parts.texts.length < this.parts.count) return null;
      const text = this.parts.texts.join("");
      this.parts = null;
      return JSON.parse(text);
    }

    lost(reason) {
      this.parts = null;
      this.ws = null;
      this.socketOpen = false;
      this.socketReason = reason;
      for (const sub of this.subs.values()) sub.version = null;
      this.notifyAll();
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * Math.pow(2, this.retries));
      this.retries += 1;
      setTimeout(() => this.open(), ceiling / 2 + Math.random() * (ceiling / 2));
    }

    send(message) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
    }

    sendSubscribe(sub) {
      this.send({ type: "subscribe", id: sub.id, view: sub.view, params: sub.params });
    }

    subscribe(view, params, handlers) {
      const sub = { id: "s" + this.nextId++, view: view, params: params, model: null, version: null, handlers: handlers || {} };
      this.subs.set(sub.id, sub);
      this.sendSubscribe(sub);
      return {
        id: sub.id,
        unsubscribe: () => {
          this.subs.delete(sub.id);
          this.send({ type: "unsubscribe", id: sub.id });
        },
      };
    }

    follow(task, callback) {
      this.tasks.set(task, callback);
      this.send({ type: "follow", task: task });
    }

    logs(params, handlers) {
      const id = "l" + this.nextId++;
      this.logFollows.set(id, { params: params, handlers: handlers || {} });
      this.send({ type: "logs", id: id, ...params });
      return {
        stop: () => {
          this.logFollows.delete(id);
          this.send({ type: "unlogs", id: id });
        },
      };
    }

    etcdRates(cluster, handlers) {
      const id = "r" + this.nextId++;
      this.rateFollows.set(id, { cluster: cluster, handlers: handlers || {} });
      this.send({ type: "etcdrates", id: id, cluster: cluster });
      return {
        stop: () => {
          this.rateFollows.delete(id);
          this.send({ type: "unetcdrates", id: id });
        },
      };
    }

    onState(cluster, callback) {
      this.stateListeners.push({ cluster: cluster, callback: callback });
      callback(this.state(cluster));
    }

    state(cluster) {
      if (!this.socketOpen) {
        const state = this.opened ? "reconnecting" : "connecting";
        return { state: state, reason: this.socketReason, notVisible: {} };
      }
      const status = this.clusterStatus.get(cluster);
      if (!status) return { state: "connecting", reason: "", notVisible: {} };
      return { state: status.state, reason: status.reason || "", notVisible: status.not_visible || {} };
    }

    notifyAll() {
      for (const listener of this.stateListeners) listener.callback(this.state(listener.cluster));
    }

    modelChanged(sub, full) {
      sub.fullSinceShown = sub.fullSinceShown || full;
      if (!sub.show) {
        sub.show = paced(() => {
          const info = { full: sub.fullSinceShown };
          sub.fullSinceShown = false;
          if (this.subs.get(sub.id) === sub && sub.model && sub.handlers.onModel) {
            sub.handlers.onModel(sub.model, info);
          }
        });
      }
      sub.show();
    }

    handle(message) {
      const sub = typeof message.id === "string" ? this.subs.get(message.id) : undefined;
      switch (message.type) {
        case "full":
          if (!sub) return;
          sub.model = message.model;
          sub.version = message.version;
          this.modelChanged(sub, true);
          return;
        case "delta":
          if (!sub || sub.version === null) return; // a full model is on its way
          if (message.version !== sub.version + 1) {
            sub.version = null;
            this.send({ type: "resync", id: sub.id });
            return;
          }
          applyOps(sub.model, message.ops);
          sub.version = message.version;
          this.modelChanged(sub, false);
          return;
        case "status":
          this.clusterStatus.set(message.cluster, message);
          this.notifyAll();
          return;
        case "progress": {
          const callback = this.tasks.get(message.task);
          if (callback) callback(message);
          return;
        }
        case "log": {
          const log = this.logFollows.get(message.id);
          if (log && log.handlers.onLines) {
            log.handlers.onLines(Array.isArray(message.lines) ? message.lines : [], { skipped: message.skipped || 0, end: !!message.end });
          }
          return;
        }
        case "etcd_rates": {
          const rate = this.rateFollows.get(message.id);
          if (rate && rate.handlers.onRates && message.model) rate.handlers.onRates(message.model);
          return;
        }
        case "error":
          if (this.rateFollows.has(message.id)) {
            const handlers = this.rateFollows.get(message.id).handlers;
            if (handlers.onError) handlers.onError(message.message);
            return;
          }
          if (this.logFollows.has(message.id)) {
            const handlers = this.logFollows.get(message.id).handlers;
            if (handlers.onError) handlers.onError(message.message);
            return;
          }
          if (sub && sub.handlers.onError) sub.handlers.onError(message.message);
          else if (window.console) window.console.warn("live:", message.message);
          return;
        default:
          return;
      }
    }
  }

  let shared = null;

  function connection() {
    if (!shared) {
      const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      shared = new LiveConnection(scheme + window.location.host + "/ws/").start();
    }
    return shared;
  }

  window.ExplorerLive = { connection: connection, applyOps: applyOps, describe: describe, paced: paced };
})();
