  /* wxsim prelude, part 5 of 5 (drivers): fragments of one function, concatenated in order by realm.py. */
  /* ---------------- entry points for Python (__wx.*) ---------------- */
  function drive(fn) {
    // Run page code the way the platform does: exceptions go to App.onError and back to Python.
    try { return { ok: true, value: fn() }; } catch (e) { reportError(e, 'page'); return { ok: false }; }
  }
  var api = {
    resolve: function (id, json, ok, body) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var pending = callbacks[id];
      if (!pending) return;
      delete callbacks[id];
      var res = parse(json);
      // A response body (dataType json) comes as text: parsed here, and a body that is not JSON stays a string (§1).
      if (body !== undefined) {
        try { res.data = JSON.parse(body); } catch (e) { res.data = body; }
      }
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
      if (view) view.flush();  // setData renders, then calls its callback (§6)
      var q = renderQueue; renderQueue = [];
      q.forEach(function (item) { if (item) safeCall(item.cb, item.self, [], 'setData callback'); });
      return q.length;
    },
    flushRejections: function () {
      // Nonzero asks Python to run the jobs and flush again: observers just attached, or handlers that ran.
      var n = observeAsyncPending();
      var c = rejectionCandidates; rejectionCandidates = [];
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
      if (!pageDefs[route]) throw new Error(route + '.js did not call Page() or Component()');
      return true;
    },
    requireModule: function (file) { return load(file); },
    createPage: function (route, queryJson, channelId) {
      // A view that boots on demand (mock_wx/view) is started before a page that needs it at once.
      if (!view && viewHost && (pageDefs[route].kind === 'component' || viewHost.eager(route))) viewHost.boot();
      var id = instantiate(route, JSON.parse(queryJson));
      if (channelId && channels[channelId]) { pages[id].__eventChannel = channels[channelId].opened; delete channels[channelId]; }
      if (view) view.pageCreated(id, pages[id]);  // first render: components created and attached before onLoad
      return id;
    },
    setStack: function (idsJson) { stack = JSON.parse(idsJson); },
    pageHook: function (id, name, argJson) {
      currentPageId = null;  // top of the stack: nothing of an interrupted call's state carries over
      var page = pages[id];
      if (!page) return { ok: false, missing: true };
      if (name === 'onLoad' && page.__attached) drive(function () { page.__attached.call(page); });
      var arg = argJson === undefined ? undefined : JSON.parse(argJson);
      if (view) view.pageHook(id, name, arg);  // components' pageLifetimes / ready come first
      if (typeof page[name] !== 'function') {
        if (name === 'onReady') readyPages[id] = true;
        return { ok: true, missing: true };
      }
      var r = drive(function () { return hook(id, name, [arg]); });
      if (name === 'onReady') readyPages[id] = true;
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
    unloadPage: function (id) { if (view) view.pageUnloaded(id); delete pages[id]; delete readyPages[id]; },
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
    setViewHost: function (boot, eager) { viewHost = { boot: boot, eager: eager }; },
    attachView: function () {
      // What the view layer needs of the runtime; it hands back its hooks (see mock_wx/view/js).
      return {
        host: host, pages: pages, LENIENT: LENIENT, reportError: reportError, reportUnhandled: reportUnhandled,
        safeCall: safeCall, watched: watched, makeSetData: makeSetData, deepCopy: deepCopy, load: load,
        SelectorQuery: SelectorQuery, parsePath: parsePath,
        setView: function (v) {
          view = v;
          // Pages opened before the view booted: their trees render when first read.
          Object.keys(pages).map(Number).sort(function (a, b) { return a - b; }).forEach(function (id) {
            view.pageCreated(id, pages[id], !!readyPages[id]);
          });
        },
        withPage: function (id, fn) { var prev = currentPageId; currentPageId = id; try { return fn(); } finally { currentPageId = prev; } },
        wx: wx,
      };
    },
    callExposed: function (name, args) {
      return callAsync('__callExposed', { name: name, args: args }).then(function (r) { return r.value; });
    },
  };
  var results = {};
  var readyPages = {};   // page id -> its onReady has run (for a view that boots later)
  var viewHost = null;   // {boot(), eager(route)}: a view that evaluates itself when first needed
  global.__wx = api;
})(globalThis);
