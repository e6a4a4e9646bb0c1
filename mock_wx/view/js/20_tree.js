  /* wxsim view layer, part 2 of 4 (tree): owners (a page or a component instance and the tree its template
   * renders), rendering, and reconciling a new render with the previous one so that nodes keep their ids,
   * built-in components their state and custom components their instances (matched by wx:key, else by
   * position and tag: docs/view-fidelity.md §3.3). */

  // What JSON carries: a function (or undefined) becomes undefined instead of failing JSON.parse.
  function jsonCopy(v) { var s = JSON.stringify(v); return s === undefined ? undefined : JSON.parse(s); }

  function newOwner(kind, inst, path, using, page) {
    var O = { id: nextOwner++, kind: kind, inst: inst, path: path, using: using || {}, page: null, tree: [],
      vdata: {}, dirty: false, alive: true, host: null, parent: null, def: null, ctx: null, ready: false,
      pure: null, created: [], stale: false, staleComps: 0 };
    O.page = page || O;
    // The render context: the owner, and what incremental rendering keeps (10_render.js R.valid).
    // chg, chp, cha, chi: root name -> the next render's number once it changed (at all; through a setData
    // path; through a path not into one item of it; through a path into item [i]: chi[root][i]).
    O.ctx = { owner: O, m: null, ms: null, chg: null, chp: null, cha: null, chi: null, all: 1, prev: 0, cur: 0,
      reset: false, built: 0, reused: 0 };
    owners[O.id] = O;
    return O;
  }

  /* An eager owner (its tree feeds components, page-meta or image events: bundle.py `_eager`) renders at the
   * next flush; a lazy one only when its tree is read (`fresh`), so a setData nobody looks at costs nothing. */
  var staleCount = 0;   // lazy owners waiting for a render (renderStale answers at once when 0)
  function markDirty(O) {
    if (!O.alive) return;
    if (!O.eager) {
      if (!O.stale) { O.stale = true; staleCount++; if (O.kind === 'component') O.page.staleComps++; }
      version++;
      return;
    }
    if (!O.dirty) { O.dirty = true; dirty.push(O); }
  }
  function renderLazy(O) {
    if (O.stale) { O.stale = false; staleCount--; if (O.kind === 'component') O.page.staleComps--; }
    render(O);
  }
  function fresh(pageO) {
    if (pageO.stale) { renderLazy(pageO); attachCreated(pageO); }
    flush();
    if (!pageO.staleComps) return;
    (function walk(list) {
      for (var i = 0; i < list.length; i++) {
        var n = list[i];
        if (typeof n === 'string') continue;
        var C = n.inst;
        if (C && C.alive) {
          if (C.stale) renderLazy(C);
          walk(C.tree);
        }
        walk(n.c);
      }
    })(pageO.tree);
  }

  /* The view's own copy of the data, as JSON carries it (functions and undefined dropped), kept up to date
   * with each setData payload (not with in-place changes to this.data, which the platform does not see). */
  function applyPayload(O, copy) {
    Object.keys(copy).forEach(function (k) {
      if (O.pure && O.pure.test(String(k).split(/[.[]/)[0])) return;  // pure data fields never reach the view
      setPathIn(O.vdata, k, copy[k]);
    });
  }
  /* An eager owner's setData: `copy` is the logic layer's (its objects become this.data's), `json` the payload.
   * A root name set to what the view has already (a refresh bringing the same list) changes nothing; the
   * view takes primitives from `copy` and its own parse of `json` for objects (parsed only when one changed). */
  function applyChanges(O, json, copy) {
    var keys = Object.keys(copy), parsed = null;
    // Observers ran already and may have changed this.data, so `copy`, in place: then only the payload counts.
    if (O.def && O.def.observers.length) copy = parsed = JSON.parse(json);
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (O.pure && O.pure.test(String(k).split(/[.[]/)[0])) continue;  // pure data fields never reach the view
      var v = copy[k];
      if (k.indexOf('.') < 0 && k.indexOf('[') < 0 && same(O.vdata[k], v)) continue;
      touched(O, k);
      if (v !== null && typeof v === 'object') { if (parsed === null) parsed = JSON.parse(json); v = parsed[k]; }
      setPathIn(O.vdata, k, v);
    }
  }
  function setPathIn(obj, key, value) {
    key = String(key);
    if (key.indexOf('.') < 0 && key.indexOf('[') < 0) { obj[key] = value; return; }  // a plain key: no regex
    // Copy on write along the path: every object the path goes through is a new one, so whoever holds the
    // old one (a component property given `{{list}}`, a kept loop item) sees a change by identity, and the
    // objects the path does not touch stay the same.
    var parts = rt.parsePath(key);
    var cur = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var p = parts[i], next = cur[p];
      if (next === null || typeof next !== 'object') next = typeof parts[i + 1] === 'number' ? [] : {};
      else next = Array.isArray(next) ? next.slice() : Object.assign({}, next);
      cur[p] = next;
      cur = next;
    }
    cur[parts[parts.length - 1]] = value;
  }
  function viewData(O, data) {
    var d = jsonCopy(data) || {};
    if (O.pure) Object.keys(d).forEach(function (k) { if (O.pure.test(k)) delete d[k]; });
    return d;
  }

  var rendering = 0;
  /* What a setData key changed for the next render of O (see R.valid, R.each): its root name; for a path, that
   * it went inside, and into which item (`list[2].t`: item 2 of list). */
  function touched(O, key) {
    var c = O.ctx;
    if (c.m === null) return;  // nothing kept (no render yet, which is full, or no site): nothing to track
    key = String(key);
    var end = key.length;
    for (var i = 0; i < key.length; i++) { var ch = key.charCodeAt(i); if (ch === 46 || ch === 91) { end = i; break; } }  // . [
    if (!c.chg) c.chg = Object.create(null);
    var next = c.prev + 1;
    if (end === key.length) { c.chg[key] = next; return; }
    var root = key.slice(0, end);
    c.chg[root] = next;
    (c.chp || (c.chp = Object.create(null)))[root] = next;
    var close = key.charCodeAt(end) === 91 ? key.indexOf(']', end) : -1;
    var item = close > end + 1 ? key.slice(end + 1, close).trim() : '';
    if (/^\d+$/.test(item)) {
      var chi = c.chi || (c.chi = Object.create(null));
      (chi[root] || (chi[root] = Object.create(null)))[Number(item)] = next;
    } else (c.cha || (c.cha = Object.create(null)))[root] = next;
  }

  function render(O) {
    O.dirty = false;
    if (O.payloads) catchUp(O);
    var tpl = O.tpl;
    var out = [];
    var c = O.ctx;
    c.cur = c.prev + 1;
    if (tpl && tpl.sites && c.m === null) {
      c.m = new Array(tpl.sites); c.ms = new Array(tpl.sites);
      if (!c.chg) c.chg = Object.create(null);
    }
    rendering++;
    try {
      if (tpl) tpl.render(O.vdata, out, c, c.m !== null && INCR);
      if (O.tabBar) out.push({ t: 'custom-tab-bar', a: {}, e: null, m: null, c: [], k: null, o: O, id: 0, cp: O.tabBar,
        inst: null, st: null, g: 0 });  // the fields of R.el's nodes, in its order
      O.tree = reconcile(O.tree, out, O);
    } finally { rendering--; }
    c.prev = c.cur;
    if (c.reset) { c.reset = false; c.all = c.prev + 1; }  // reconcile could not keep a reused node as is: rebuild all next time
    if (O.kind === 'page' && out.length && out[0].t === 'page-meta') pageMeta(O, out[0]);
    version++;
  }

  /* A reused node (incremental rendering) that a full render would not have matched with itself (the
   * siblings before it changed, so it sits at another position): it becomes what that render would have
   * built, a node never reconciled, with fresh copies of its descendants. */
  function unreconciled(n) {
    var kids = n.c;
    if (kids.length) {
      kids = kids.slice();
      for (var i = 0; i < kids.length; i++) if (typeof kids[i] !== 'string') kids[i] = unreconciled(kids[i]);
    }
    var cp = n.o.using[n.t];
    return { t: n.t, a: n.a, e: n.e, m: n.m, c: kids, k: n.k, o: n.o, id: 0, cp: cp === undefined ? null : cp,
      inst: null, st: null, g: 0 };
  }

  /* Match the new children against the old: same wx:key (and tag), else the same position (and tag).
   * `g` marks old nodes already matched in this pass (a counter, not a property added and deleted: that
   * would change the objects' shapes on every render). */
  var epoch = 0;
  function reconcile(old, next, O) {
    var g = ++epoch;
    var keyed = null;
    var i, n, m;
    for (i = 0; i < old.length; i++) {
      m = old[i];
      if (typeof m !== 'string' && m.k !== null) {
        if (!keyed) keyed = new Map();
        if (!keyed.has(m.k)) keyed.set(m.k, i);
      }
    }
    for (i = 0; i < next.length; i++) {
      n = next[i];
      if (typeof n === 'string') continue;
      // The old node of n's key (-1: a node before n in this list had that key already: a full render gives
      // n a new node every time, so the next render must not reuse what contains this list: `reset`).
      var at = n.k === null ? undefined : keyed === null ? undefined : keyed.get(n.k);
      if (n.k !== null) {
        if (at === -1) O.ctx.reset = true;
        (keyed || (keyed = new Map())).set(n.k, -1);
      }
      if (n.id !== 0) {
        // Reused from the previous render: nothing to do when a full render would match it with itself
        // (unkeyed: at the same position; keyed: the first old node of its key), as its attributes are the
        // ones it was rendered with. A keyed component that changed place hears `moved`, as it would.
        if (n.g !== g) {
          if (n.k === null) {
            if (old[i] === n) { n.g = g; continue; }
          } else if (at !== undefined && at !== -1 && old[at] === n) {
            n.g = g;
            if (at !== i && n.inst !== null) life(n.inst, 'moved');
            continue;
          }
        }
        n = next[i] = unreconciled(n);
        O.ctx.reset = true;
      }
      m = null;
      var moved = false;
      if (n.k !== null) {
        if (at !== undefined && at !== -1) {
          m = old[at];
          if (m.t !== n.t || m.g === g) m = null;
          moved = m !== null && at !== i;
        }
      } else if (i < old.length) {
        m = old[i];
        if (typeof m === 'string' || m.t !== n.t || m.k !== null || m.g === g) m = null;
      }
      if (m) {
        m.g = g;
        n.id = m.id;
        n.st = m.st;
        if (n.st !== null && n.st.sync) n.st.sync(n, m);
        n.c = n.c.length || m.c.length ? reconcile(m.c, n.c, O) : n.c;
        // An image whose src changed loads the new picture: load/error again (TDesign's t-image shows its
        // loading mask from a src change until then).
        if (n.t === 'image' && n.e !== null && n.a.src && n.a.src !== m.a.src) newImages.push([O.page, n]);
        if (n.cp !== null && m.inst !== null && m.cp === n.cp) {
          n.inst = m.inst;
          n.inst.host = n;
          propsFromAttrs(n.inst, n, false);
          if (moved) life(n.inst, 'moved');  // a keyed component that changed place among its siblings
        } else {
          if (m.inst !== null) destroyOwner(m.inst);
          if (n.cp !== null) createComponent(n, O);
        }
      } else {
        n.id = nextNode++;
        if (n.c.length) n.c = reconcile([], n.c, O);
        if (n.cp !== null) createComponent(n, O);
        if (n.t === 'image' && n.e !== null && n.a.src) newImages.push([O.page, n]);
      }
      if (n.st === null) { var mk = BUILTIN_STATE[n.t]; if (mk) n.st = mk(n); }
    }
    for (i = 0; i < old.length; i++) {
      m = old[i];
      if (typeof m !== 'string' && m.g !== g) destroyNode(m);
    }
    return next;
  }

  function destroyNode(n) {
    if (n.inst) destroyOwner(n.inst);
    for (var i = 0; i < n.c.length; i++) if (typeof n.c[i] !== 'string') destroyNode(n.c[i]);
  }

  /* Built-in components with state of their own (the text typed into an input, a switch's position…):
   * it follows the attribute until the user changes it, and the attribute again when the page sets it anew. */
  var BUILTIN_STATE = {};
  function attrState(attr, fallback) {
    return function (n) {
      var st = { v: n.a[attr] !== undefined ? n.a[attr] : fallback, last: n.a[attr] };
      st.sync = function (nn, old) {
        var a = nn.a[attr];
        if (JSON.stringify(a) !== JSON.stringify(st.last)) { st.v = a !== undefined ? a : fallback; st.last = a; }
      };
      return st;
    };
  }
  BUILTIN_STATE.input = attrState('value', '');
  BUILTIN_STATE.textarea = attrState('value', '');
  BUILTIN_STATE['switch'] = attrState('checked', false);
  BUILTIN_STATE.checkbox = attrState('checked', false);
  BUILTIN_STATE.radio = attrState('checked', false);
  BUILTIN_STATE.slider = attrState('value', 0);
  BUILTIN_STATE.picker = attrState('value', undefined);
  BUILTIN_STATE['picker-view'] = attrState('value', []);
  BUILTIN_STATE.swiper = attrState('current', 0);
  BUILTIN_STATE['scroll-view'] = attrState('scroll-top', 0);

  /* <page-meta><navigation-bar title=... front-color=... background-color=...>: the bar follows the node,
   * as a setNavigationBarTitle/Color from the page would make it (view-fidelity §3.9). */
  function pageMeta(O, meta) {
    var bar = null;
    meta.c.forEach(function (n) { if (typeof n !== 'string' && n.t === 'navigation-bar') bar = n; });
    if (!bar) return;
    var a = bar.a;
    var title = a.title === undefined ? undefined : String(a.title);
    if (title !== undefined && title !== O.navTitle) { O.navTitle = title; rt.withPage(O.pageId, function () { rt.wx.setNavigationBarTitle({ title: title }); }); }
    var colors = a['front-color'] !== undefined && a['background-color'] !== undefined ? a['front-color'] + '|' + a['background-color'] : null;
    if (colors && colors !== O.navColors) {
      O.navColors = colors;
      rt.withPage(O.pageId, function () { rt.wx.setNavigationBarColor({ frontColor: String(a['front-color']), backgroundColor: String(a['background-color']) }); });
    }
  }

  /* An <image> with bindload/binderror hears how its picture loaded, once, on a zero-delay timer after the
   * render (as it arrives on a phone): a file of the package loads if it exists and fails otherwise; a remote
   * picture "loads" at the platform's default image size, 320×240, as wxsim fetches nothing (view-fidelity
   * §4.3.13). */
  var newImages = [];
  var REMOTE = /^(https?:|\/\/|data:|wxfile:|cloud:|blob:)/;
  function imageResult(pageO, src) {
    src = String(src);
    if (REMOTE.test(src)) return ['load', { width: 320, height: 240 }];
    var base = pageO.path.split('/'); base.pop();
    var parts = src.charAt(0) === '/' ? src.slice(1).split('/') : base.concat(src.split('/'));
    var out = [];
    parts.forEach(function (x) { if (x === '..') out.pop(); else if (x !== '.' && x !== '') out.push(x); });
    if (vhost.exists(out.join('/'))) return ['load', { width: 320, height: 240 }];
    return ['error', { errMsg: 'GET ' + src + ' 404 (Not Found)' }];
  }
  function fireImages() {
    var list = newImages; newImages = [];
    list.forEach(function (item) {
      var pageO = item[0], n = item[1];
      var r = imageResult(pageO, n.a.src);
      if (!n.e.some(function (b) { return b[0] === r[0]; })) return;
      global.setTimeout(function () {
        if (!pageO.alive) return;
        var path = pathTo(pageO, n.id);
        if (!path) return;
        var res = dispatch(pageO, path, r[0], r[1], { bubbles: false });
        res.missing.forEach(function (m) { once('missing-handler', m, m); });
      }, 0);
    });
  }

  /* Bring the trees up to date before a component reads them: on the platform setData updates the
   * component tree at once (only drawing waits for the view thread), so selectComponent() right after a
   * setData, or in a wx.nextTick after it, finds what that data renders (Vant's datetime-picker sets
   * `columns`, then reads the picker's columns). Not from inside a render. */
  function upToDate() { if (!rendering && dirty.length) flush(); }

  function flush() {
    var guard = 0;
    while (dirty.length) {
      var O = dirty.shift();
      if (!O.alive || !O.dirty) continue;
      if (++guard > 10000) throw new Error('wxsim view: renders keep re-triggering each other (over 10000 in one flush)');
      render(O);
      attachCreated(O.page);
    }
    if (newImages.length) fireImages();
  }
