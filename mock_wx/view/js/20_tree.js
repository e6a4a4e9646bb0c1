  /* wxsim view layer, part 2 of 4 (tree): owners (a page or a component instance and the tree its template
   * renders), rendering, and reconciling a new render with the previous one so that nodes keep their ids,
   * built-in components their state and custom components their instances (matched by wx:key, else by
   * position and tag: docs/view-fidelity.md §3.3). */

  // What JSON carries: a function (or undefined) becomes undefined instead of failing JSON.parse.
  function jsonCopy(v) { var s = JSON.stringify(v); return s === undefined ? undefined : JSON.parse(s); }

  function newOwner(kind, inst, path, using, page) {
    var O = { id: nextOwner++, kind: kind, inst: inst, path: path, using: using || {}, page: null, tree: [],
      vdata: {}, dirty: false, alive: true, host: null, parent: null, def: null, ctx: null, ready: false,
      pure: null, created: [] };
    O.page = page || O;
    O.ctx = { owner: O };
    owners[O.id] = O;
    return O;
  }

  function markDirty(O) {
    if (!O.dirty && O.alive) { O.dirty = true; dirty.push(O); }
  }

  /* The view's own copy of the data, as JSON carries it (functions and undefined dropped), kept up to date
   * with each setData payload (not with in-place changes to this.data, which the platform does not see). */
  function applyPayload(O, copy) {
    Object.keys(copy).forEach(function (k) {
      if (O.pure && O.pure.test(String(k).split(/[.[]/)[0])) return;  // pure data fields never reach the view
      setPathIn(O.vdata, k, copy[k]);
    });
  }
  function setPathIn(obj, key, value) {
    var parts = rt.parsePath(key);
    var cur = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var p = parts[i];
      if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = typeof parts[i + 1] === 'number' ? [] : {};
      cur = cur[p];
    }
    cur[parts[parts.length - 1]] = value;
  }
  function viewData(O, data) {
    var d = jsonCopy(data) || {};
    if (O.pure) Object.keys(d).forEach(function (k) { if (O.pure.test(k)) delete d[k]; });
    return d;
  }

  function render(O) {
    O.dirty = false;
    var tpl = O.tpl;
    var out = [];
    if (tpl) tpl.render(O.vdata, out, O.ctx);
    O.tree = reconcile(O.tree, out, O);
    version++;
  }

  /* Match the new children against the old: same wx:key (and tag), else the same position (and tag). */
  function reconcile(old, next, O) {
    var keyed = null, usedKeyed = null;
    for (var j = 0; j < old.length; j++) {
      var on = old[j];
      if (typeof on !== 'string' && on.k !== null) { (keyed = keyed || {})[on.t + '\u0000' + typeof on.k + String(on.k)] = on; }
    }
    var matched = [];
    for (var i = 0; i < next.length; i++) {
      var n = next[i];
      if (typeof n === 'string') continue;
      var m = null;
      if (n.k !== null) {
        var kk = n.t + '\u0000' + typeof n.k + String(n.k);
        if (keyed && keyed[kk] && !(usedKeyed && usedKeyed[kk])) { m = keyed[kk]; (usedKeyed = usedKeyed || {})[kk] = true; }
      } else {
        var cand = old[i];
        if (cand && typeof cand !== 'string' && cand.t === n.t && cand.k === null && !cand.__taken) m = cand;
      }
      if (m) {
        m.__taken = true;
        matched.push(m);
        n.id = m.id;
        n.st = m.st;
        if (n.st && n.st.sync) n.st.sync(n, m);
        n.c = reconcile(m.c, n.c, O);
        if (n.cp && m.inst && m.cp === n.cp) {
          n.inst = m.inst;
          n.inst.host = n;
          updateProps(n.inst, n);
        } else {
          if (m.inst) destroyOwner(m.inst);
          if (n.cp) createComponent(n, O);
        }
      } else {
        n.id = nextNode++;
        n.c = reconcile([], n.c, O);
        if (n.cp) createComponent(n, O);
      }
      if (BUILTIN_STATE[n.t] && !n.st) n.st = BUILTIN_STATE[n.t](n);
    }
    for (var q = 0; q < old.length; q++) {
      var o = old[q];
      if (typeof o === 'string') continue;
      if (o.__taken) { delete o.__taken; continue; }
      destroyNode(o);
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

  function flush() {
    var guard = 0;
    while (dirty.length) {
      var O = dirty.shift();
      if (!O.alive || !O.dirty) continue;
      if (++guard > 10000) throw new Error('wxsim view: renders keep re-triggering each other (over 10000 in one flush)');
      render(O);
      attachCreated(O.page);
    }
  }
