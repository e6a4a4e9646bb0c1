"""report.html's inline style and script: the file stays self-contained (no fetches, opens from disk).

The script: filters (journey name, result, user, event kinds), opening a step's events on click, and
images decoded only when scrolled to (a 100-journey report with screenshots opens quickly)."""

from __future__ import annotations

from .report_steps import EVENT_GROUPS

__all__ = ["SCRIPT", "STYLE"]

STYLE = """
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 1.5em 3em;color:#1f2328;background:#fff}
h1{font-size:20px;margin:.8em 0 .2em} h2{font-size:15px;margin:1.4em 0 .4em;color:#444}
a{color:#0969da;text-decoration:none} a:hover{text-decoration:underline}
table{border-collapse:collapse} #summary,#findings{margin:.3em 0;max-width:100%}
#summary td,#summary th,#findings td,#findings th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
#summary tr.fail td{background:#ffebe9} #summary tr.ok td:nth-child(2){color:#1a7f37}
.meta,.hint{color:#656d76;font-size:12px} .hint{margin:.2em 0 .8em}
#filters{position:sticky;top:0;z-index:5;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:6px 8px;
 display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:.6em 0}
#filters input[type=search]{width:16em} #filters .kinds label{margin-right:6px;white-space:nowrap}
#shown{color:#656d76;margin-left:auto}
.off{display:none!important}
section.journey{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;background:#fff}
section.journey.failed{border-color:#ff8182} section.journey>details>summary{cursor:pointer;padding:6px 10px;list-style-position:inside}
section.journey h3{display:inline;font-size:14px;margin:0 10px 0 0} section.journey.failed h3{color:#cf222e}
section.journey.passed h3{color:#1a7f37} section.journey.skipped h3{color:#9a6700}
.summary-error{color:#cf222e;font-family:ui-monospace,monospace;font-size:12px;margin:2px 0 0 1.2em}
table.steps{width:100%;table-layout:fixed;border-top:1px solid #d0d7de}
table.steps th{background:#f6f8fa;text-align:left;padding:3px 6px;font-weight:600;border-bottom:1px solid #d0d7de}
table.steps th:nth-child(1){width:2.5em} table.steps th:nth-child(2){width:7.5em} table.steps th:nth-child(3){width:7em}
tbody.step tr.head{cursor:pointer} tbody.step tr.head:hover td{background:#f6f8fa}
tbody.step tr.head td{border-top:1px solid #eaeef2;padding:4px 6px;vertical-align:top}
tbody.step.open tr.head td,tbody.step.auto tr.head td{background:#f0f6ff}
tbody.step.failed tr.head td{background:#ffebe9}
td.n{color:#8c959f} td.vt,td.wall{font-family:ui-monospace,monospace;font-size:11.5px;color:#57606a;white-space:nowrap}
td.wall small{display:block;color:#8c959f}
td.lane{overflow-wrap:anywhere} td.lane.act .name,td.lane.all .name{font-weight:600}
td.lane.all .name{color:#8250df}
td.lane .by{display:none;color:#8c959f;font-style:italic} section.one-user td.lane .by{display:inline}
tbody.step tr.head td.n:before{content:"▸ ";color:#8c959f} tbody.step.open tr.head td.n:before,tbody.step.auto tr.head td.n:before{content:"▾ "}
.badges{margin-left:6px} .b{display:inline-block;font-size:11px;border-radius:8px;padding:0 5px;margin-right:3px;background:#eaeef2;color:#57606a}
.b.net{background:#ddf4ff;color:#0550ae} .b.data{background:#fbefff;color:#8250df} .b.dialog{background:#fff8c5;color:#7d4e00}
.b.finding,.b.error{background:#ffebe9;color:#cf222e}
img.after{display:block;margin-top:4px;border:1px solid #d0d7de;border-radius:6px;min-height:167px;background:#f6f8fa;cursor:zoom-in}
img.after.big{width:375px;cursor:zoom-out}
tbody.step tr.evs{display:none} tbody.step.open tr.evs,tbody.step.auto tr.evs{display:table-row}
tr.evs td{padding:0 6px 6px;vertical-align:top;background:#fbfcfd}
ol.events{list-style:none;margin:0;padding:0}
li.ev{border-left:3px solid #d0d7de;padding:2px 6px;margin:2px 0;font-size:12px;background:#fff}
li.ev .line{display:flex;gap:0 6px;align-items:baseline} li.ev .what{flex:1;min-width:0;overflow-wrap:anywhere}
li.ev .k{font-weight:600;color:#57606a;min-width:4.5em} li.ev .tm{margin-left:auto;color:#8c959f;font-size:11px;white-space:nowrap}
li.ev code,li.ev pre{font-family:ui-monospace,SFMono-Regular,monospace;font-size:11.5px}
li.ev pre{margin:2px 0;padding:4px 6px;background:#f6f8fa;border-radius:4px;max-height:260px;overflow:auto;white-space:pre-wrap}
li.ev details summary{cursor:pointer;color:#57606a} li.ev .url{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
.st{font-weight:700;font-family:ui-monospace,monospace} .st.ok{color:#1a7f37} .st.bad{color:#cf222e} .err{color:#cf222e}
li[data-group=request]{border-color:#0969da} li[data-group=setData]{border-color:#8250df}
li[data-group=dialog]{border-color:#d4a72c} li[data-group=finding],li[data-group=error]{border-color:#cf222e;background:#fff5f5}
li[data-group=navigation]{border-color:#1a7f37} li[data-group=console]{border-color:#8c959f} li[data-group=other]{border-color:#eaeef2}
table.diff th{font-weight:600;text-align:left;padding:1px 8px 1px 0;vertical-align:top;font-family:ui-monospace,monospace;font-size:11.5px;color:#8250df;white-space:nowrap}
table.diff td{padding:1px 0}
tr.failure-row td{padding:8px;background:#fff5f5;border-top:1px solid #ff8182}
.failure{display:flex;gap:12px;align-items:flex-start} .failure .why{flex:1;min-width:0}
.screens{display:flex;gap:8px} .screen{margin:0;font-size:12px;color:#57606a}
.screen img{display:block;border:1px solid #d0d7de;border-radius:8px;min-height:334px;background:#f6f8fa}
pre.error,pre.stack{background:#fff;border:1px solid #ffcecb;padding:8px;overflow:auto;margin:0 0 8px;font-size:12px;white-space:pre-wrap}
pre.stack.js{border-color:#cf222e}
tr.cut td{color:#656d76;font-style:italic;padding:2px 6px}
""" + "".join(  # an unchecked event kind: one class on <body> hides them all, however many there are
    f"body.no-{group} li[data-group={group}]{{display:none}}" for group in [*EVENT_GROUPS, "other"])

