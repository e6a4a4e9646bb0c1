/* wxsim view layer, part 1 of 4 (render): fragments of one function, joined in order by mock_wx/view/bundle.py.
 * Evaluated in a user's realm after the runtime's prelude. Host functions (Python):
 * __view_source(path) -> evaluates the compiled template / WXS / component definition, false if none;
 * __view_meta(path) -> JSON {using: {tag: componentPath}, component, options} of a page or component.
 * Python calls __wxView.* (part 4). See docs/view-fidelity.md for the rules each piece follows.
 */
(function (global) {
  'use strict';
  var rt = global.__wx.attachView();
  var host = rt.host;
  var vhost = { source: global.__view_source, meta: global.__view_meta, exists: global.__view_exists };
  delete global.__view_source; delete global.__view_meta; delete global.__view_exists;
  var LENIENT = rt.LENIENT;

  var files = {};      // path -> factory(R), from __wxView.def
  var compiled = {};   // path -> {render, templates, imports, file}
  // WXS's `x.constructor` (compiled to this name: compiler._wxs_constructors) is the type's name as a string.
  Object.defineProperty(Object.prototype, '__wxsConstructor', { configurable: true, enumerable: false,
    get: function () { return Object.prototype.toString.call(this).slice(8, -1); } });
  var wxsDefs = {};    // id -> function(module, exports, require, getRegExp, getDate, ...hidden)
  var wxsCache = {};   // id -> exports
  var metaCache = {};
  var owners = {};     // owner id -> owner record (a page or a component instance)
  var pageOwners = {}; // page id -> owner record
  var nextOwner = 1, nextNode = 1;
  var version = 0;     // bumped by every render: Python's snapshot cache key
  var dirty = [];      // owner records waiting for a render
  var reported = {};   // one finding per (kind, place) per user
  var NONE = {};       // a key no item has: what R.each keeps for an item whose build reported an error
  var INCR = true;     // incremental rendering (R.reuse, R.each); off: every render builds everything (tests compare)

  function once(kind, place, message) {
    var k = kind + '|' + place;
    if (reported[k]) return;
    reported[k] = true;
    host.finding(kind, message);
  }

  function template(path) {
    var c = compiled[path];
    if (c) return c;
    if (!files[path] && !vhost.source(path)) return null;
    c = compiled[path] = files[path](R);
    return c;
  }
  function meta(path) {
    var m = metaCache[path];
    if (!m) m = metaCache[path] = JSON.parse(vhost.meta(path));
    return m;
  }

  /* Built-in components (docs/view-fidelity.md §4): a tag that is none of these and not in usingComponents
   * is unknown to the platform (it renders as an empty inline element, with a warning). */
  var BUILTIN = {};
  ('view scroll-view swiper swiper-item movable-area movable-view cover-view cover-image match-media page-container ' +
   'root-portal share-element grid-view list-view sticky-header sticky-section icon text rich-text progress button ' +
   'checkbox checkbox-group editor form input keyboard-accessory label picker picker-view picker-view-column radio ' +
   'radio-group slider switch textarea functional-page-navigator navigator audio camera channel-live channel-video ' +
   'image live-player live-pusher video voip-room map canvas web-view ad ad-custom official-account open-data ' +
   'native-component aria-component navigation-bar page-meta block slot template import include wxs span')
    .split(' ').forEach(function (t) { BUILTIN[t] = true; });

  function str(v) {
    // {{ }} in text or inside a longer attribute value: null and undefined print as nothing.
    if (v === undefined || v === null) return '';
    if (typeof v === 'object') return Array.isArray(v) ? v.join(',') : '[object Object]';
    return String(v);
  }

  /* Equal as data (view data is JSON: no functions, undefined, cycles or prototypes to consider). */
  function same(a, b) {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
    var i;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
      return true;
    }
    if (Array.isArray(b)) return false;
    var n = 0;
    for (i in a) { if (!(i in b) || !same(a[i], b[i])) return false; n++; }
    for (i in b) n--;
    return n === 0;
  }

  /* A compiled file's expression table X: {f: file, s: JSON of [[line, col, source], ...]}, parsed on use. */
  function xat(X, idx) { return (X.t || (X.t = JSON.parse(X.s)))[idx] || [0, 0, '']; }
  function xplace(X, idx) {
    var p = X.p || (X.p = []);
    if (p[idx] === undefined) { var x = xat(X, idx); p[idx] = X.f + ':' + x[0] + ':' + x[1]; }
    return p[idx];
  }

  function exprError(e, X, idx, c) {
    R.nerr++;  // a site whose build reported an error is not reused: a full render would report it again
    var x = xat(X, idx);
    var file = X.f || '';
    var msg = (e && e.name || 'Error') + ': ' + (e && e.message !== undefined ? e.message : e);
    var text = file + ':' + x[0] + ':' + x[1] + ': {{' + x[2] + '}} threw ' + msg;
    if (LENIENT) once('wxml-expression-error', text, text);
    else {
      var err = new Error(text);
      err.name = 'WXMLRenderError';
      err.stack = '';
      rt.reportError(err, 'render ' + file);
    }
    return undefined;
  }

  var R = {
    el: function (tag, a, e, m, c, k, ctx, F, line) {
      var cp = ctx.owner.using[tag];
      // Every node has the same fields in the same order (one shape): g is reconcile's match mark.
      var n = { t: tag, a: a, e: e, m: m, c: c, k: k === undefined ? null : k, o: ctx.owner, id: 0,
        cp: cp === undefined ? null : cp, inst: null, st: null, g: 0 };
      if (cp === undefined && !BUILTIN[tag]) {
        var place = F + ':' + line;
        once('wxml-unknown-tag', place + tag, place + ': <' + tag + '> is not a built-in component and not in ' +
          'usingComponents of ' + ctx.owner.path + ' (rendered as a plain element around its children)');
      }
      return n;
    },
    s: str,
    err: exprError,
    nerr: 0,
    /* Incremental rendering (compiler.py `site`): the render context `c` of an owner keeps, per site of its
     * template, the node last built there (`m`) and the number of the render whose tree holds it (`ms`);
     * `chg[name]` is the number of the next render once the root data name changed (`all` for every name).
     * A site is reused when its node is in the previous tree and none of the names its subtree reads
     * changed since. */
    valid: function (c, k, D) {
      if (c.ms[k] !== c.prev || c.all > c.prev) return false;
      var chg = c.chg;
      for (var i = 0; i < D.length; i++) if (chg[D[i]] > c.prev) return false;
      return true;
    },
    /* Site k (its subtree holds sites k..last): pushes the node kept from the last render to `out` when it
     * can be reused; else the caller builds it and hands it to `put`. */
    reuse: function (M, c, k, D, last, out) {
      if (!M || !R.valid(c, k, D)) return false;
      out.push(c.m[k]);
      // The sites inside a reused one stay in the tree with it.
      var ms = c.ms, prev = c.prev, cur = c.cur;
      for (var q = k; q <= last; q++) if (ms[q] === prev) ms[q] = cur;
      c.reused++;
      return true;
    },
    put: function (M, c, k, n, nerr, out) {
      out.push(n);
      if (!M) return;
      c.m[k] = n;
      c.ms[k] = R.nerr === nerr ? c.cur : -1;
      c.built++;
    },
    A: Object.freeze({}),  // the attributes of an element without any
    E: Object.freeze([]),  // the children of an element without any
    scopeWith: function (s, vars) { var o = Object.create(s); for (var k in vars) o[k] = vars[k]; return o; },
    /* wx:for. With M (compiler.py `loop`: a list of the data in the owner's own template, outside other
     * loops), the items' nodes are kept in ctx.m[kL] with the item and key they were built from, by index;
     * an item is rendered again only when the names the body reads besides it (D) changed, it moved (another
     * key at its index), a setData path went into it
     * (`list[2].t` changes the item in place; for a list that is not a root name itself, any path under
     * its root counts), or it is another item not equal to the kept one (as data: view data is JSON). */
    each: function (list, X, idx, ctx, key, fn, M, kL, root, bare, D, out) {
      if (list === undefined || list === null || list === false || list === '') return;
      var place = xplace(X, idx);
      var items = list, keys = null;
      if (!Array.isArray(list)) {
        // The platform also iterates an object's values (index: the key), a string's characters and 0..n-1
        // for a number; a finding says the data is not the array the template expects (view-fidelity §2.4).
        once('wxml-for-non-array', place, place + ': wx:for="' + xat(X, idx)[2] + '" is a ' + (typeof list) + ', not an array');
        if (typeof list === 'number') { items = []; for (var j = 0; j < list; j++) items.push(j); }
        else if (typeof list === 'string') items = list.split('');
        else if (typeof list === 'object') { keys = Object.keys(list); items = keys.map(function (k) { return list[k]; }); }
        else return;
      }
      if (!key && items.length && !reported['wxml-for-without-key|' + place]) {
        once('wxml-for-without-key', place, place + ': wx:for="' + xat(X, idx)[2] + '" has no wx:key (DevTools: "Now you can provide attr `wx:key` for a `wx:for` to improve performance.")');
      }
      var seen = key ? {} : null;
      var memo = !!M && keys === null, kept = null, valid = false, inPlace;
      if (memo) {
        kept = ctx.m[kL] || (ctx.m[kL] = { k: [], it: [], n: [] });
        var paths = bare ? ctx.cha : ctx.chp;
        valid = R.valid(ctx, kL, D) && !(paths !== null && paths[root] > ctx.prev);
        inPlace = bare && ctx.chi !== null ? ctx.chi[root] : undefined;  // index -> render number, for paths into items
      }
      for (var i = 0; i < items.length; i++) {
        var it = items[i];
        var kv = undefined;
        if (seen) {
          kv = key === '*this' ? it : (it !== null && typeof it === 'object' ? it[key] : undefined);
          var ks = typeof kv + ':' + String(kv);
          // A property name over primitives (the common wx:key="index") keys nothing: DevTools says nothing either.
          if (kv === undefined && it !== null && typeof it === 'object') once('wxml-for-key-missing', place, place + ': wx:key="' + key + '" is missing in item ' + i + ' of ' + xat(X, idx)[2]);
          else if (kv !== undefined && seen[ks]) once('wxml-for-key-duplicate', place, place + ': wx:key="' + key + '" has the duplicate value ' + JSON.stringify(kv) + ' in ' + xat(X, idx)[2] + ' (DevTools: "Do not set same key")');
          seen[ks] = true;
        }
        if (!memo) { fn(it, keys ? keys[i] : i); continue; }
        // Kept per index (k: the key, it: the item, n: its node, nodes or null), updated in place: index i is
        // read, then written. (Items sharing a key are matched by their key's first node: reconcile rebuilds
        // a kept node that a full render would not match with itself.)
        if (valid && i < kept.it.length && kept.k[i] === kv && !(inPlace !== undefined && inPlace[i] > ctx.prev) &&
            (kept.it[i] === it || same(kept.it[i], it))) {
          // Equal: the view's list takes back the item the nodes were built from (their attributes hold it), so
          // one copy stays alive, and the next render finds it by identity.
          items[i] = kept.it[i];
          var kn = kept.n[i];
          if (Array.isArray(kn)) for (var q = 0; q < kn.length; q++) out.push(kn[q]);
          else if (kn !== null) out.push(kn);
          ctx.reused++;
          continue;
        }
        var start = out.length, nerr = R.nerr;
        fn(it, i);
        ctx.built++;
        var made = out.length - start;
        var ok = R.nerr === nerr;
        kept.k[i] = ok ? kv : NONE;
        kept.it[i] = it;
        kept.n[i] = !ok || made === 0 ? null : made === 1 ? out[start] : out.slice(start);
      }
      if (memo) { kept.k.length = kept.it.length = kept.n.length = items.length; ctx.ms[kL] = ctx.cur; }
    },
    tpl: function (F, T, name, data, out, ctx) {
      var t = T[name];
      if (!t) {
        var c = compiled[F];
        var imps = c ? c.imports : [];
        for (var i = 0; i < imps.length && !t; i++) {
          var f = template(imps[i]);
          if (f) t = f.templates[name];
        }
      }
      if (!t) {
        once('wxml-template-not-found', F + name, F + ': <template is="' + name + '"> is not defined in the file or its imports');
        return;
      }
      t(data && typeof data === 'object' ? data : {}, out, ctx);
    },
    include: function (path, s, out, ctx) {
      var f = template(path);
      if (!f) { once('wxml-include-not-found', path, '<include src> ' + path + ' does not exist'); return; }
      f.render(s, out, ctx);
    },
    wxs: function (id) { return wxsModule(id); },
  };

  function wxsModule(id) {
    if (id in wxsCache) return wxsCache[id];
    if (!wxsDefs[id] && !vhost.source(id)) throw new Error('WXS module ' + id + ' does not exist');
    var module = { exports: {} };
    wxsCache[id] = module.exports;
    var req = function (p) {
      var base = id.split('#')[0].split('/'); base.pop();
      var parts = (p.charAt(0) === '/' ? p.slice(1).split('/') : base.concat(p.split('/')));
      var out = [];
      parts.forEach(function (x) { if (x === '..') out.pop(); else if (x !== '.' && x !== '') out.push(x); });
      var target = out.join('/');
      if (!/\.wxs$/.test(target)) target += '.wxs';
      return wxsModule(target);
    };
    var getRegExp = function (pattern, flags) { return new RegExp(pattern, flags); };
    var getDate = function () {
      var a = Array.prototype.slice.call(arguments);
      return a.length ? new (Function.prototype.bind.apply(Date, [null].concat(a)))() : new Date();
    };
    wxsDefs[id](module, module.exports, req, getRegExp, getDate);  // the logic layer's names stay undefined
    wxsCache[id] = module.exports;
    return module.exports;
  }

  var V = global.__wxView = {
    def: function (path, factory) { files[path] = factory; },
    defWxs: function (id, fn) { wxsDefs[id] = fn; },
  };
