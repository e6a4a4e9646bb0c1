// What DevTools' AppService offers automation scripts beyond the public wx API: Minium's injected
// helpers use `global`, `__wxConfig` and the private `wx.onAppRouteDone` (it waits for route changes
// through it). Installed once per realm by the automation session; `__WXSIM_CONFIG__` is replaced
// with the app's config before evaluation.
(function (g) {
  if (g.__wxsimDevtools) return false;
  var routeDone = [];
  Object.defineProperty(g, '__wxsimDevtools', { value: true });
  if (typeof g.global === 'undefined') g.global = g;
  g.__wxConfig = __WXSIM_CONFIG__;
  wx.onAppRouteDone = function (cb) { if (typeof cb === 'function') routeDone.push(cb); };
  wx.offAppRouteDone = function (cb) {
    routeDone = cb ? routeDone.filter(function (f) { return f !== cb; }) : [];
  };
  // The session calls this when the page on top changed (a route finished).
  Object.defineProperty(g, '__wxsimRouteDone', { value: function (options) {
    routeDone.slice().forEach(function (cb) {
      try { cb(Object.assign({}, options)); } catch (e) { console.error('onAppRouteDone listener: ' + (e && e.message || e)); }
    });
    return routeDone.length;
  } });
  return true;
})(globalThis)
