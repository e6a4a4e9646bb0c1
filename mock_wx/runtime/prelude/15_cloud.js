  /* wxsim prelude, part 2b (wx.cloud): fragments of one function, concatenated in order by realm.py. */
  /* ---------------- wx.cloud (not simulated: mock_wx/api/cloud.py says what each call answers) ----------------
   * The shapes of the client SDK (miniprogram-api-typings lib.wx.cloud.d.ts): init; callFunction, uploadFile,
   * downloadFile, getTempFileURL, deleteFile, callContainer, connectContainer, each a Promise iff no
   * success/fail/complete (wx-fidelity.md §0); database() with collection().where().orderBy().limit().skip()
   * .field().get()/count()/watch()/aggregate(), add, doc().get()/set()/update()/remove(), command, serverDate,
   * RegExp, Geo. Each call reaches Python as `cloud.<name>` (a database operation as `cloud.database` with
   * {op, collection, doc, query, data}), so a test mocks it like any API. */
  function inertTask() {
    // uploadFile/downloadFile with callbacks return their task; the call fails before any progress.
    var t = {};
    ['abort', 'onProgressUpdate', 'offProgressUpdate', 'onHeadersReceived', 'offHeadersReceived'].forEach(function (m) {
      t[m] = function () {};
    });
    return t;
  }
  // The cloud SDK fails with an Error (message = errMsg, plus errCode and errMsg), to the Promise and to fail/complete.
  function cloudError(res) {
    if (!res || typeof res.errMsg !== 'string' || /:ok$/.test(res.errMsg)) return res;
    var err = new Error(res.errMsg);
    Object.keys(res).forEach(function (k) { err[k] = res[k]; });
    return err;
  }
  // Runs the call with `args` (callbacks wrapped so they see `convert(res)`): a Promise iff `opts` has no callback.
  function cloudInvoke(api, args, opts, convert) {
    if (hasCallbacks(opts)) {
      ['success', 'fail', 'complete'].forEach(function (k) {
        if (typeof opts[k] === 'function') args[k] = function (res) { return opts[k].call(opts, convert(res)); };
      });
      callAsync(api, args);
      return undefined;
    }
    return callAsync(api, args).then(convert, function (e) { throw convert(e); });
  }
  function cloudCall(name, fileTask) {
    return function (opts) {
      opts = opts || {};
      var out = cloudInvoke('cloud.' + name, Object.assign({}, opts), opts, cloudError);
      return out === undefined && fileTask ? inertTask() : out;
    };
  }
  // A database answer names the reference and the operation (`collection.get:ok`, `document.update:fail ...`).
  function dbCall(ref, op, args, opts) {
    opts = opts || {};
    var from = 'cloud.database:';
    var rename = function (res) {
      if (res && typeof res.errMsg === 'string' && res.errMsg.indexOf(from) === 0) {
        res.errMsg = ref + '.' + op + ':' + res.errMsg.slice(from.length);
      }
      return cloudError(res);
    };
    args.op = op;
    return cloudInvoke('cloud.database', args, opts, rename);
  }
  // Query commands (db.command.eq(1), _.gt(2).and(_.lt(5)), _.inc(1), ...) are plain data a mock can read:
  // {$cmd: name, args: [...]}; and/or/nor on a command combine it with others.
  function DbCommand(name, args) { this.$cmd = name; this.args = args; }
  ['and', 'or', 'nor'].forEach(function (m) {
    DbCommand.prototype[m] = function () {
      return new DbCommand(m, [this].concat(Array.prototype.slice.call(arguments)));
    };
  });
  var dbCommand = new Proxy({}, { get: function (t, prop) {
    if (typeof prop !== 'string') return undefined;
    if (prop === 'aggregate') return dbCommand;
    return function () { return new DbCommand(prop, Array.prototype.slice.call(arguments)); };
  } });
  var dbGeo = new Proxy({}, { get: function (t, prop) {
    if (typeof prop !== 'string') return undefined;
    return function () { return { $geo: prop, args: Array.prototype.slice.call(arguments) }; };
  } });
  function DbQuery(db, name, query) { this.database = db; this.collectionName = name; this._query = query; }
  ['where', 'orderBy', 'limit', 'skip', 'field'].forEach(function (m) {
    DbQuery.prototype[m] = function (a, b) {
      var q = Object.assign({}, this._query);
      if (m === 'orderBy') q.orderBy = (q.orderBy || []).concat([[a, b]]);
      else q[m] = a;
      return new DbQuery(this.database, this.collectionName, q);
    };
  });
  DbQuery.prototype._args = function (extra) {
    return Object.assign({ collection: this.collectionName, query: this._query, config: this.database.config }, extra || {});
  };
  DbQuery.prototype.get = function (opts) { return dbCall('collection', 'get', this._args(), opts); };
  DbQuery.prototype.count = function (opts) { return dbCall('collection', 'count', this._args(), opts); };
  DbQuery.prototype.watch = function (opts) { return dbWatch('collection', this._args(), opts); };
  DbQuery.prototype.doc = function (id) { return new DbDoc(this.database, this.collectionName, id, null); };
  DbQuery.prototype.add = function (opts) {
    return dbCall('collection', 'add', this._args({ data: (opts || {}).data }), opts);
  };
  DbQuery.prototype.aggregate = function () { return new DbAggregate(this, []); };
  function DbAggregate(query, stages) { this._q = query; this._stages = stages; }
  ['addFields', 'bucket', 'bucketAuto', 'count', 'geoNear', 'group', 'limit', 'lookup', 'match', 'project',
    'replaceRoot', 'sample', 'skip', 'sort', 'sortByCount', 'unwind'].forEach(function (m) {
    DbAggregate.prototype[m] = function (v) {
      var s = {}; s[m] = v;
      return new DbAggregate(this._q, this._stages.concat([s]));
    };
  });
  DbAggregate.prototype.end = function () {
    return dbCall('collection', 'aggregate', this._q._args({ stages: this._stages }), {});
  };
  function DbDoc(db, name, id, field) { this.database = db; this.collectionName = name; this._id = id; this._field = field; }
  DbDoc.prototype.field = function (f) { return new DbDoc(this.database, this.collectionName, this._id, f); };
  DbDoc.prototype._args = function (extra) {
    return Object.assign({ collection: this.collectionName, doc: this._id, query: this._field ? { field: this._field } : {},
      config: this.database.config }, extra || {});
  };
  DbDoc.prototype.get = function (opts) { return dbCall('document', 'get', this._args(), opts); };
  ['set', 'update', 'remove'].forEach(function (m) {
    DbDoc.prototype[m] = function (opts) {
      return dbCall('document', m, this._args(m === 'remove' ? {} : { data: (opts || {}).data }), opts);
    };
  });
  DbDoc.prototype.watch = function (opts) { return dbWatch('document', this._args(), opts); };
  // watch: the first snapshot (a mock's answer) goes to onChange, a failure to onError; close() ends it.
  function dbWatch(ref, args, opts) {
    opts = opts || {};
    var closed = false;
    dbCall(ref, 'watch', args, {}).then(function (res) {
      if (!closed && typeof opts.onChange === 'function') safeCall(opts.onChange, opts, [res], 'watch onChange');
    }, function (err) {
      if (!closed && typeof opts.onError === 'function') safeCall(opts.onError, opts, [err], 'watch onError');
    });
    return { close: function () { closed = true; return Promise.resolve(); } };
  }
  function DbDatabase(config) {
    this.config = config || {};
    this.command = dbCommand;
    this.Geo = dbGeo;
  }
  DbDatabase.prototype.collection = function (name) { return new DbQuery(this, name, {}); };
  DbDatabase.prototype.serverDate = function (opts) { return { $serverDate: { offset: (opts && opts.offset) || 0 } }; };
  DbDatabase.prototype.RegExp = function (opts) {
    opts = opts || {};
    return { $regex: String(opts.regexp), $options: opts.options || '' };
  };
  function makeCloud(own) {
    var cloud = {
      init: function (config) {
        callSync('cloud.init', [config || {}]);
        // A `new wx.cloud.Cloud(...)` instance's init returns a Promise (cross-account use); wx.cloud's returns nothing.
        return own ? Promise.resolve() : undefined;
      },
      database: function (config) { return new DbDatabase(config); },
      CloudID: function CloudID(id) { this.cloudID = id; },
      CDN: function CDN(target) { this.target = target; },
      services: { Gateway: function () { return recorder('cloud.services.Gateway'); } },
      extend: { AI: recorder('cloud.extend.AI') },
    };
    ['callFunction', 'getTempFileURL', 'deleteFile', 'callContainer', 'connectContainer'].forEach(function (n) {
      cloud[n] = cloudCall(n, false);
    });
    cloud.uploadFile = cloudCall('uploadFile', true);
    cloud.downloadFile = cloudCall('downloadFile', true);
    if (!own) cloud.Cloud = function Cloud(opts) { var c = makeCloud(true); c.options = opts || {}; return c; };
    return cloud;
  }
