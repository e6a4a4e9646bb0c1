  /* wxsim prelude, part 4 of 5 (pages): fragments of one function, concatenated in order by realm.py. */
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
  function has(file) { return !!defs[file] || host.require(file); }
  function resolve(id) {
    var cands = [id, id + '.js', id + '.json', id + '/index.js'];
    for (var i = 0; i < cands.length; i++) if (has(cands[i])) return cands[i];
    return null;
  }
  // An npm package as DevTools' "build npm" lays it out: miniprogram_npm/<name> next to the requiring file
  // or in any folder above it (a subpackage's own, a package's nested deps), nearest first; the package's
  // package.json `main` when it kept one, else index.js.
  function resolveNpm(from, p) {
    var dirs = from.split('/'); dirs.pop();
    for (var i = dirs.length; i >= 0; i--) {
      var pkg = normalize('', dirs.slice(0, i).concat(['miniprogram_npm', p]).join('/'));
      var meta = has(pkg + '/package.json') ? load(pkg + '/package.json') : null;
      var file = meta && typeof meta.main === 'string' ? resolve(normalize(pkg + '/package.json', meta.main)) : null;
      if (file || (file = resolve(pkg))) return file;
    }
    return null;
  }
  function load(file) {
    if (cache[file]) return cache[file].exports;
    if (!has(file)) throw new Error('module "' + file + '" is not defined');
    var module = { exports: {}, id: file };
    cache[file] = module;
    var req = function (p) { return requireFrom(file, p); };
    try {
      defs[file].call(module.exports, req, module, module.exports, undefined, undefined);
    } catch (e) { delete cache[file]; throw e; }
    return module.exports;
  }
  function requireFrom(from, p) {
    if (typeof p !== 'string') throw new TypeError('require() expects a string path');
    var file = resolve(normalize(from, p));
    // A bare name not found next to the file is an npm package.
    if (!file && p.charAt(0) !== '.' && p.charAt(0) !== '/') file = resolveNpm(from, p);
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
  var defaultApp = null;  // getApp({allowDefault: true}) before App() (§6)
  function App(def) {
    if (appDef) { host.log('warn', 'App() called more than once'); return; }
    def = def || {};
    if (defaultApp) {
      // App() merges its definition into the default implementation handed out earlier, its fields winning.
      Object.keys(def).forEach(function (k) { defaultApp[k] = def[k]; });
      appDef = defaultApp;
    } else appDef = def;
  }
  function Page(def) {
    if (!loadingRoute) throw new Error('Page() must be called in a page file registered in app.json');
    pageDefs[loadingRoute] = { kind: 'page', def: def || {} };
  }
  /* The view layer (mock_wx/view), when one is attached: it registers itself through __wx.attachView and
   * is told of page creation, hooks, setData and unload. The runtime never needs it (DESIGN.md). */
  var view = null;
  function Component(def) {
    if (view && view.defining) { view.define(def || {}); return; }
    if (!loadingRoute) { host.log('warn', 'Component() outside a page or a component file loaded by the view is ignored'); return; }
    pageDefs[loadingRoute] = { kind: 'component', def: def || {} };
  }
  function Behavior(def) { return def || {}; }
  function getApp(opts) {
    if (appInstance || appDef) return appInstance || appDef;
    // Before App(): undefined, or with allowDefault a default implementation App() will merge into (§6).
    if (opts && opts.allowDefault) return defaultApp || (defaultApp = {});
    return undefined;
  }
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
    key = String(key);
    if (key !== '' && key.indexOf('.') < 0 && key.indexOf('[') < 0 && key.indexOf(']') < 0) {
      obj[key] = value;  // a plain key, as parsePath would split it: no regex
      return;
    }
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
      // Plain JSON.stringify: setData takes JSON-able data (functions drop out as they do natively); the
      // bridge's replacer, which carries ArrayBuffers to Python, costs a call per value (~35 % here).
      var json = JSON.stringify(payload);
      // UTF-8 needs at most 3 bytes per UTF-16 unit: count (slow in JS) only when the limit is in reach.
      var size = json.length * 3 > 1048576 ? utf8Length(json) : 0;
      if (size > 1048576) {
        host.finding('setdata-oversize', '数据传输长度为 ' + size + ' 已经超过最大长度 1048576');
        throw new Error('setData: 数据传输长度为 ' + size + ' 已经超过最大长度 1048576');
      }
      var copy = JSON.parse(json);
      Object.keys(copy).forEach(function (k) { setPath(self.data, k, copy[k]); });
      if (view) view.changed(self, json, copy);  // observers now; the view's copy of the data; a render is due
      if (host.render(pageId)) host.renderData(pageId, json, typeof self.is === 'string' ? self.is : '');  // the payload crosses only for the trace
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
    if (entry.kind === 'component' && view) {
      // Component-as-page through the view's component model (properties from the query, observers, behaviors).
      page = view.componentPage(def, query);
    } else if (entry.kind === 'component') {
      // Component-as-page without a view: methods live under `methods`, lifetimes under `lifetimes`.
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
    if (!page.data) page.data = deepCopy(def.data) || {};
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
