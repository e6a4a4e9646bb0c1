  /* wxsim view layer, part 3 of 4 (components): Component() definitions, instances, properties, observers,
   * lifetimes, behaviors, relations (docs/view-fidelity.md §3). Component JS runs in this logic realm. */

  var compDefs = {};   // component path -> normalised definition
  var defining = null;

  var api = {
    defining: null,
    define: function (def) { defining = def; },
    changed: function (self, json, copy) { changedData(self, json, copy); },
    flush: function () { flush(); },
    pageCreated: function (id, page, ready) { pageCreated(id, page, ready); },
    pageHook: function (id, name, arg) { pageHook(id, name, arg); },
    pageUnloaded: function (id) { var O = pageOwners[id]; if (O) { destroyOwner(O); delete pageOwners[id]; } },
    componentPage: function (def, query) { return componentPage(def, query); },
    selectorMatches: function (queue, scope, pageId) { selectorMatches(queue, scope, pageId); },
  };

  var FORM_FIELD = 'wx://form-field', EXPORT = 'wx://component-export';
  var TYPE_DEFAULT = { String: '', Number: 0, Boolean: false, Object: null, Array: [], null: null };
  function typeName(t) {
    if (t === String) return 'String'; if (t === Number) return 'Number'; if (t === Boolean) return 'Boolean';
    if (t === Object) return 'Object'; if (t === Array) return 'Array'; return 'null';
  }

  /* Flatten behaviors into one definition (behaviors first, the component's own fields win). */
  function normalise(def) {
    var out = { properties: {}, data: {}, methods: {}, lifetimes: {}, pageLifetimes: {}, observers: [],
      relations: {}, externalClasses: [], options: def.options || {}, behaviors: [], life: [] };
    function mergeOne(d, isBehavior) {
      (d.behaviors || []).forEach(function (b) {
        if (typeof b === 'string') { out.behaviors.push(b); if (b === FORM_FIELD) { out.properties.name = { type: 'String', value: '' }; out.properties.value = { type: 'null', value: null }; } return; }
        if (b && typeof b === 'object') { out.behaviors.push(b); mergeOne(b, true); }
      });
      var props = d.properties || {};
      Object.keys(props).forEach(function (k) {
        var p = props[k];
        var spec = (typeof p === 'function' || p === null) ? { type: typeName(p), value: undefined } :
          { type: typeName(p.type), value: p.value, observer: p.observer, optionalTypes: p.optionalTypes };
        if (spec.value === undefined) spec.value = jsonCopy(TYPE_DEFAULT[spec.type]);
        out.properties[k] = spec;
      });
      var data = typeof d.data === 'function' ? d.data() : d.data;
      Object.keys(data || {}).forEach(function (k) { out.data[k] = data[k]; });
      Object.keys(d.methods || {}).forEach(function (k) { out.methods[k] = d.methods[k]; });
      var lt = d.lifetimes || {};
      ['created', 'attached', 'ready', 'moved', 'detached', 'error'].forEach(function (k) {
        var f = lt[k] || d[k];  // `lifetimes` wins over the old top-level keys
        if (typeof f === 'function') out.life.push([k, f]);
      });
      var pl = d.pageLifetimes || {};
      Object.keys(pl).forEach(function (k) { (out.pageLifetimes[k] = out.pageLifetimes[k] || []).push(pl[k]); });
      var obs = d.observers || {};
      Object.keys(obs).forEach(function (k) {
        out.observers.push({ fields: k.split(',').map(function (f) { return f.trim(); }), fn: obs[k] });
      });
      Object.keys(d.relations || {}).forEach(function (k) { out.relations[k] = d.relations[k]; });
      // One class as a bare string (weapp-mark's PreImage) is accepted as a list of one.
      var ext = typeof d.externalClasses === 'string' ? [d.externalClasses] : d.externalClasses;
      (Array.isArray(ext) ? ext : []).forEach(function (c) { if (out.externalClasses.indexOf(c) < 0) out.externalClasses.push(c); });
      // A behavior's definitionFilter is not applied (view-fidelity §3.6).
      if (!isBehavior) out.export = d.export;
    }
    mergeOne(def, false);
    return out;
  }

  function componentDef(path) {
    var d = compDefs[path];
    if (d) return d;
    defining = null;
    api.defining = true;
    try { rt.load(path + '.js'); } finally { api.defining = false; }
    if (!defining) throw new Error('component ' + path + '.js did not call Component()');
    d = compDefs[path] = normalise(defining);
    defining = null;
    return d;
  }

  var camelName = {};
  function camel(name) { return name.replace(/-([a-z])/g, function (m, c) { return c.toUpperCase(); }); }

  function coerce(spec, v) {
    // Values crossing from the parent's template, converted to the property's type (view-fidelity §3.2).
    if (v === undefined) return typeof spec.value === 'function' ? spec.value : jsonCopy(spec.value);
    switch (spec.type) {
      case 'String': return typeof v === 'string' ? v : (v === null ? '' : (typeof v === 'object' ? JSON.stringify(v) : String(v)));
      case 'Number': { if (typeof v === 'number') return v; var n = Number(v); return isNaN(n) ? 0 : n; }
      case 'Boolean': return typeof v === 'boolean' ? v : !!v;
      default: return jsonCopy(v);
    }
  }

  var datasetName = {};
  function dataset(attrs) {
    var ds = {};
    for (var k in attrs) {
      if (k.charCodeAt(0) !== 100 || k.indexOf('data-') !== 0) continue;  // 100: 'd'
      // data-element-type -> elementType; data-elementType -> elementtype (upper case lowered)
      var name = datasetName[k] ||
        (datasetName[k] = k.slice(5).toLowerCase().replace(/-([a-z])/g, function (m, c) { return c.toUpperCase(); }));
      ds[name] = attrs[k];
    }
    return ds;
  }

  var CompProto = {
    setData: null,  // per instance (rt.makeSetData bound to its page)
    triggerEvent: function (name, detail, options) { triggerEvent(this.__wxOwner, name, detail, options || {}); },
    selectComponent: function (sel) { var r = selectComponents(this.__wxOwner, sel, true); return r.length ? exported(r[0], this.__wxOwner) : null; },
    selectAllComponents: function (sel) { var me = this.__wxOwner; return selectComponents(me, sel, false).map(function (O) { return exported(O, me); }); },
    selectOwnerComponent: function () { var p = this.__wxOwner.parent; return p ? p.inst : null; },
    createSelectorQuery: function () { return new rt.SelectorQuery().in(this); },
    createIntersectionObserver: function () { return intersectionObserver(); },
    getRelationNodes: function (key) { return relationNodes(this.__wxOwner, key); },
    hasBehavior: function (b) { return this.__wxOwner.def.behaviors.indexOf(b) >= 0; },
    getPageId: function () { return 'pageId:' + this.__wxOwner.page.pageId; },
    groupSetData: function (fn) { if (typeof fn === 'function') fn.call(this); },
    setUpdatePerformanceListener: function () {},
    getTabBar: function () { return null; },
    animate: function () {}, clearAnimation: function () {},
  };

  function intersectionObserver() {
    var o = { relativeTo: function () { return o; }, relativeToViewport: function () { return o; }, observe: function () {}, disconnect: function () {} };
    return o;
  }

  function exported(O, requester) {
    if (O.def.behaviors.indexOf(EXPORT) >= 0 && typeof O.def.export === 'function') return O.def.export.call(O.inst, requester.inst);
    return O.inst;
  }

  function createComponent(node, parentO) {
    var path = node.cp;
    var def;
    try { def = componentDef(path); } catch (e) {
      rt.reportError(e, 'component ' + path);
      node.cp = null;
      parentO.ctx.reset = true;  // a full render tries (and reports) again: so must the next one
      return;
    }
    var m = meta(path);
    var page = parentO.page;
    var inst = Object.create(CompProto);
    var O = newOwner('component', inst, path, m.using, page);
    O.def = def;
    O.host = node;
    O.parent = parentO;
    O.tpl = template(path + '.wxml');
    O.eager = !!m.eager;
    var opts = def.options || {};
    if (opts.pureDataPattern instanceof RegExp) O.pure = opts.pureDataPattern;
    node.inst = O;
    Object.defineProperty(inst, '__wxOwner', { value: O, enumerable: false });
    inst.is = path;
    inst.id = node.a.id !== undefined ? String(node.a.id) : '';
    inst.dataset = dataset(node.a);
    inst.__wxExparserNodeId__ = 'c' + O.id;
    inst.__wxWebviewId__ = page.pageId;
    var data = rt.deepCopy(def.data) || {};
    // A default may be a function (Vant's `formatter`): it stays one in the logic layer's data.
    Object.keys(def.properties).forEach(function (k) { var v = def.properties[k].value; data[k] = typeof v === 'function' ? v : jsonCopy(v); });
    inst.data = data;
    Object.defineProperty(inst, 'properties', { get: function () { return inst.data; }, enumerable: false });
    inst.setData = rt.makeSetData(page.pageId);
    Object.keys(def.methods).forEach(function (k) { inst[k] = rt.watched(def.methods[k]); });
    life(O, 'created');
    // The shadow tree exists (rendered from the defaults) before the parent's values arrive, so their
    // observers can selectComponent their own children (Vant's datetime-picker does); the values then
    // re-render it. Observers fire for values that differ from the defaults.
    O.vdata = viewData(O, inst.data);
    if (O.eager) render(O); else markDirty(O);
    propsFromAttrs(O, node, true);
    page.created.push(O);
  }

  /* A property changes when the value the parent's template gives differs (as JSON: values cross as JSON)
   * from the last one it gave. Runs for every host at every render of its parent: kept cheap (no regex per
   * attribute, one JSON.stringify per object value). */
  function propsFromAttrs(O, node, initial) {
    var def = O.def, inst = O.inst;
    var changed = null;
    var given = O.given || (O.given = {});
    var givenObj = O.givenObj || (O.givenObj = {});
    var a = node.a;
    for (var k in a) {
      var name = camelName[k] || (camelName[k] = camel(k));
      var spec = def.properties[name];
      if (!spec) continue;
      var raw = a[k];
      if (raw !== null && typeof raw === 'object') {
        if (givenObj[name] === raw) continue;  // the same object of the parent's view data: unchanged
        var j = JSON.stringify(raw);
        var same = givenObj[name] !== null && givenObj[name] !== undefined && given[name] === j;
        givenObj[name] = raw;
        if (same) continue;
        given[name] = j;
      } else {
        if (name in given && given[name] === raw && givenObj[name] === null) continue;
        given[name] = raw;
        givenObj[name] = null;
      }
      var v = coerce(spec, raw);
      var old = inst.data[name];
      if (!initial || JSON.stringify(v) !== JSON.stringify(old)) (changed = changed || []).push([name, v, old, spec]);
      inst.data[name] = v;
    }
    inst.id = a.id !== undefined ? String(a.id) : '';
    inst.dataset = dataset(a);
    if (!changed) return false;
    var keys = {};
    changed.forEach(function (c) { keys[c[0]] = c[1]; touched(O, c[0]); if (!O.pure || !O.pure.test(c[0])) O.vdata[c[0]] = jsonCopy(c[1]); });
    changed.forEach(function (c) {
      var obs = c[3].observer;
      if (typeof obs === 'string') obs = inst[obs];
      if (typeof obs === 'function') rt.withPage(O.page.pageId, function () { rt.safeCall(obs, inst, [c[1], c[2], [c[0]]], O.path + ' property observer ' + c[0]); });
    });
    runObservers(O, keys);
    markDirty(O);
    return true;
  }

  /* observers: a field is hit when the setData key is the field, a sub-field of it, or a parent of it;
   * `**` hits every key; `a.**` everything under a (view-fidelity §3.4). */
  function segs(path) { return rt.parsePath(path).map(String); }
  function hits(field, key) {
    if (field === '**') return true;
    var f = segs(field.replace(/\.\*\*$/, '')), k = segs(key);
    var n = Math.min(f.length, k.length);
    for (var i = 0; i < n; i++) if (f[i] !== k[i]) return false;
    return true;
  }
  function readField(data, field) {
    if (field === '**') return data;
    var cur = data, p = segs(field.replace(/\.\*\*$/, ''));
    for (var i = 0; i < p.length; i++) { if (cur === null || cur === undefined) return undefined; cur = cur[p[i]]; }
    return cur;
  }
  function runObservers(O, copy) {
    var obs = O.def && O.def.observers;
    if (!obs || !obs.length) return;
    var keys = Object.keys(copy);
    obs.forEach(function (ob) {
      var hit = ob.fields.some(function (f) { return keys.some(function (k) { return hits(f, k); }); });
      if (!hit) return;
      var args = ob.fields.map(function (f) { return readField(O.inst.data, f); });
      rt.withPage(O.page.pageId, function () { rt.safeCall(ob.fn, O.inst, args, O.path + ' observer ' + ob.fields.join(',')); });
    });
  }

  function catchUp(O) {
    var list = O.payloads;
    if (!list || !list.length) return;
    O.payloads = [];
    for (var i = 0; i < list.length; i++) applyPayload(O, JSON.parse(list[i]));
  }

  function changedData(self, json, copy) {
    var O = self && self.__wxOwner ? self.__wxOwner : pageOwners[self && self.__wxWebviewId__];
    if (!O || !O.alive) return;
    if (O.def) runObservers(O, copy);  // synchronously, inside setData (view-fidelity §3.4)
    // The view's copy is its own (parsed again from the payload): the logic layer changing this.data in place
    // afterwards must not reach the view, as it does not on the platform.
    if (O.eager) applyChanges(O, json, copy);
    else {
      for (var k in copy) touched(O, k);
      // A lazy owner keeps the payloads until it renders (most never do in a load run); bounded.
      (O.payloads || (O.payloads = [])).push(json);
      if (O.payloads.length > 64) catchUp(O);
    }
    markDirty(O);
  }

  function life(O, name) {
    var fns = O.def.life;
    for (var i = 0; i < fns.length; i++) {
      if (fns[i][0] === name) {
        var f = fns[i][1];
        rt.withPage(O.page.pageId, function () { rt.safeCall(f, O.inst, [], O.path + ' ' + name); });
      }
    }
  }

  function pageLife(O, name, arg) {
    var fns = O.def.pageLifetimes[name] || [];
    fns.forEach(function (f) { rt.withPage(O.page.pageId, function () { rt.safeCall(f, O.inst, arg === undefined ? [] : [arg], O.path + ' pageLifetimes.' + name); }); });
  }

  /* Components of a page in tree order (parents before children). */
  function componentsOf(O, out) {
    out = out || [];
    walkNodes(O.tree, function (n) {
      if (n.inst && n.inst.alive) { out.push(n.inst); componentsOf(n.inst, out); }
    });
    return out;
  }
  function walkNodes(list, fn) {
    for (var i = 0; i < list.length; i++) {
      var n = list[i];
      if (typeof n === 'string') continue;
      fn(n);
      walkNodes(n.c, fn);
    }
  }

  function attachCreated(page) {
    var created = page.created;
    if (!created.length) return;
    page.created = [];
    created.forEach(function (O) { if (O.alive) { O.attached = true; life(O, 'attached'); linkRelations(O); } });
    if (page.ready) created.slice().reverse().forEach(function (O) { if (O.alive) { O.ready = true; life(O, 'ready'); } });
  }

  function destroyOwner(O) {
    if (!O.alive) return;
    if (O.stale) { O.stale = false; staleCount--; if (O.kind === 'component') O.page.staleComps--; }
    if (O.def && O.attached) { if (O.kind === 'component') unlinkRelations(O); life(O, 'detached'); }
    O.alive = false;
    delete owners[O.id];
    for (var i = 0; i < O.tree.length; i++) if (typeof O.tree[i] !== 'string') destroyNode(O.tree[i]);
  }

  /* Component() used as a page: the page is a component instance; page hooks live in `methods`, the query
   * fills properties of the same name (view-fidelity §3.8). Lifetimes: created now, attached before onLoad,
   * ready before onReady, detached after onUnload. */
  function componentPage(rawDef, query) {
    var def = normalise(rawDef);
    var inst = Object.create(CompProto);
    var data = rt.deepCopy(def.data) || {};
    Object.keys(def.properties).forEach(function (k) {
      var spec = def.properties[k];
      data[k] = query && query[k] !== undefined ? coerce(spec, query[k]) : jsonCopy(spec.value);
    });
    inst.data = data;
    Object.defineProperty(inst, 'properties', { get: function () { return inst.data; }, enumerable: false });
    Object.keys(def.methods).forEach(function (k) { inst[k] = rt.watched(def.methods[k]); });
    Object.defineProperty(inst, '__wxDef', { value: def, enumerable: false });
    inst.is = '';
    inst.id = '';
    inst.dataset = {};
    return inst;
  }

  function pageCreated(id, page, ready) {
    var route = page.route;
    var m = meta(route);
    var O = newOwner('page', page, route, m.using, null);
    O.pageId = id;
    O.openedAt = host.now();
    O.tpl = template(route + '.wxml');
    O.eager = !!m.eager || !!m.tabBar;
    pageOwners[id] = O;
    if (m.tabBarMissing) page.getTabBar = function () { return null; };
    if (m.tabBar) {
      O.tabBar = m.tabBar;  // tabBar.custom: the platform mounts custom-tab-bar/index on every tab page
      page.getTabBar = function () { var n = O.tree[O.tree.length - 1]; return n && n.inst && n.inst.alive ? n.inst.inst : null; };
    }
    if (page.__wxDef) {
      O.def = page.__wxDef;
      if (O.def.options && O.def.options.pureDataPattern instanceof RegExp) O.pure = O.def.options.pureDataPattern;
      Object.defineProperty(page, '__wxOwner', { value: O, enumerable: false });
      page.is = route;
      life(O, 'created');
    }
    page.selectComponent = function (sel) { var r = selectComponents(O, sel, true); return r.length ? exported(r[0], O) : null; };
    page.selectAllComponents = function (sel) { return selectComponents(O, sel, false).map(function (c) { return exported(c, O); }); };
    page.createSelectorQuery = function () { return new rt.SelectorQuery(); };
    O.vdata = viewData(O, page.data);
    if (ready) O.ready = true;  // adopted by a view that booted after this page's onReady
    if (O.eager) render(O); else markDirty(O);
    if (O.def) { O.attached = true; life(O, 'attached'); }
    attachCreated(O);
    if (newImages.length) fireImages();
  }

  function pageHook(id, name, arg) {
    var O = pageOwners[id];
    if (!O) return;
    flush();  // what setData did before the hook is on screen first
    if (name !== 'onShow' && name !== 'onHide' && name !== 'onResize' && name !== 'onReady') return;  // nothing for components
    var comps = componentsOf(O);
    if (name === 'onShow') comps.forEach(function (c) { pageLife(c, 'show'); });
    else if (name === 'onHide') comps.forEach(function (c) { pageLife(c, 'hide'); });
    else if (name === 'onResize') comps.forEach(function (c) { pageLife(c, 'resize', arg); });
    else if (name === 'onReady') {
      O.ready = true;
      comps.slice().reverse().forEach(function (c) { if (!c.ready) { c.ready = true; life(c, 'ready'); } });
      if (O.def) life(O, 'ready');
    }
  }

  /* relations: linked when both sides declare each other and one is the other's parent/child
   * (or ancestor/descendant) in the tree as one template wrote it. */
  function relTarget(O, key) {
    var base = O.path.split('/'); base.pop();
    var parts = key.charAt(0) === '/' ? key.slice(1).split('/') : base.concat(key.split('/'));
    var out = [];
    parts.forEach(function (x) { if (x === '..') out.pop(); else if (x !== '.' && x !== '') out.push(x); });
    return out.join('/');
  }
  var OPPOSITE = { parent: 'child', child: 'parent', ancestor: 'descendant', descendant: 'ancestor' };
  function findRelation(O, other, wantType) {
    var rels = O.def.relations;
    var keys = Object.keys(rels);
    for (var i = 0; i < keys.length; i++) {
      var r = rels[keys[i]];
      if (r.type !== wantType) continue;
      if (r.target ? other.def.behaviors.indexOf(r.target) >= 0 : relTarget(O, keys[i]) === other.path) return { key: keys[i], rel: r };
    }
    return null;
  }
  function logicalAncestors(O) {
    /* Component owners above O in the tree as its owner's template wrote it, nearest first: the platform
     * links along parentNode, where slot content's parent is its host whether or not the host shows that
     * slot, and a template's root has no parent (glass-easel src/relation.ts, view-fidelity §3.8). */
    var path = [], host = O.host;
    function dfs(list) {
      for (var i = 0; i < list.length; i++) {
        var n = list[i];
        if (typeof n === 'string') continue;
        if (n === host) return true;
        path.push(n);
        if (dfs(n.c)) return true;
        path.pop();
      }
      return false;
    }
    var out = [];
    if (!O.parent || !dfs(O.parent.tree)) return out;
    for (var i = path.length - 1; i >= 0; i--) if (path[i].inst) out.push(path[i].inst);
    return out;
  }
  function linkRelations(O) {
    if (!Object.keys(O.def.relations).length) return;
    var ups = logicalAncestors(O);
    ups.forEach(function (A, depth) {
      var mine = findRelation(O, A, depth === 0 ? 'parent' : 'ancestor') || findRelation(O, A, 'ancestor');
      if (!mine) return;
      var theirs = findRelation(A, O, OPPOSITE[mine.rel.type]) || findRelation(A, O, depth === 0 ? 'child' : 'descendant');
      if (!theirs) return;
      O.links = O.links || []; A.links = A.links || [];
      O.links.push({ other: A, key: mine.key }); A.links.push({ other: O, key: theirs.key });
      if (typeof theirs.rel.linked === 'function') rt.safeCall(theirs.rel.linked, A.inst, [O.inst], A.path + ' relations linked');
      if (typeof mine.rel.linked === 'function') rt.safeCall(mine.rel.linked, O.inst, [A.inst], O.path + ' relations linked');
    });
  }
  function unlinkRelations(O) {
    (O.links || []).forEach(function (l) {
      var A = l.other;
      A.links = (A.links || []).filter(function (x) { return x.other !== O; });
      var theirs = A.def.relations[(function () { var k = null; Object.keys(A.def.relations).forEach(function (kk) { if (!k && (A.def.relations[kk].target ? O.def.behaviors.indexOf(A.def.relations[kk].target) >= 0 : relTarget(A, kk) === O.path)) k = kk; }); return k; })()];
      var mine = O.def.relations[l.key];
      if (theirs && typeof theirs.unlinked === 'function') rt.safeCall(theirs.unlinked, A.inst, [O.inst], A.path + ' relations unlinked');
      if (mine && typeof mine.unlinked === 'function') rt.safeCall(mine.unlinked, O.inst, [A.inst], O.path + ' relations unlinked');
    });
    O.links = [];
  }
  function relationNodes(O, key) {
    var target = O.def.relations[key] ? relTarget(O, key) : null;
    return (O.links || []).filter(function (l) { return l.key === key || l.other.path === target; }).map(function (l) { return l.other.inst; });
  }
