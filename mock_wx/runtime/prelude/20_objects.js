  /* wxsim prelude, part 3 of 5 (objects): fragments of one function, concatenated in order by realm.py. */
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
  SelectorQuery.prototype.in = function (component) { this.scope = component; return this; };
  SelectorQuery.prototype.exec = function (cb) {
    // What is queued now: a query reused after exec() (weapp-mark's index list) queues more before
    // these callbacks run, and those belong to the next exec().
    var q = this.queue.slice();
    // With a view attached, each selector is matched against what rendered (id and dataset of each node);
    // the layout boxes stay made up (nothing is laid out headlessly).
    if (view) view.selectorMatches(q, this.scope, currentPageId);
    var res = callSync('__selectorQuery', [q.map(function (item) {
      return { selector: item.selector, all: item.all, kind: item.kind, fields: item.fields, matches: item.matches };
    })]);
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
