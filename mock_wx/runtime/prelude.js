/* wxsim AppService prelude: evaluated once in each virtual user's realm, before the app's code.
 * Host functions (Python): __host_invoke(api, argsJson, cbId), __host_invokeSync(api, argsJson) -> json,
 * __host_now() -> ms, __host_timer(id, ms), __host_clearTimer(id), __host_log(level, text),
 * __host_render(pageId, json), __host_finding(kind, message), __host_error(json), __host_require(path).
 * Python calls back: __wx.resolve(cbId, json), __wx.emit(taskId, event, json), __wx.fireTimer(id),
 * __wx.flushRenders(), and the page driving functions at the end of this file.
 */
(function (global) {
  'use strict';
  var CONFIG = JSON.parse(global.__WX_CONFIG_JSON);
  delete global.__WX_CONFIG_JSON;
  var LENIENT = CONFIG.fidelity === 'lenient';
  var host = {
    invoke: global.__host_invoke, invokeSync: global.__host_invokeSync, now: global.__host_now,
    timer: global.__host_timer, clearTimer: global.__host_clearTimer, log: global.__host_log,
    render: global.__host_render, finding: global.__host_finding, error: global.__host_error,
    require: global.__host_require,
  };
  ['__host_invoke', '__host_invokeSync', '__host_now', '__host_timer', '__host_clearTimer', '__host_log',
    '__host_render', '__host_finding', '__host_error', '__host_require'].forEach(function (k) { delete global[k]; });

  function stringify(v) {
    return JSON.stringify(v === undefined ? null : v, function (k, x) {
      if (typeof x === 'function') return undefined;
      if (x instanceof ArrayBuffer) return { __arraybuffer: Array.from(new Uint8Array(x)) };
      return x;
    });
  }
  function parse(s) {
    // The reviver costs a call per value: skip it unless a buffer is in there.
    if (s.indexOf('__arraybuffer') < 0) return JSON.parse(s);
    return JSON.parse(s, function (k, x) {
      if (x && typeof x === 'object' && Array.isArray(x.__arraybuffer)) return new Uint8Array(x.__arraybuffer).buffer;
      return x;
    });
  }
  function reportError(err, where) {
    var msg = err && err.message !== undefined ? String(err.message) : String(err);
    var name = err && err.name ? err.name : 'Error';
    // Python answers with the message and the stack mapped to file:line, which App.onError receives too.
    var mapped = host.error(JSON.stringify({ message: name + ': ' + msg, stack: (err && err.stack) || '', where: where || '' }));
    if (appInstance && typeof appInstance.onError === 'function') {
      var text = typeof mapped === 'string' ? mapped : name + ': ' + msg + '\n' + ((err && err.stack) || '');
      try { appInstance.onError(text); } catch (e) { /* like the platform */ }
    }
  }

  /* Unhandled rejections (wx-fidelity.md §6, App.onUnhandledRejection). The binding does not expose
   * QuickJS's rejection tracker, so the global Promise is a subclass that remembers its rejections and
   * whether a handler was ever attached (`then`, and so `catch`/`finally`/`await`, mark it handled).
   * Python calls __wx.flushRejections() once the job queue is empty; what is still unhandled then is
   * reported. Not seen: promises made by `async` functions (the engine uses its intrinsic Promise), except
   * those returned by page methods and hooks, which the driver watches itself. */
  var NativePromise = Promise;
  var rejectionCandidates = [];
  var observing = false;
  class WxPromise extends NativePromise {
    constructor(executor) {
      var state = { handled: false, reason: undefined, promise: null };
      super(executor);
      state.promise = this;
      Object.defineProperty(this, '__wxState', { value: state });
      if (!observing) {
        observing = true;
        try {
          NativePromise.prototype.then.call(this, undefined, function (reason) {
            state.reason = reason;
            rejectionCandidates.push(state);
          });
        } finally { observing = false; }
      }
    }
    then(onFulfilled, onRejected) {
      if (this.__wxState) this.__wxState.handled = true;
      return super.then(onFulfilled, onRejected);
    }
    static [Symbol.hasInstance](v) { return v instanceof NativePromise; }
  }
  global.Promise = WxPromise;
  // Async page and App methods return the engine's intrinsic promises, which the subclass never sees. Their
  // results get the same bookkeeping: an own `then` that marks them handled, and an own `constructor` so that
  // `await` goes through that `then` (the engine only short-cuts promises whose constructor is %Promise%).
  function watchPromise(p) {
    if (!p || typeof p !== 'object' || p.__wxState || Object.getPrototypeOf(p) !== NativePromise.prototype) return p;
    var state = { handled: false, reason: undefined, promise: p };
    Object.defineProperty(p, '__wxState', { value: state });
    Object.defineProperty(p, 'constructor', { value: WxPromise, configurable: true, writable: true });
    Object.defineProperty(p, 'then', { configurable: true, writable: true, value: function (onFulfilled, onRejected) {
      state.handled = true;
      return NativePromise.prototype.then.call(this, onFulfilled, onRejected);
    } });
    observing = true;
    try {
      NativePromise.prototype.then.call(p, undefined, function (reason) { state.reason = reason; rejectionCandidates.push(state); });
    } finally { observing = false; }
    return p;
  }
  function watched(fn) {
    if (typeof fn !== 'function' || fn.__wxWatched) return fn;
    var w = function () { return watchPromise(fn.apply(this, arguments)); };
    Object.defineProperty(w, '__wxWatched', { value: true });
    Object.defineProperty(w, 'name', { value: fn.name });
    return w;
  }
  function reportUnhandled(reason, promise) {
    var text = reason && reason.errMsg ? reason.errMsg
      : reason && reason.message !== undefined ? (reason.name || 'Error') + ': ' + reason.message : String(reason);
    host.log('error', 'Unhandled promise rejection: ' + text);
    if (appInstance && typeof appInstance.onUnhandledRejection === 'function') {
      try { appInstance.onUnhandledRejection({ reason: reason, promise: promise }); } catch (e) { reportError(e, 'onUnhandledRejection'); }
    }
  }
  function safeCall(fn, self, args, where) {
    try { return fn.apply(self, args || []); } catch (e) { reportError(e, where); return undefined; }
  }

  /* ---------------- virtual clock: Date and timers ---------------- */
  var RealDate = Date;
  function WxDate(a, b, c, d, e, f, g) {
    var n = arguments.length;
    var dt;
    if (n === 0) dt = new RealDate(host.now());
    else if (n === 1) dt = new RealDate(a);
    else dt = new RealDate(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0);
    if (!(this instanceof WxDate)) return dt.toString();
    Object.setPrototypeOf(dt, WxDate.prototype);
    return dt;
  }
  WxDate.prototype = RealDate.prototype;
  WxDate.now = function () { return host.now(); };
  WxDate.parse = RealDate.parse;
  WxDate.UTC = RealDate.UTC;
  global.Date = WxDate;

  var timers = {};
  var nextTimerId = 1;
  var currentPageId = null;   // page whose code is running (owner of timers created now)
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout expects a function');
    var id = nextTimerId++;
    ms = Math.max(0, Number(ms) || 0);
    timers[id] = { fn: fn, ms: ms, args: args, repeat: repeat, owner: currentPageId };
    host.timer(id, ms);
    return id;
  }
  global.setTimeout = function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), false); };
  global.setInterval = function (fn, ms) { return addTimer(fn, ms, Array.prototype.slice.call(arguments, 2), true); };
  global.clearTimeout = global.clearInterval = function (id) {
    if (timers[id]) { delete timers[id]; host.clearTimer(id); }
  };

  /* ---------------- console ---------------- */
  function fmt(args) {
    return Array.prototype.map.call(args, function (a) {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return (a.name || 'Error') + ': ' + a.message;
      try { return JSON.stringify(a); } catch (e) { return String(a); }
    }).join(' ');
  }
  global.console = {};
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    global.console[level] = function () { host.log(level, fmt(arguments)); };
  });
  global.console.group = global.console.groupEnd = global.console.time = global.console.timeEnd = function () {};
  // The rest of the console an app may call (the AppService's console has them): logged, never a TypeError.
  global.console.groupCollapsed = global.console.timeLog = global.console.count = global.console.countReset = function () {};
  global.console.trace = global.console.dir = global.console.table = function () { host.log('log', fmt(arguments)); };
  global.console.assert = function (cond) {
    if (!cond) host.log('error', 'Assertion failed: ' + fmt(Array.prototype.slice.call(arguments, 1)));
  };

  /* ---------------- the bridge ---------------- */
  var callbacks = {};
  var nextCb = 1;
  var tasks = {};
  function hasCallbacks(o) {
    return !!o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
  }
  // wx-fidelity.md §0: a Promise iff the options contain none of success/fail/complete.
  function callAsync(api, opts) {
    opts = opts || {};
    var id = nextCb++;
    var usePromise = !hasCallbacks(opts);
    var pending = { api: api, opts: opts, owner: currentPageId };
    var promise;
    if (usePromise) {
      promise = new Promise(function (resolve, reject) { pending.resolve = resolve; pending.reject = reject; });
    }
    callbacks[id] = pending;
    if (jsMocks[api]) runJsMock(api, opts, id); else host.invoke(api, stringify(opts), id);
    return promise;
  }
  function settle(pending, ok, res) {
    var opts = pending.opts;
    var prev = currentPageId;
    currentPageId = pending.owner;
    try {
      if (pending.resolve) {
        if (ok) pending.resolve(res); else pending.reject(res);
      } else {
        if (ok && typeof opts.success === 'function') safeCall(opts.success, opts, [res], pending.api + ' success');
        if (!ok && typeof opts.fail === 'function') safeCall(opts.fail, opts, [res], pending.api + ' fail');
        if (typeof opts.complete === 'function') safeCall(opts.complete, opts, [res], pending.api + ' complete');
      }
    } finally { currentPageId = prev; }
  }
  function callSync(api, args) {
    if (jsMocks[api]) return runJsMockSync(api, args);
    var out = parse(host.invokeSync(api, stringify(args)));
    if (out && out.__throw) throw new Error(out.__throw);
    return out;
  }

  /* Task objects: request/uploadFile/downloadFile/connectSocket return these, never a Promise (§0, §1, §5). */
  function makeTask(api, opts, methods, events) {
    opts = opts || {};
    var id = nextCb++;
    var task = { __taskId: id };
    var listeners = {};
    events.forEach(function (ev) {
      var cap = ev.charAt(0).toUpperCase() + ev.slice(1);
      task['on' + cap] = function (cb) {
        // Tell the client which optional task events anyone listens to, so it skips the rest.
        if (!listeners[ev] && api !== 'connectSocket') callSync('__listen', ['task:' + id + ':' + ev]);
        (listeners[ev] = listeners[ev] || []).push(cb);
      };
      task['off' + cap] = function (cb) {
        if (!cb) listeners[ev] = []; else listeners[ev] = (listeners[ev] || []).filter(function (f) { return f !== cb; });
      };
    });
    methods.forEach(function (m) {
      // Task methods answer through callbacks only (send/close have success/fail/complete, no Promise).
      task[m] = function (args) {
        args = args || {};
        var cbId = nextCb++;
        callbacks[cbId] = { api: api + '.' + m, opts: args, owner: currentPageId };
        host.invoke(api + '.' + m, stringify({ taskId: id, args: args }), cbId);
      };
    });
    var pending = { api: api, opts: opts, owner: currentPageId, task: task };
    var settled = null;
    var waiters = [];
    pending.onSettle = function (ok, res) {
      settled = { ok: ok, res: res };
      waiters.forEach(function (w) { ok ? w.resolve(res) : w.reject(res); });
      waiters = [];
    };
    if (LENIENT) {
      // Awaiting a task is a platform mistake (wx-fidelity.md §0); lenient mode lets it work and says so.
      task.then = function (onOk, onErr) {
        host.finding('await-task', 'awaited the ' + api + ' task object: wx.' + api + ' returns a task, not a Promise');
        return new Promise(function (resolve, reject) {
          if (settled) { settled.ok ? resolve(settled.res) : reject(settled.res); } else waiters.push({ resolve: resolve, reject: reject });
        }).then(onOk, onErr);
      };
    }
    callbacks[id] = pending;
    tasks[id] = { listeners: listeners, task: task };
    if (jsMocks[api]) runJsMock(api, opts, id); else host.invoke(api, stringify(opts), id);
    return task;
  }

  /* Test rig: a JS mock (user.mock_wx(name, js=...)) answers instead of the client; the answer still
   * arrives later, through the same callbacks / Promise / task as a real one, and is reported to Python. */
  var jsMocks = {};
  // Inside a mock, `this.origin(opts)` calls the real API (as in miniprogram-automator): a Promise of its
  // result for async and task APIs, the value for sync ones.
  function mockThis(name) {
    return { origin: function () {
      var args = Array.prototype.slice.call(arguments);
      var m = jsMocks[name];
      delete jsMocks[name];
      try {
        var kind = wxApis[name];
        if (kind === 'sync') return callSync(name, args);
        if (kind === 'task') {
          return new Promise(function (resolve, reject) {
            makeTask(name, Object.assign({}, args[0] || {}, { success: resolve, fail: reject }), TASKS[name][0], TASKS[name][1]);
          });
        }
        return callAsync(name, Object.assign({}, args[0] || {}));
      } finally { jsMocks[name] = m; }
    } };
  }
  function runJsMock(name, opts, id) {
    var out;
    try { out = jsMocks[name].call(mockThis(name), opts); } catch (e) { out = Promise.reject(e); }
    Promise.resolve(out).then(function (v) { finishJsMock(name, opts, id, true, v); },
      function (e) { finishJsMock(name, opts, id, false, e); });
  }
  function finishJsMock(name, opts, id, ok, v) {
    var res;
    if (ok) {
      res = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
      if (!res.errMsg) res.errMsg = name + ':ok';
    } else if (v && typeof v === 'object' && typeof v.errMsg === 'string') res = v;
    else res = { errMsg: name + ':fail ' + (v && v.message !== undefined ? v.message : String(v)) };
    var json = stringify(res);
    host.invokeSync('__jsMockCall', stringify([name, opts, JSON.parse(json), ok]));
    api.resolve(id, json, ok);
  }
  function runJsMockSync(name, args) {
    var v = jsMocks[name].apply(mockThis(name), args);
    host.invokeSync('__jsMockCall', stringify([name, args, v, true]));
    return v;
  }

  var wx = {};
  var wxApis = CONFIG.apis;   // {name: 'async'|'sync'|'task'|'event'|'offevent'}
  var TASKS = {
    request: [['abort'], ['headersReceived', 'chunkReceived']],
    downloadFile: [['abort'], ['headersReceived', 'progressUpdate']],
    uploadFile: [['abort'], ['headersReceived', 'progressUpdate']],
    connectSocket: [['send', 'close'], ['open', 'message', 'error', 'close']],
  };
  var eventListeners = {};
  Object.keys(wxApis).forEach(function (name) {
    var kind = wxApis[name];
    if (kind === 'sync') wx[name] = function () { return callSync(name, Array.prototype.slice.call(arguments)); };
    else if (kind === 'task') wx[name] = function (opts) { return makeTask(name, opts, TASKS[name][0], TASKS[name][1]); };
    else if (kind === 'event') {
      wx[name] = function (cb) {
        (eventListeners[name] = eventListeners[name] || []).push(cb);
        callSync('__listen', [name, true]);
      };
    } else if (kind === 'offevent') {
      var on = 'on' + name.slice(3);
      wx[name] = function (cb) {
        eventListeners[on] = cb ? (eventListeners[on] || []).filter(function (f) { return f !== cb; }) : [];
      };
    } else if (kind === 'callback') {
      // APIs whose page says Promise style is not supported (e.g. getShareInfo, §0): callbacks only.
      wx[name] = function (opts) {
        opts = opts || {};
        callAsync(name, hasCallbacks(opts) ? opts : Object.assign({}, opts, { complete: function () {} }));
      };
    } else wx[name] = function (opts) { return callAsync(name, opts); };
  });
  wx.canIUse = function (s) { var base = String(s).split('.')[0]; return typeof wx[base] === 'function' || base in wxApis; };
  wx.env = { USER_DATA_PATH: 'wxfile://usr' };
  wx.createAnimation = function (opts) { return new Animation(opts || {}); };
  wx.createSelectorQuery = function () { return new SelectorQuery(); };
  wx.nextTick = function (fn) { Promise.resolve().then(function () { safeCall(fn, null, [], 'nextTick'); }); };
  wx.getUpdateManager = function () {
    // No new version is ever published to a simulated client: the check answers hasUpdate false.
    return {
      onCheckForUpdate: function (cb) { setTimeout(function () { cb({ hasUpdate: false }); }, 0); },
      onUpdateReady: function () {}, onUpdateFailed: function () {}, applyUpdate: function () {},
    };
  };
  if (LENIENT) {
    // Mini programs have no callable share APIs (wx-fidelity.md §3): lenient mode records and ignores.
    ['shareAppMessage', 'shareTimeline'].forEach(function (name) {
      wx[name] = function (opts) {
        host.finding('no-such-api', 'wx.' + name + ' does not exist in mini programs; sharing is user-initiated via onShareAppMessage');
        return hasCallbacks(opts) ? undefined : Promise.resolve({ errMsg: name + ':ok' });
      };
    });
    // `this.setData` inside a static helper: `this` is the class (a function). Forward to the page.
    Object.defineProperty(Function.prototype, 'setData', {
      configurable: true, writable: true,
      value: function (data, cb) {
        host.finding('static-setdata', 'this.setData called on ' + (this.name || 'a function') + ', not on a page');
        var page = currentPage();
        if (page) return page.setData(data, cb);
      },
    });
  }
  global.wx = wx;

  /* ---------------- Animation and SelectorQuery (§10) ---------------- */
  function Animation(opts) { this.opts = opts; this.current = []; this.actions = []; }
  ['opacity', 'backgroundColor', 'width', 'height', 'top', 'left', 'right', 'bottom', 'rotate', 'rotateX', 'rotateY',
    'rotateZ', 'rotate3d', 'scale', 'scaleX', 'scaleY', 'scaleZ', 'scale3d', 'skew', 'skewX', 'skewY', 'translate',
    'translateX', 'translateY', 'translateZ', 'translate3d', 'matrix', 'matrix3d'].forEach(function (m) {
    Animation.prototype[m] = function () { this.current.push({ type: m, args: Array.prototype.slice.call(arguments) }); return this; };
  });
  Animation.prototype.step = function (o) {
    o = o || {};
    this.actions.push({
      animates: this.current,
      option: { transition: { duration: o.duration !== undefined ? o.duration : (this.opts.duration || 400),
        timingFunction: o.timingFunction || this.opts.timingFunction || 'linear', delay: o.delay || this.opts.delay || 0 },
      transformOrigin: o.transformOrigin || this.opts.transformOrigin || '50% 50% 0' },
    });
    this.current = [];
    return this;
  };
  Animation.prototype.export = function () { var a = this.actions; this.actions = []; return { actions: a }; };

  function SelectorQuery() { this.queue = []; }
  function NodesRef(q, selector, all) { this.q = q; this.selector = selector; this.all = all; }
  SelectorQuery.prototype.select = function (s) { return new NodesRef(this, s, false); };
  SelectorQuery.prototype.selectAll = function (s) { return new NodesRef(this, s, true); };
  SelectorQuery.prototype.selectViewport = function () { return new NodesRef(this, 'viewport', false); };
  SelectorQuery.prototype.in = function () { return this; };
  SelectorQuery.prototype.exec = function (cb) {
    var q = this.queue;
    var res = callSync('__selectorQuery', [q]);
    setTimeout(function () {
      q.forEach(function (item, i) { if (item.cb) safeCall(item.cb, null, [res[i]], 'SelectorQuery callback'); });
      if (cb) safeCall(cb, null, [res], 'SelectorQuery.exec');
    }, 0);
    return this;
  };
  ['boundingClientRect', 'scrollOffset', 'fields', 'node', 'context'].forEach(function (m) {
    NodesRef.prototype[m] = function (a, b) {
      var cb = typeof a === 'function' ? a : b;
      this.q.queue.push({ selector: this.selector, all: this.all, kind: m, fields: typeof a === 'object' ? a : null, cb: cb });
      return this.q;
    };
  });

  /* ---------------- modules (CommonJS, as the AppService wraps each file) ---------------- */
  var defs = {};
  var cache = {};
  function normalize(from, path) {
    if (path.charAt(0) === '/') path = path.slice(1);
    else {
      var base = from.split('/'); base.pop();
      path = base.concat(path.split('/')).join('/');
    }
    var out = [];
    path.split('/').forEach(function (seg) {
      if (seg === '..') out.pop(); else if (seg !== '.' && seg !== '') out.push(seg);
    });
    return out.join('/');
  }
  function resolve(id) {
    var cands = [id, id + '.js', id + '/index.js'];
    for (var i = 0; i < cands.length; i++) {
      if (defs[cands[i]] || host.require(cands[i])) return cands[i];
    }
    return null;
  }
  function load(file) {
    if (cache[file]) return cache[file].exports;
    if (!defs[file] && !host.require(file)) throw new Error('module "' + file + '" is not defined');
    var module = { exports: {}, id: file };
    cache[file] = module;
    var req = function (p) { return requireFrom(file, p); };
    try {
      defs[file].call(module.exports, req, module, module.exports, undefined, undefined, wx, App, Page, Component,
        Behavior, getApp, getCurrentPages);
    } catch (e) { delete cache[file]; throw e; }
    return module.exports;
  }
  function requireFrom(from, p) {
    if (typeof p !== 'string') throw new TypeError('require() expects a string path');
    var file = resolve(normalize(from, p));
    if (!file && p.charAt(0) !== '.' && p.charAt(0) !== '/') {
      // A bare name not found next to the file is an npm package built into miniprogram_npm/ (its
      // package.json main is built to index.js by the IDE's "build npm").
      file = resolve('miniprogram_npm/' + normalize('', p));
    }
    if (!file) {
      throw new Error('module "' + normalize(from, p) + '" is not defined, require args is \'' + p + '\'');
    }
    return load(file);
  }
  global.__wx_define = function (file, factory) { defs[file] = factory; };
  global.__wx_interop = function (m) { return m && m.__esModule ? m : { default: m }; };
  global.requirePlugin = function (name) {
    throw new Error('requirePlugin("' + name + '"): plugins are not available in wxsim; mock the plugin with user.mock_wx or a fixture module');
  };

  /* ---------------- App / Page / Component ---------------- */
  var appDef = null;
  var appInstance = null;
  var pageDefs = {};
  var loadingRoute = null;
  var pages = {};       // id -> page instance
  var stack = [];       // ids, bottom first
  function App(def) {
    if (appDef) { host.log('warn', 'App() called more than once'); return; }
    appDef = def || {};
  }
  function Page(def) {
    if (!loadingRoute) throw new Error('Page() must be called in a page file registered in app.json');
    pageDefs[loadingRoute] = { kind: 'page', def: def || {} };
  }
  function Component(def) {
    if (!loadingRoute) { host.log('warn', 'Component() outside a page is ignored (components are basic in wxsim)'); return; }
    pageDefs[loadingRoute] = { kind: 'component', def: def || {} };
  }
  function Behavior(def) { return def || {}; }
  function getApp() { return appInstance || (appDef ? appDef : undefined); }
  function getCurrentPages() { return stack.map(function (id) { return pages[id]; }); }
  function currentPage() { return stack.length ? pages[stack[stack.length - 1]] : null; }
  global.App = App; global.Page = Page; global.Component = Component; global.Behavior = Behavior;
  global.getApp = getApp; global.getCurrentPages = getCurrentPages;

  function deepCopy(v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); }

  /* setData path keys: 'a.b', 'list[0].x', combinations (§6). */
  function parsePath(key) {
    var parts = [];
    String(key).replace(/\[(\d+)\]|([^.[\]]+)/g, function (m, idx, name) {
      parts.push(idx !== undefined ? Number(idx) : name);
      return m;
    });
    return parts;
  }
  function setPath(obj, key, value) {
    var parts = parsePath(key);
    var cur = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var p = parts[i];
      if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = typeof parts[i + 1] === 'number' ? [] : {};
      cur = cur[p];
    }
    cur[parts[parts.length - 1]] = value;
  }
  var renderQueue = [];
  function makeSetData(pageId) {
    return function setData(obj, cb) {
      if (obj === null || typeof obj !== 'object') throw new TypeError('setData expects an object');
      var payload = {};
      var self = this;
      Object.keys(obj).forEach(function (k) {
        if (obj[k] === undefined) {
          // wx-fidelity.md §6: undefined is not set and only logs.
          host.log('warn', 'Setting data field "' + k + '" to undefined is invalid.');
          host.finding('setdata-undefined', 'Setting data field "' + k + '" to undefined is invalid.');
          return;
        }
        payload[k] = obj[k];
      });
      var json = stringify(payload);
      // UTF-8 needs at most 3 bytes per UTF-16 unit: count (slow in JS) only when the limit is in reach.
      var size = json.length * 3 > 1048576 ? utf8Length(json) : 0;
      if (size > 1048576) {
        host.finding('setdata-oversize', '数据传输长度为 ' + size + ' 已经超过最大长度 1048576');
        throw new Error('setData: 数据传输长度为 ' + size + ' 已经超过最大长度 1048576');
      }
      var copy = JSON.parse(json);
      Object.keys(copy).forEach(function (k) { setPath(self.data, k, copy[k]); });
      host.render(pageId, json);
      renderQueue.push(cb && typeof cb === 'function' ? { cb: cb, self: self } : null);
    };
  }
  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1; else if (c < 0x800) n += 2; else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
    }
    return n;
  }

  var nextPageId = 1;
  function instantiate(route, query) {
    var entry = pageDefs[route];
    if (!entry) throw new Error('Page "' + route + '" has not been registered yet.');
    var def = entry.def;
    var id = nextPageId++;
    var page;
    if (entry.kind === 'component') {
      // Component-as-page: methods live under `methods`, lifetimes under `lifetimes` (basic support).
      page = {};
      var methods = def.methods || {};
      Object.keys(methods).forEach(function (k) { page[k] = watched(methods[k]); });
      ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onPullDownRefresh', 'onReachBottom', 'onShareAppMessage',
        'onShareTimeline', 'onPageScroll'].forEach(function (k) { if (methods[k]) page[k] = watched(methods[k]); });
      var life = def.lifetimes || {};
      if (life.attached || def.attached) page.__attached = life.attached || def.attached;
      page.properties = {};
    } else {
      page = {};
      Object.keys(def).forEach(function (k) { if (k !== 'data') page[k] = watched(def[k]); });
    }
    page.data = deepCopy(def.data) || {};
    page.route = route;
    page.__route__ = route;
    page.options = query;
    page.__wxWebviewId__ = id;
    page.setData = makeSetData(id);
    page.getOpenerEventChannel = function () { return page.__eventChannel || new EventChannel(); };
    page.selectComponent = function () { return null; };
    page.createSelectorQuery = function () { return new SelectorQuery(); };
    pages[id] = page;
    return id;
  }
  function hook(id, name, args) {
    var page = pages[id];
    if (!page || typeof page[name] !== 'function') return undefined;
    var prev = currentPageId;
    currentPageId = id;
    try { return page[name].apply(page, args || []); } finally { currentPageId = prev; }
  }

  /* EventChannel (§7) */
  function EventChannel() { this.handlers = {}; this.peer = null; this.buffer = []; }
  EventChannel.prototype.on = function (name, fn) { (this.handlers[name] = this.handlers[name] || []).push({ fn: fn, once: false }); };
  EventChannel.prototype.once = function (name, fn) { (this.handlers[name] = this.handlers[name] || []).push({ fn: fn, once: true }); };
  EventChannel.prototype.off = function (name, fn) {
    this.handlers[name] = fn ? (this.handlers[name] || []).filter(function (h) { return h.fn !== fn; }) : [];
  };
  EventChannel.prototype.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var target = this.peer;
    if (!target) return;
    var hs = target.handlers[name] || [];
    target.handlers[name] = hs.filter(function (h) { return !h.once; });
    hs.forEach(function (h) { safeCall(h.fn, null, args, 'EventChannel ' + name); });
  };
  var channels = {};
  wx.navigateTo = (function (inner) {
    return function (opts) {
      opts = opts || {};
      var opener = new EventChannel();
      var opened = new EventChannel();
      opener.peer = opened; opened.peer = opener;
      var events = opts.events || {};
      Object.keys(events).forEach(function (k) { opener.on(k, events[k]); });
      var chId = nextCb++;
      channels[chId] = { opener: opener, opened: opened };
      var args = {};
      Object.keys(opts).forEach(function (k) { if (k !== 'events') args[k] = opts[k]; });
      args.__channel = chId;
      var wrap = function (f) { return typeof f === 'function' ? function (res) { res.eventChannel = opener; return f(res); } : f; };
      if (hasCallbacks(opts)) { args.success = wrap(opts.success); args.fail = opts.fail; args.complete = opts.complete; return inner(args); }
      return inner(args).then(function (res) { res.eventChannel = opener; return res; });
    };
  })(wx.navigateTo || function (o) { return callAsync('navigateTo', o); });

  /* ---------------- entry points for Python (__wx.*) ---------------- */
  function drive(fn) {
    // Run page code the way the platform does: exceptions go to App.onError and back to Python.
    try { return { ok: true, value: fn() }; } catch (e) { reportError(e, 'page'); return { ok: false }; }
  }
  var api = {
    resolve: function (id, json, ok) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var pending = callbacks[id];
      if (!pending) return;
      delete callbacks[id];
      var res = parse(json);
      if (pending.task) {
        // A request/upload/download task is over once it resolves; a socket lives on until onClose (§5).
        if (pending.api !== 'connectSocket') delete tasks[id];
        if (pending.onSettle) pending.onSettle(ok, res);
        var opts = pending.opts;
        var prev = currentPageId; currentPageId = pending.owner;
        try {
          if (ok && typeof opts.success === 'function') safeCall(opts.success, opts, [res], pending.api + ' success');
          if (!ok && typeof opts.fail === 'function') safeCall(opts.fail, opts, [res], pending.api + ' fail');
          if (typeof opts.complete === 'function') safeCall(opts.complete, opts, [res], pending.api + ' complete');
        } finally { currentPageId = prev; }
        return;
      }
      settle(pending, ok, res);
    },
    emit: function (taskId, event, json) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var t = tasks[taskId];
      if (!t) return;
      var res = parse(json);
      (t.listeners[event] || []).slice().forEach(function (cb) { safeCall(cb, t.task, [res], 'task ' + event); });
      if (event === 'close' || event === '__done') delete tasks[taskId];
    },
    emitGlobal: function (name, json) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var res = parse(json);
      (eventListeners[name] || []).slice().forEach(function (cb) { safeCall(cb, null, [res], name); });
    },
    fireTimer: function (id) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var t = timers[id];
      if (!t) return null;
      if (!t.repeat) delete timers[id];
      var prev = currentPageId; currentPageId = t.owner;
      try { safeCall(t.fn, global, t.args, 'timer'); } finally { currentPageId = prev; }
      if (t.repeat && timers[id]) host.timer(id, t.ms);
      return t.owner;
    },
    flushRenders: function () {
      var q = renderQueue; renderQueue = [];
      q.forEach(function (item) { if (item) safeCall(item.cb, item.self, [], 'setData callback'); });
      return q.length;
    },
    pendingRenders: function () { return renderQueue.length; },
    flushRejections: function () {
      var c = rejectionCandidates; rejectionCandidates = [];
      var n = 0;
      c.forEach(function (st) { if (!st.handled) { n++; reportUnhandled(st.reason, st.promise); } });
      return n;
    },
    launchApp: function (optsJson) {
      var opts = JSON.parse(optsJson);
      if (!appDef) appDef = {};
      appInstance = appDef;
      if (!('globalData' in appInstance)) appInstance.globalData = {};
      Object.keys(appInstance).forEach(function (k) {
        if (typeof appInstance[k] === 'function' && k !== 'onError' && k !== 'onUnhandledRejection') appInstance[k] = watched(appInstance[k]);
      });
      return drive(function () {
        if (typeof appInstance.onLaunch === 'function') appInstance.onLaunch(opts);
        if (typeof appInstance.onShow === 'function') appInstance.onShow(opts);
      }).ok;
    },
    appHook: function (name, argJson) {
      if (!appInstance || typeof appInstance[name] !== 'function') return false;
      var arg = argJson === undefined ? undefined : JSON.parse(argJson);
      return drive(function () { appInstance[name](arg); }).ok;
    },
    hasAppHook: function (name) { return !!(appInstance && typeof appInstance[name] === 'function'); },
    loadPage: function (route) {
      if (pageDefs[route]) return true;
      loadingRoute = route;
      try { load(route + '.js'); } finally { loadingRoute = null; }
      if (!pageDefs[route]) throw new Error('pages/' + route + '.js did not call Page() or Component()');
      return true;
    },
    requireModule: function (file) { return load(file); },
    createPage: function (route, queryJson, channelId) {
      var id = instantiate(route, JSON.parse(queryJson));
      if (channelId && channels[channelId]) { pages[id].__eventChannel = channels[channelId].opened; delete channels[channelId]; }
      return id;
    },
    setStack: function (idsJson) { stack = JSON.parse(idsJson); },
    pageHook: function (id, name, argJson) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var page = pages[id];
      if (!page) return { ok: false, missing: true };
      if (name === 'onLoad' && page.__attached) drive(function () { page.__attached.call(page); });
      if (typeof page[name] !== 'function') return { ok: true, missing: true };
      var arg = argJson === undefined ? undefined : JSON.parse(argJson);
      var r = drive(function () { return hook(id, name, [arg]); });
      var v = r.value;
      if (v && typeof v.then === 'function') {
        // `async onLoad()` and friends: a rejection goes where an async handler's goes.
        v.then(undefined, function (e) {
          host.error(JSON.stringify({ message: (e && e.name || 'Error') + ': ' + (e && e.message !== undefined ? e.message : e),
            stack: (e && e.stack) || '', where: page.route + '.' + name }));
          reportUnhandled(e, v);
        });
        v = undefined;
      }
      return { ok: r.ok, value: v };
    },
    hasMethod: function (id, name) { return !!(pages[id] && typeof pages[id][name] === 'function'); },
    callMethod: function (id, name, argsJson) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var page = pages[id];
      if (!page) throw new Error('page ' + id + ' is not alive');
      if (typeof page[name] !== 'function') throw new Error('page "' + page.route + '" has no method "' + name + '"');
      var args = JSON.parse(argsJson);
      var out = { done: false, ok: true, value: undefined, error: null };
      var r;
      try { r = hook(id, name, args); } catch (e) {
        reportError(e, page.route + '.' + name);
        out.done = true; out.ok = false; out.error = String(e && e.message || e);
        return out;
      }
      if (r && typeof r.then === 'function') {
        var key = nextCb++;
        results[key] = out;
        // An async handler's rejection is an unhandled rejection on the platform (nobody awaits a handler).
        Promise.resolve(r).then(function (v) { out.done = true; out.value = v; },
          function (e) {
            out.done = true; out.ok = false; out.error = String(e && e.message || e);
            host.error(JSON.stringify({ message: (e && e.name || 'Error') + ': ' + (e && e.message !== undefined ? e.message : e),
              stack: (e && e.stack) || '', where: page.route + '.' + name }));
            reportUnhandled(e, r);
          });
        out.key = key;
      } else { out.done = true; out.value = r; }
      return out;
    },
    result: function (key) { var o = results[key]; if (o && o.done) delete results[key]; return o ? stringify(o) : null; },
    unloadPage: function (id) { delete pages[id]; },
    pageData: function (id) { return pages[id] ? stringify(pages[id].data) : null; },
    pageSetData: function (id, json) { var p = pages[id]; if (!p) return false; p.setData(JSON.parse(json)); return true; },
    pageRoute: function (id) { return pages[id] ? pages[id].route : null; },
    timerOwner: function (id) { return timers[id] ? timers[id].owner : null; },
    hasPendingTimers: function () { return Object.keys(timers).length; },
    evaluate: function (code) {
      var v = (0, eval)(code);
      if (v && typeof v.then === 'function') {
        var key = nextCb++;
        var out = { done: false, ok: true, value: undefined, error: null, key: key };
        results[key] = out;
        v.then(function (x) { out.done = true; out.value = x; }, function (e) { out.done = true; out.ok = false; out.error = String(e && e.message || e); });
        return stringify(out);
      }
      return stringify({ done: true, ok: true, value: v });
    },
    exposeWx: function () { return wx; },
    /* test rig: JS mocks, page method hooks, functions exposed by the test */
    setJsMock: function (name, src) {
      if (src === null || src === undefined) { delete jsMocks[name]; return true; }
      var fn = (0, eval)('(' + src + ')');
      if (typeof fn !== 'function') throw new TypeError('mock for wx.' + name + ' is not a function');
      jsMocks[name] = fn;
      return true;
    },
    hookPageMethod: function (id, name, hookId) {
      var page = pages[id];
      if (!page || typeof page[name] !== 'function') return false;
      var wrapped = function () {
        var args = Array.prototype.slice.call(arguments);
        var report = function (ok, v) {
          host.invokeSync('__pageMethodCall', stringify([hookId, args, ok ? v : null, ok,
            ok ? null : String(v && v.message !== undefined ? v.message : v)]));
        };
        var r;
        try { r = wrapped.__wxsimOrig.apply(this, args); } catch (e) { report(false, e); throw e; }
        if (r && typeof r.then === 'function') r.then(function (v) { report(true, v); }, function (e) { report(false, e); });
        else report(true, r);
        return r;
      };
      wrapped.__wxsimOrig = page[name];
      wrapped.__wxsimHook = hookId;
      page[name] = wrapped;
      return true;
    },
    unhookPageMethod: function (id, name, hookId) {
      var page = pages[id];
      var f = page && page[name];
      var prev = null;
      while (f && f.__wxsimHook !== undefined) {
        if (f.__wxsimHook === hookId) {
          if (prev) prev.__wxsimOrig = f.__wxsimOrig; else page[name] = f.__wxsimOrig;
          return true;
        }
        prev = f; f = f.__wxsimOrig;
      }
      return false;
    },
    ensureWx: function (name, kind) {  // a mocked API the emulator lacks (scanCode, chooseLocation, ...)
      if (typeof wx[name] === 'function') return false;
      wx[name] = kind === 'sync' ? function () { return callSync(name, Array.prototype.slice.call(arguments)); }
        : function (opts) { return callAsync(name, opts); };
      return true;
    },
    callExposed: function (name, args) {
      return callAsync('__callExposed', { name: name, args: args }).then(function (r) { return r.value; });
    },
  };
  var results = {};
  global.__wx = api;
})(globalThis);
