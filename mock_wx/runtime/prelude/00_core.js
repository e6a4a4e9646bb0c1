/* wxsim AppService prelude: evaluated once in each virtual user's realm, before the app's code.
 * Host functions (Python): __host_invoke(api, argsJson, cbId), __host_invokeSync(api, argsJson) -> json,
 * __host_now() -> ms, __host_timer(id, ms), __host_clearTimer(id), __host_log(level, text),
 * __host_render(pageId) -> whether the trace wants the payload, __host_renderData(pageId, json), __host_finding(kind, message), __host_error(json), __host_require(path),
 * __host_rejected() (a rejection candidate was recorded: Python then calls __wx.flushRejections()),
 * __host_where(stack) (the caller of the last invoke/timer, asked for by their true result near the settle budget).
 * Python calls back: __wx.resolve(cbId, json), __wx.emit(taskId, event, json), __wx.fireTimer(id),
 * __wx.flushRenders(), and the page driving functions in 40_drivers.js.
 * The prelude is one function split by concern into prelude/NN_*.js; realm.py joins the parts in order.
 */
(function (global) {
  'use strict';
  var CONFIG = JSON.parse(global.__WX_CONFIG_JSON);
  delete global.__WX_CONFIG_JSON;
  var LENIENT = CONFIG.fidelity === 'lenient';
  // The AppService has a `global` (npm builds such as mobx-miniprogram reach the global object through it
  // when `window` is undefined, as it is in every module's wrapper).
  if (typeof global.global === 'undefined') global.global = global;
  var host = {
    invoke: global.__host_invoke, invokeSync: global.__host_invokeSync, now: global.__host_now,
    timer: global.__host_timer, clearTimer: global.__host_clearTimer, log: global.__host_log,
    render: global.__host_render, renderData: global.__host_renderData, finding: global.__host_finding, error: global.__host_error,
    require: global.__host_require, rejected: global.__host_rejected, where: global.__host_where,
    unhandled: global.__host_unhandled,
  };
  ['__host_invoke', '__host_invokeSync', '__host_now', '__host_timer', '__host_clearTimer', '__host_log',
    '__host_render', '__host_renderData', '__host_finding', '__host_error', '__host_require', '__host_rejected', '__host_where', '__host_unhandled'].forEach(function (k) { delete global[k]; });

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
   * reported. Promises made by `async` functions (the engine uses its intrinsic Promise) are seen because
   * the loader hands every async body to __wx_async (async_rewrite.py), below.
   * A rejection is seen through the resolving functions the constructor hands out (the executor's, and so
   * also the capability `then`, `Promise.all`... use): no extra reaction and job per promise. Only a promise
   * resolved with a thenable, which may reject it later through the engine's own functions, gets an observer. */
  var NativePromise = Promise;
  var rejectionCandidates = [];
  var observing = false;
  function isThenable(v) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return false;
    try { return typeof v.then === 'function'; } catch (e) { return true; }  // a throwing getter rejects: observe
  }
  function observe(p, state) {
    observing = true;
    try {
      NativePromise.prototype.then.call(p, undefined, function (reason) {
        if (state.noted) return;
        state.noted = true; state.reason = reason; host.rejected(); rejectionCandidates.push(state);
      });
    } finally { observing = false; }
  }
  class WxPromise extends NativePromise {
    constructor(executor) {
      if (typeof executor !== 'function') throw new TypeError('Promise resolver ' + String(executor) + ' is not a function');
      var state = { handled: false, reason: undefined, promise: null, noted: false };
      var settled = false, adopted = false;
      super(function (resolve, reject) {
        var res = function (v) {
          if (!settled) {
            settled = true;
            if (isThenable(v)) { if (state.promise) observe(state.promise, state); else adopted = true; }
          }
          return resolve(v);
        };
        var rej = function (reason) {
          if (!settled) {
            settled = true;
            state.noted = true; state.reason = reason; host.rejected(); rejectionCandidates.push(state);
          }
          return reject(reason);
        };
        try { executor(res, rej); } catch (e) { rej(e); }
      });
      state.promise = this;
      Object.defineProperty(this, '__wxState', { value: state });
      if (adopted) observe(this, state);
    }
    then(onFulfilled, onRejected) {
      if (this.__wxState) this.__wxState.handled = true;
      return super.then(onFulfilled, onRejected);
    }
    static [Symbol.hasInstance](v) { return v instanceof NativePromise; }
    // The observer's own derived promise (in observe and watchPromise) is never seen by the app: a plain
    // native one, instead of a second WxPromise with its own state.
    static get [Symbol.species]() { return observing ? NativePromise : this; }
  }
  global.Promise = WxPromise;
  // Async page and App methods return the engine's intrinsic promises, which the subclass never sees. Their
  // results get the same bookkeeping: an own `then` that marks them handled, and an own `constructor` so that
  // `await` goes through that `then` (the engine only short-cuts promises whose constructor is %Promise%).
  function watchPromise(p) {
    // (__wx_async's promises have their own prototype: tracked already.)
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
      NativePromise.prototype.then.call(p, undefined, function (reason) { state.reason = reason; host.rejected(); rejectionCandidates.push(state); });
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
  /* The app's async functions, rewritten at load to `__wx_async(async () => BODY)` (async_rewrite.py).
   * Their promise stays the engine's own, so that `await` keeps its short cut, with a `constructor`
   * getter (on a prototype between it and Promise.prototype): `await` (PromiseResolve), `then`, `catch`, `finally`, `Promise.resolve`/`all`... all read it, so
   * a read marks the promise handled. It answers %Promise%, whose species (set here) makes what `then`
   * derives a WxPromise, tracked like any other. (Routing `await` through a WxPromise `then` instead costs
   * a job and a WxPromise per await: 3x an untracked call, benchmarks/bridge.py.) The engine rejects the
   * promise through its own functions, which only a reaction sees; rather than an observer (and a job) per
   * call, flushRejections observes only those still unhandled when the job queue is empty. */
  Object.defineProperty(NativePromise, Symbol.species, { configurable: true, get: function () {
    return observing ? NativePromise : WxPromise;
  } });
  // One shared prototype with the getter, the state under a symbol: cheaper per call than own accessors.
  var ASYNC_STATE = Symbol('wxAsyncState');
  var AsyncPromiseProto = Object.create(NativePromise.prototype, { constructor: { configurable: true, get: function () {
    var state = this[ASYNC_STATE];
    if (state && !observing) state.handled = true;
    return NativePromise;
  } } });
  var asyncPending = [];
  global.__wx_async = function (body) {
    var p = body();
    var state = { handled: false, reason: undefined, promise: p, noted: false };
    p[ASYNC_STATE] = state;
    Object.setPrototypeOf(p, AsyncPromiseProto);
    if (asyncPending.push(state) === 1) host.rejected();  // once per batch: Python flushes after the jobs
    return p;
  };
  // Observers for the async promises nobody handled so far; the number attached (jobs may follow).
  function observeAsyncPending() {
    var w = asyncPending, n = 0;
    if (!w.length) return 0;
    asyncPending = [];
    for (var i = 0; i < w.length; i++) if (!w[i].handled) { observe(w[i].promise, w[i]); n++; }
    return n;
  }
  function reportUnhandled(reason, promise) {
    var text = reason && reason.errMsg ? reason.errMsg
      : reason && reason.message !== undefined ? (reason.name || 'Error') + ': ' + reason.message : String(reason);
    host.log('error', 'Unhandled promise rejection: ' + text);
    if (appInstance && typeof appInstance.onUnhandledRejection === 'function') {
      try { appInstance.onUnhandledRejection({ reason: reason, promise: promise }); } catch (e) { reportError(e, 'onUnhandledRejection'); }
    }
    host.unhandled(JSON.stringify({ message: text, stack: (reason && typeof reason.stack === 'string' && reason.stack) || '' }));
  }
  function safeCall(fn, self, args, where) {
    try { return fn.apply(self, args || []); } catch (e) { reportError(e, where); return undefined; }
  }

  /* ---------------- legacy RegExp statics ---------------- */
  /* RegExp.$1-$9, lastMatch, lastParen, leftContext, rightContext, input: V8 and JavaScriptCore have them and
   * date-format code leans on them (`if (/(y+)/.test(fmt)) fmt = fmt.replace(RegExp.$1, ...)`); QuickJS does
   * not. exec remembers its last successful match (test, match, replace, split and search all call exec, per
   * spec and in QuickJS); the statics are getters computed from it on read, so a match costs two stores. */
  var nativeExec = RegExp.prototype.exec;
  var lastMatch = null;
  Object.defineProperty(RegExp.prototype, 'exec', { configurable: true, writable: true, value: function exec(str) {
    var m = nativeExec.call(this, str);
    if (m !== null) lastMatch = m;
    return m;
  } });
  function legacyStatic(get) {
    return { configurable: true, enumerable: false, get: function () { return lastMatch ? get(lastMatch) : ''; } };
  }
  function group(m, i) { return m[i] === undefined ? '' : String(m[i]); }
  var statics = {
    lastMatch: legacyStatic(function (m) { return m[0]; }),
    lastParen: legacyStatic(function (m) { return m.length > 1 ? group(m, m.length - 1) : ''; }),
    leftContext: legacyStatic(function (m) { return m.input.slice(0, m.index); }),
    rightContext: legacyStatic(function (m) { return m.input.slice(m.index + m[0].length); }),
    input: legacyStatic(function (m) { return m.input; }),
  };
  for (var gi = 1; gi <= 9; gi++) {
    statics['$' + gi] = legacyStatic((function (i) { return function (m) { return group(m, i); }; })(gi));
  }
  statics['$&'] = statics.lastMatch; statics['$+'] = statics.lastParen; statics['$_'] = statics.input;
  statics['$`'] = statics.leftContext; statics["$'"] = statics.rightContext;
  Object.defineProperties(RegExp, statics);

  /* ---------------- virtual clock: Date and timers ---------------- */
  var RealDate = Date;
  /* Date strings as the phone parses them: wxsim's device is an iPhone (getSystemInfo platform "ios"), whose
   * JavaScriptCore answers Invalid Date for "2024-01-02 10:00" (dashes with a space before the time) and for
   * unpadded "2024-1-2", where V8 (Android, DevTools) parses local time. Strict mode is the iPhone; lenient
   * parses as Android does; both record a finding (docs/engine.md "Date parsing"). */
  var IOS_INVALID = /^\s*\d{4}-(\d{1,2})-(\d{1,2})(\s+\d|$)/;
  var warnedDates = false;
  function iosParse(str) {
    var m = IOS_INVALID.exec(str);
    if (!m || (m[3] === '' && m[1].length === 2 && m[2].length === 2)) return RealDate.parse(str);
    if (!warnedDates) {
      warnedDates = true;
      host.finding('date-parse-ios', 'new Date("' + str + '") is Invalid Date on iOS (JavaScriptCore): write "' +
        str.trim().replace(/-/g, '/') + '" or an ISO string with "T"');
    }
    return LENIENT ? RealDate.parse(str) : NaN;
  }
  function WxDate(a, b, c, d, e, f, g) {
    var n = arguments.length;
    var dt;
    if (n === 0) dt = new RealDate(host.now());
    else if (n === 1) dt = new RealDate(typeof a === 'string' ? iosParse(a) : a);
    else dt = new RealDate(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0);
    if (!(this instanceof WxDate)) return dt.toString();
    Object.setPrototypeOf(dt, WxDate.prototype);
    return dt;
  }
  WxDate.prototype = RealDate.prototype;
  WxDate.now = function () { return host.now(); };
  WxDate.parse = function (str) { return iosParse(String(str)); };
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
    if (host.timer(id, ms)) host.where(new Error().stack);
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
