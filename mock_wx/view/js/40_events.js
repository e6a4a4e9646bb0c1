  /* wxsim view layer, part 4 of 4 (events and the test API): the composed tree (slots filled, shadow trees
   * inside their hosts), event dispatch with capture and bubble phases across component boundaries
   * (docs/view-fidelity.md §4), built-in component behaviour, and what Python asks of the view. */

  var BUBBLES = { touchstart: 1, touchmove: 1, touchcancel: 1, touchend: 1, tap: 1, longpress: 1, longtap: 1,
    transitionend: 1, animationstart: 1, animationiteration: 1, animationend: 1, touchforcechange: 1 };

  /* Children as the user sees them: a host shows its component's tree, a <slot> the host's children. */
  function kids(n) { return expand(n.inst && n.inst.alive ? n.inst.tree : n.c); }
  function expand(list) {
    var hasSlot = false;
    for (var i = 0; i < list.length; i++) if (typeof list[i] !== 'string' && list[i].t === 'slot') { hasSlot = true; break; }
    if (!hasSlot) return list;
    var out = [];
    list.forEach(function (n) {
      if (typeof n === 'string' || n.t !== 'slot') { out.push(n); return; }
      slotted(n).forEach(function (x) { out.push(x); });
    });
    return out;
  }
  function slotted(slotNode) {
    var C = slotNode.o;
    if (!C || !C.host) return [];
    var multiple = C.def && C.def.options && C.def.options.multipleSlots;
    var name = multiple ? String(slotNode.a.name || '') : '';
    var light = C.host.c.filter(function (x) {
      if (!multiple) return true;
      var s = typeof x === 'string' ? '' : String(x.a.slot || '');
      return s === name;
    });
    return expand(light);
  }

  function pathTo(pageO, id) {
    var path = [];
    function dfs(list) {
      for (var i = 0; i < list.length; i++) {
        var n = list[i];
        if (typeof n === 'string') continue;
        path.push(n);
        if (n.id === id || dfs(kids(n))) return true;
        path.pop();
      }
      return false;
    }
    return dfs(expand(pageO.tree)) ? path : null;
  }

  function targetInfo(n) {
    return { id: n.a.id !== undefined && n.a.id !== null ? String(n.a.id) : '', dataset: dataset(n.a),
      offsetLeft: 0, offsetTop: 0 };
  }
  function ancestorOwner(A, B) {
    // Is A the owner of B's host, or further out (B's template sits inside A's)?
    for (var x = B; x; x = x.parent) if (x === A) return true;
    return false;
  }

  /* Dispatch along `path` (root … target). Returns what ran and what was missing. */
  function dispatch(pageO, path, type, detail, opts) {
    var target = path[path.length - 1];
    var res = { handled: [], missing: [], value: undefined, stopped: false };
    var bubbles = opts.bubbles !== undefined ? opts.bubbles : !!BUBBLES[type];
    var composed = opts.composed !== undefined ? opts.composed : true;
    var nodes = composed ? path : path.filter(function (n) { return n.o === target.o; });
    var marks = {};
    for (var i = 0; i < nodes.length; i++) {
      var mk = nodes[i].m;
      if (mk) Object.keys(mk).forEach(function (k) { if (!(k in marks) || true) marks[k] = mk[k]; });
    }
    var now = host.now();
    var base = { type: type, timeStamp: Math.max(0, Math.round(now - (pageO.openedAt || now))), detail: detail,
      touches: opts.touches || [], changedTouches: opts.touches || [], mark: marks };
    var mutDone = false;
    function run(n, flags) {
      var list = n.e;
      if (!list) return false;
      var stop = false;
      for (var j = 0; j < list.length; j++) {
        var b = list[j];
        if (b[0] !== type) continue;
        var capture = b[1].indexOf('c') >= 0;
        if (capture !== flags.capture) continue;
        var isMut = b[1].indexOf('m') >= 0, isCatch = b[1].indexOf('k') >= 0;
        if (isMut && mutDone) continue;
        var handler = b[2];
        if (isMut) mutDone = true;
        if (isCatch) stop = true;
        if (handler === '' || handler === null || handler === undefined) continue;
        call(n, handler, isMut);
      }
      return stop;
    }
    function call(n, handler, isMut) {
      var owner = n.o;
      // target as this handler's tree sees it: inside a component it is retargeted to the host.
      var t = target;
      if (!(t.o === owner || ancestorOwner(t.o, owner))) {
        for (var k = path.length - 1; k >= 0; k--) if (path[k].o === owner) { t = path[k]; break; }
      }
      var ev = {};
      Object.keys(base).forEach(function (k) { ev[k] = base[k]; });
      ev.target = targetInfo(t);
      ev.currentTarget = targetInfo(n);
      ev.mut = isMut || mutDone;
      var inst = owner.inst;
      var fn = typeof handler === 'function' ? handler : inst[handler];
      if (typeof fn !== 'function') {
        var kind = owner.kind === 'page' ? 'Page' : 'Component';
        res.missing.push(kind === 'Page'
          ? 'Component "' + owner.path + '" does not have a method "' + handler + '" to handle event "' + type + '".'
          : 'Component "' + owner.path + '" does not have a method "' + handler + '" to handle event "' + type + '".');
        return;
      }
      res.handled.push((owner.kind === 'page' ? owner.path : owner.path) + '.' + (typeof handler === 'string' ? handler : '<wxs>'));
      var v = rt.withPage(pageO.pageId, function () {
        try { return fn.call(inst, ev); } catch (e) { rt.reportError(e, owner.path + '.' + handler); return undefined; }
      });
      if (v !== undefined) res.value = v;
    }
    // capture phase: root → target; capture-catch stops everything. A component's triggerEvent has one
    // only with capturePhase: true (view-fidelity §3.12).
    for (var c = 0; opts.capture !== false && c < nodes.length; c++) {
      if (run(nodes[c], { capture: true })) { res.stopped = true; return res; }
    }
    // bubble phase: target → root (only the target when the event does not bubble)
    for (var u = nodes.length - 1; u >= 0; u--) {
      if (nodes[u] !== target && !bubbles) break;
      if (run(nodes[u], { capture: false })) { res.stopped = true; break; }
    }
    return res;
  }

  function triggerEvent(O, name, detail, options) {
    var hostNode = O.host;
    if (!hostNode) return;  // a component used as a page has no host
    var path = pathTo(O.page, hostNode.id);
    if (!path) return;
    var res = dispatch(O.page, path, name, detail === undefined ? {} : detail,
      { bubbles: !!options.bubbles, composed: !!options.composed, capture: !!options.capturePhase });
    res.missing.forEach(function (m) { once('missing-handler', m, m); });
  }

  /* Simple selectors for selectComponent: tag, #id, .class, [attr], with descendant and child combinators. */
  function parseSelector(sel) {
    return String(sel).split(',').map(function (one) {
      var steps = [];
      var comb = ' ';
      one.trim().replace(/\s*>\s*/g, ' > ').split(/\s+/).forEach(function (tok) {
        if (tok === '>') { comb = '>'; return; }
        var c = { comb: comb, tag: null, id: null, cls: [] };
        tok.replace(/([#.]?)([\w-]+)/g, function (m, p, name) {
          if (p === '#') c.id = name; else if (p === '.') c.cls.push(name); else c.tag = name;
          return m;
        });
        steps.push(c);
        comb = ' ';
      });
      return steps;
    });
  }
  function matchCompound(n, c) {
    if (c.tag && n.t !== c.tag) return false;
    if (c.id && String(n.a.id) !== c.id) return false;
    var cls = String(n.a['class'] || '').split(/\s+/);
    for (var i = 0; i < c.cls.length; i++) if (cls.indexOf(c.cls[i]) < 0) return false;
    return true;
  }
  function matchSteps(n, ancestors, steps) {
    var i = steps.length - 1;
    if (!matchCompound(n, steps[i])) return false;
    var a = ancestors.length - 1;
    while (i > 0) {
      var comb = steps[i].comb;
      i--;
      if (comb === '>') { if (a < 0 || !matchCompound(ancestors[a], steps[i])) return false; a--; }
      else { while (a >= 0 && !matchCompound(ancestors[a], steps[i])) a--; if (a < 0) return false; a--; }
    }
    return true;
  }
  function selectComponents(O, sel, first) {
    upToDate();
    var groups = parseSelector(sel);
    var out = [];
    (function walk(list, anc) {
      for (var i = 0; i < list.length; i++) {
        var n = list[i];
        if (typeof n === 'string') continue;
        if (n.inst && n.inst.alive && groups.some(function (g) { return matchSteps(n, anc, g); })) {
          out.push(n.inst);
          if (first) return;
        }
        anc.push(n); walk(n.c, anc); anc.pop();
        if (first && out.length) return;
      }
    })(O.tree, []);
    return out;
  }

  /* wx.createSelectorQuery() (optionally .in(component)): the nodes each selector matches in that page's or
   * component's tree (`>>>` goes into components), as {id, dataset}; Python adds the layout boxes. */
  function queryOwner(O, sel) {
    var parts = String(sel).split('>>>');
    var owners = [O];
    var found = [];
    for (var p = 0; p < parts.length; p++) {
      var groups = parseSelector(parts[p].trim());
      found = [];
      owners.forEach(function (X) {
        (function walk(list, anc) {
          for (var i = 0; i < list.length; i++) {
            var n = list[i];
            if (typeof n === 'string') continue;
            if (groups.some(function (g) { return matchSteps(n, anc, g); })) found.push(n);
            anc.push(n); walk(n.c, anc); anc.pop();
          }
        })(X.tree, []);
      });
      if (p < parts.length - 1) owners = found.filter(function (n) { return n.inst && n.inst.alive; }).map(function (n) { return n.inst; });
    }
    return found;
  }
  function selectorMatches(queue, scope, pageId) {
    var O = scope && scope.__wxOwner ? scope.__wxOwner : pageOwners[pageId];
    if (!O || !O.page.tpl) return;  // a page without WXML has no view to consult: boxes stay made up
    fresh(O.page);
    queue.forEach(function (item) {
      if (item.selector === 'viewport') return;
      var nodes = queryOwner(O, item.selector);
      item.matches = (item.all ? nodes : nodes.slice(0, 1)).map(function (n) { return targetInfo(n); });
    });
  }

  /* ---------------- the rendered tree for Python (selectors, text, screenshots) ---------------- */
  function snap(list, out) {
    for (var i = 0; i < list.length; i++) {
      var n = list[i];
      if (typeof n === 'string') { out.push(n); continue; }
      var C = n.inst && n.inst.alive ? n.inst : null;
      var attrs = {};
      var a = n.a;
      Object.keys(a).forEach(function (k) { var v = a[k]; if (v !== undefined && typeof v !== 'function') attrs[k] = v; });
      if (n.st && n.st.v !== undefined) attrs[n.t === 'switch' || n.t === 'checkbox' || n.t === 'radio' ? 'checked' : (n.t === 'swiper' ? 'current' : (n.t === 'scroll-view' ? 'scroll-top' : 'value'))] = n.st.v;
      var O = n.o;
      if (O.kind === 'component' && O.def.externalClasses.length && typeof attrs['class'] === 'string') {
        attrs['class'] = attrs['class'].split(/\s+/).map(function (c) {
          if (O.def.externalClasses.indexOf(c) < 0) return c;
          var passed = O.host.a[c];
          return passed === undefined ? '' : String(passed);
        }).join(' ').trim();
      }
      var meta = { i: n.id, o: O.id };
      if (C) { meta.c = C.id; meta.p = C.path; if (C.def.options && C.def.options.virtualHost) meta.v = 1; }
      if (n.e) meta.e = n.e.map(function (b) { return b[0]; });
      var ch = [];
      snap(kids(n), ch);
      out.push([n.t, attrs, ch, meta]);
    }
    return out;
  }

  function pageOf(id) {
    var O = pageOwners[id];
    if (!O) throw new Error('page ' + id + ' has no rendered view (unloaded?)');
    return O;
  }
  function nodePath(pageO, nid) {
    var path = pathTo(pageO, nid);
    if (!path) throw new Error('element ' + nid + ' is no longer on the page');
    return path;
  }

  /* Built-in behaviour after a tap: form buttons, navigators, checkboxes, radios, switches, open-type. */
  function nearest(path, tag) { for (var i = path.length - 1; i >= 0; i--) if (path[i].t === tag) return path[i]; return null; }
  function isDisabled(n) { var d = n.a.disabled; return d === true || (d !== undefined && d !== false && d !== 'false' && d !== null && d !== ''); }
  function formValues(form) {
    var value = {};
    (function walk(list) {
      for (var i = 0; i < list.length; i++) {
        var n = list[i];
        if (typeof n === 'string') continue;
        var name = n.a.name;
        if (n.inst && n.inst.alive && n.inst.def.behaviors.indexOf(FORM_FIELD) >= 0) {
          var d = n.inst.inst.data;
          if (d.name) value[d.name] = d.value;
          continue;
        }
        if (name !== undefined && name !== '') {
          if (n.t === 'checkbox-group') { value[name] = checkedValues(n); continue; }
          if (n.t === 'radio-group') { var r = checkedValues(n); value[name] = r.length ? r[0] : ''; continue; }
          if (n.st) { value[name] = n.st.v; continue; }
        }
        walk(kids(n));
      }
    })(kids(form));
    return value;
  }
  function checkedValues(group) {
    var vals = [];
    (function walk(list) {
      list.forEach(function (n) {
        if (typeof n === 'string') return;
        if ((n.t === 'checkbox' || n.t === 'radio') && n.st && n.st.v) vals.push(n.a.value === undefined ? '' : n.a.value);
        walk(kids(n));
      });
    })(kids(group));
    return vals;
  }
  function controls(group, tag) {
    var out = [];
    (function walk(list) { list.forEach(function (n) { if (typeof n === 'string') return; if (n.t === tag) out.push(n); walk(kids(n)); }); })(kids(group));
    return out;
  }
  function fire(pageO, n, type, detail) {
    var res = dispatch(pageO, nodePath(pageO, n.id), type, detail, { bubbles: false });
    return res;
  }
  function merge(into, res) {
    into.handled = into.handled.concat(res.handled);
    into.missing = into.missing.concat(res.missing);
    if (res.value !== undefined) into.value = res.value;
  }
  function afterTap(pageO, path, res) {
    var target = path[path.length - 1];
    var button = nearest(path, 'button');
    if (button && !isDisabled(button)) {
      var ft = button.a['form-type'];
      if (ft === 'submit' || ft === 'reset') {
        var form = nearest(path, 'form');
        if (form) {
          if (ft === 'submit') merge(res, fire(pageO, form, 'submit', { value: formValues(form), target: targetInfo(form) }));
          else {
            (function reset(list) { list.forEach(function (n) { if (typeof n === 'string') return; if (n.st) { n.st.v = n.st.last !== undefined ? n.st.last : n.st.v; } reset(kids(n)); }); })(kids(form));
            version++;
            merge(res, fire(pageO, form, 'reset', {}));
          }
        }
      }
      var ot = button.a['open-type'];
      if (ot) res.openType = { type: String(ot), nid: button.id, dataset: dataset(button.a), id: targetInfo(button).id };
    }
    var nav = nearest(path, 'navigator');
    if (nav && !isDisabled(nav)) res.navigate = { openType: String(nav.a['open-type'] || 'navigate'), url: nav.a.url, delta: nav.a.delta, target: nav.a.target, appId: nav.a['app-id'] };
    var cb = nearest(path, 'checkbox');
    if (cb && !isDisabled(cb)) {
      cb.st.v = !cb.st.v; version++;
      var cg = nearest(path, 'checkbox-group');
      if (cg) merge(res, fire(pageO, cg, 'change', { value: checkedValues(cg) }));
    }
    var radio = nearest(path, 'radio');
    if (radio && !isDisabled(radio) && !radio.st.v) {
      var rg = nearest(path, 'radio-group');
      if (rg) controls(rg, 'radio').forEach(function (r) { r.st.v = false; });
      radio.st.v = true; version++;
      if (rg) merge(res, fire(pageO, rg, 'change', { value: radio.a.value === undefined ? '' : radio.a.value }));
    }
    var sw = nearest(path, 'switch');
    if (sw && !isDisabled(sw) && sw === target) {
      sw.st.v = !sw.st.v; version++;
      merge(res, fire(pageO, sw, 'change', { value: !!sw.st.v }));
    }
  }

  function navigateFrom(nav) {
    var w = rt.wx;
    var url = nav.url;
    switch (nav.openType) {
      case 'redirect': return w.redirectTo({ url: url });
      case 'switchTab': return w.switchTab({ url: url });
      case 'reLaunch': return w.reLaunch({ url: url });
      case 'navigateBack': return w.navigateBack({ delta: Number(nav.delta) || 1 });
      case 'exit': return undefined;
      default:
        if (nav.target === 'miniProgram') return w.navigateToMiniProgram({ appId: nav.appId || '', path: url || '' });
        return w.navigateTo({ url: url });
    }
  }

  function result(res) {
    var out = { handled: res.handled, missing: res.missing, stopped: res.stopped, openType: res.openType || null };
    out.value = typeof res.value === 'string' || typeof res.value === 'number' ? res.value : null;
    return JSON.stringify(out);
  }

  V.version = function () { return version; };
  V.render = function (pageId) { fresh(pageOf(pageId)); return version; };  // bring the tree up to date now
  /* Render every page left stale (the rig does this when a test's action settles, so what a render
   * reports, findings and errors, comes with the action that caused it). Returns how many rendered. */
  V.renderStale = function () {
    if (!staleCount && !dirty.length) return 0;
    var n = 0;
    Object.keys(pageOwners).forEach(function (id) {
      var O = pageOwners[id];
      var before = version;
      fresh(O);
      if (version !== before) n++;
    });
    return n;
  };
  V.snapshot = function (pageId) {
    var pageO = pageOf(pageId);
    fresh(pageO);
    return JSON.stringify(snap(expand(pageO.tree), []));
  };
  V.dispatch = function (pageId, nid, type, detailJson, optsJson) {
    var pageO = pageOf(pageId);
    fresh(pageO);
    var path = nodePath(pageO, nid);
    var opts = JSON.parse(optsJson || '{}');
    var res = dispatch(pageO, path, type, JSON.parse(detailJson), opts);
    if (type === 'tap' && !opts.noDefault) {
      afterTap(pageO, path, res);
      if (res.navigate && res.navigate.url !== undefined || (res.navigate && res.navigate.openType === 'navigateBack')) navigateFrom(res.navigate);
    }
    res.missing.forEach(function (m) { once('missing-handler', m, m); });
    return result(res);
  };
  /* Form components driven by the test: the value changes, then its event (which does not bubble). */
  V.setValue = function (pageId, nid, type, valueJson, detailJson) {
    var pageO = pageOf(pageId);
    fresh(pageO);
    var path = nodePath(pageO, nid);
    var n = path[path.length - 1];
    var value = JSON.parse(valueJson);
    if (n.st) n.st.v = value;
    version++;
    var res = dispatch(pageO, path, type, JSON.parse(detailJson), { bubbles: false });
    if (type === 'input' && n.st && res.value !== undefined && res.value !== null) n.st.v = String(res.value);  // a returned value replaces the text
    res.missing.forEach(function (m) { once('missing-handler', m, m); });
    return result(res);
  };
  V.component = function (ownerId) {
    var O = owners[ownerId];
    if (!O || !O.alive) throw new Error('component instance ' + ownerId + ' is no longer on the page');
    return O;
  };
  V.componentData = function (ownerId) { return JSON.stringify(V.component(ownerId).inst.data); };
  V.componentSetData = function (ownerId, json) { var O = V.component(ownerId); O.inst.setData(JSON.parse(json)); return true; };
  V.componentCall = function (ownerId, name, argsJson) {
    var O = V.component(ownerId);
    var fn = O.inst[name];
    if (typeof fn !== 'function') throw new Error('component ' + O.path + ' has no method "' + name + '"');
    var v = rt.withPage(O.page.pageId, function () { return fn.apply(O.inst, JSON.parse(argsJson)); });
    return v && typeof v.then === 'function' ? null : JSON.stringify(v === undefined ? null : v);
  };
  V.pageOwner = function (pageId) { var O = pageOwners[pageId]; return O ? O.id : 0; };
  V.incremental = function (on) { INCR = !!on; return INCR; };
  // Sites of an owner's template built and reused since it was created (tests count incremental rendering).
  V.siteCounts = function (ownerId) { var O = owners[ownerId]; return O ? JSON.stringify({ built: O.ctx.built, reused: O.ctx.reused }) : 'null'; };

  rt.setView(api);  // last: the runtime may hand over pages opened before the view booted
})(globalThis);
