  /* wxsim prelude, part 2 of 5 (bridge): fragments of one function, concatenated in order by realm.py. */
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
    if (jsMocks[api]) runJsMock(api, opts, id); else if (host.invoke(api, stringify(opts), id)) host.where(new Error().stack);
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
  // Sync APIs documented as returning nothing (§2 setStorageSync …): undefined in JS, not the host's null.
  var VOID_SYNC = { setStorageSync: true, removeStorageSync: true, clearStorageSync: true };
  function callSync(api, args) {
    if (jsMocks[api]) return runJsMockSync(api, args);
    var out = parse(host.invokeSync(api, stringify(args)));
    if (out && out.__throw) throw new Error(out.__throw);
    return VOID_SYNC[api] ? undefined : out;
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
    if (jsMocks[api]) runJsMock(api, opts, id); else if (host.invoke(api, stringify(opts), id)) host.where(new Error().stack);
    return task;
  }

  /* Test rig: a JS mock (user.mock_wx(name, js=...)) answers instead of the client; the answer still
   * arrives later, through the same callbacks / Promise / task as a real one, and is reported to Python. */
  var jsMocks = {};
  var NETWORK_TASKS = { request: true, downloadFile: true, uploadFile: true };
  // Inside a mock, `this.origin(opts)` calls the real API (as in miniprogram-automator): a Promise of its
  // result for async and task APIs, the value for sync ones.
  function mockThis(name) {
    return { origin: function () {
      var args = Array.prototype.slice.call(arguments);
      var m = jsMocks[name];
      delete jsMocks[name];
      try {
        var kind = kindOf(name);
        if (kind === 'sync') return callSync(name, args);
        if (kind === 'context') return callContext(name, args);
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
      if (NETWORK_TASKS[name]) {
        // What a RequestTask's success callback always carries (§1), as for a Python mock.
        ['statusCode', 'header', 'cookies', 'data'].forEach(function (k, i) {
          if (res[k] === undefined) res[k] = [200, {}, [], ''][i];
        });
      }
    } else if (v && typeof v === 'object' && typeof v.errMsg === 'string') res = v;
    else res = { errMsg: name + ':fail ' + (v && v.message !== undefined ? v.message : String(v)) };
    var json = stringify(res);
    host.invokeSync('__jsMockCall', stringify([name, opts, JSON.parse(json), ok]));
    if (ok && NETWORK_TASKS[name]) {
      // As with a Python mock or the network, a request/download/upload task hears its headers before
      // it completes (wx-fidelity.md §1 onHeadersReceived).
      api.emit(id, 'headersReceived', stringify({ header: res.header || {}, statusCode: res.statusCode || 200,
                                                 cookies: res.cookies || [] }));
    }
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
  /* The default of an API wxsim does not emulate that returns an object (a context or manager, mock_wx/api/
   * defaults.py): any method can be called on it; each call is recorded (`__calls`, and the trace), returns
   * undefined, and listeners are kept and never called. */
  function recorder(api) {
    var calls = [];
    var target = { __calls: calls };
    return new Proxy(target, { get: function (t, prop) {
      if (prop in t || typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return t[prop];
      var fn = function () {
        var args = Array.prototype.slice.call(arguments);
        calls.push({ method: prop, args: args });
        callSync('__contextCall', [api, prop, args]);
      };
      t[prop] = fn;
      return fn;
    } });
  }
  function callContext(name, args) {
    var out = callSync(name, args);
    return out && typeof out === 'object' && typeof out.__wxContext === 'string' ? recorder(out.__wxContext) : out;
  }
  function makeApi(name, kind) {
    if (kind === 'sync') return function () { return callSync(name, Array.prototype.slice.call(arguments)); };
    if (kind === 'context') return function () { return callContext(name, Array.prototype.slice.call(arguments)); };
    if (kind === 'task') return function (opts) { return makeTask(name, opts, TASKS[name][0], TASKS[name][1]); };
    if (kind === 'event') {
      return function (cb) {
        (eventListeners[name] = eventListeners[name] || []).push(cb);
        callSync('__listen', [name, true]);
      };
    }
    if (kind === 'offevent') {
      var on = 'on' + name.slice(3);
      return function (cb) {
        eventListeners[on] = cb ? (eventListeners[on] || []).filter(function (f) { return f !== cb; }) : [];
      };
    }
    if (kind === 'callback') {
      // APIs whose page says Promise style is not supported (e.g. getShareInfo, §0): callbacks only.
      return function (opts) {
        opts = opts || {};
        callAsync(name, hasCallbacks(opts) ? opts : Object.assign({}, opts, { complete: function () {} }));
      };
    }
    return function (opts) { return callAsync(name, opts); };
  }
  Object.keys(wxApis).forEach(function (name) { wx[name] = makeApi(name, wxApis[name]); });
  /* The ~400 APIs with a default answer (mock_wx/api/defaults.py) come as one "name:kind," string and are
   * made on first use by a Proxy behind `wx`: the emulated ones stay own properties (a wx.request looks no
   * further), and a realm pays for the defaults it touches only (all of them as functions: ~110 KiB each). */
  var DEFAULT_APIS = ',' + CONFIG.defaults;
  function defaultKind(name) {
    if (typeof name !== 'string' || name === '') return undefined;
    var at = DEFAULT_APIS.indexOf(',' + name + ':');
    return at < 0 ? undefined : DEFAULT_APIS.slice(at + name.length + 2, DEFAULT_APIS.indexOf(',', at + 1));
  }
  function kindOf(name) { return wxApis[name] || defaultKind(name); }
  Object.setPrototypeOf(wx, new Proxy({}, {
    get: function (t, prop) {
      var kind = defaultKind(prop);
      if (!kind) return t[prop];  // Object.prototype's (wx.hasOwnProperty), else undefined
      // wx.cloud has the client SDK's shape (prelude/15_cloud.js); other properties record their calls.
      var value = prop === 'cloud' ? makeCloud(false) : kind === 'property' ? callContext(prop, []) : makeApi(prop, kind);
      wx[prop] = value;
      return value;
    },
    has: function (t, prop) { return !!defaultKind(prop) || prop in t; },
  }));
  // Consistent with what is defined: every API of the official typings is (wx-fidelity.md §0).
  wx.canIUse = function (s) { return typeof wx[String(s).split('.')[0]] === 'function'; };
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