SCRIPT = r"""
(function () {
  var $ = function (s, el) { return Array.prototype.slice.call((el || document).querySelectorAll(s)); };
  var q = document.getElementById('q'), status = document.getElementById('status'), user = document.getElementById('user');
  var kinds = $('input.kind');
  function matches(el, name, st) {
    return (!name || el.dataset.name.toLowerCase().indexOf(name) >= 0) && (!st || el.dataset.status === st);
  }
  function apply() {
    var name = q.value.trim().toLowerCase(), st = status.value, u = user.value;
    var on = {}, every = true;
    kinds.forEach(function (k) {
      on[k.value] = k.checked; every = every && k.checked;
      document.body.classList.toggle('no-' + k.value, !k.checked);  // the style hides those events
    });
    $('#summary tbody tr, #findings tbody tr[data-name]').forEach(function (tr) {
      tr.classList.toggle('off', !matches(tr, name, st));
    });
    var sections = $('section.journey'), shown = 0;
    sections.forEach(function (sec) {
      var users = ' ' + sec.dataset.users + ' ';
      var visible = matches(sec, name, st) && (!u || users.indexOf(' ' + u + ' ') >= 0);
      sec.classList.toggle('off', !visible);
      if (!visible) return;
      shown++;
      sec.classList.toggle('one-user', !!u);  // other users' steps are named in the one lane left
      if (sec.dataset.shownUser !== u) {  // only when the user filter changed: thousands of cells
        $('[data-lane]', sec).forEach(function (c) { c.classList.toggle('off', !!u && c.dataset.lane !== u); });
        sec.dataset.shownUser = u;
      }
      $('tbody.step', sec).forEach(function (tb) {
        var groups = tb.dataset.groups;
        if (u) {
          var cell = tb.querySelector('tr.evs td[data-lane="' + CSS.escape(u) + '"]');
          groups = cell ? cell.dataset.groups : '';
        }
        var hit = groups.split(' ').some(function (g) { return on[g]; });
        var own = !u || tb.dataset.user === u || tb.dataset.user === '';
        var keep = every ? own || groups !== '' : hit;
        tb.classList.toggle('off', !keep);
        tb.classList.toggle('auto', keep && !every);  // a kind filter opens the steps it keeps
      });
    });
    document.getElementById('shown').textContent = shown + ' of ' + sections.length + ' journeys';
  }
  [q, status, user].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  kinds.forEach(function (k) { k.addEventListener('change', apply); });
  document.addEventListener('click', function (e) {
    if (e.target.matches('img.after')) { e.target.classList.toggle('big'); return; }  // the screen, full size
    var head = e.target.closest('tr.head');
    if (head && !e.target.closest('a, img')) head.parentNode.classList.toggle('open');
  });
  document.getElementById('expand').addEventListener('click', function () {
    $('section.journey:not(.off) > details').forEach(function (d) { d.open = true; });
    $('section.journey:not(.off) tbody.step').forEach(function (tb) { tb.classList.add('open'); });
  });
  document.getElementById('collapse').addEventListener('click', function () {
    $('tbody.step').forEach(function (tb) { tb.classList.remove('open'); });
  });
  // A link to a step (from the findings table) opens its journey and the step.
  function reveal() {
    var el = location.hash && document.getElementById(location.hash.slice(1));
    if (!el) return;
    var d = el.closest('details'); if (d) d.open = true;
    if (el.matches('tbody.step')) el.classList.add('open');
    el.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  reveal();
  apply();
  var imgs = $('img[data-src]');
  function show(img) { if (img.dataset.src) { img.src = img.dataset.src; delete img.dataset.src; } }
  if (!('IntersectionObserver' in window)) { imgs.forEach(show); return; }
  var io = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) { show(e.target); io.unobserve(e.target); } });
  }, {rootMargin: '400px'});
  imgs.forEach(function (img) { io.observe(img); });
})();
"""
