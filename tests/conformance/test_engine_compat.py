"""Issue 12 item 5: the JavaScript the phones run. QuickJS lacks some web-compat features V8 (Android) and
JavaScriptCore (iOS) have, and mini program code leans on them; wxsim's Date parses as the iPhone does
(docs/engine.md "Web-compat features")."""

from __future__ import annotations

import pytest

from mock_wx import VirtualUser

pytestmark = pytest.mark.app("appservice")

DATE_FORMAT = """(function (d, fmt) {
  var o = { 'M+': d.getMonth() + 1, 'd+': d.getDate(), 'h+': d.getHours(), 'm+': d.getMinutes(), 's+': d.getSeconds() };
  if (/(y+)/.test(fmt)) fmt = fmt.replace(RegExp.$1, (d.getFullYear() + '').substr(4 - RegExp.$1.length));
  for (var k in o) {
    if (new RegExp('(' + k + ')').test(fmt)) {
      fmt = fmt.replace(RegExp.$1, RegExp.$1.length == 1 ? o[k] : ('00' + o[k]).substr(('' + o[k]).length));
    }
  }
  return fmt;
})"""


async def test_regexp_legacy_statics_date_format_idiom(user: VirtualUser) -> None:
    """The Chinese date-format idiom `if (/(y+)/.test(fmt)) fmt = fmt.replace(RegExp.$1, ...)` works."""
    await user.launch("/pages/index/index")
    assert await user.evaluate(f"{DATE_FORMAT}(new Date(2024, 0, 2, 9, 5, 7), 'yyyy-MM-dd hh:mm:ss')") == "2024-01-02 09:05:07"
    assert await user.evaluate(f"{DATE_FORMAT}(new Date(2024, 10, 22), 'yy/M/d')") == "24/11/22"


async def test_regexp_statics_follow_each_successful_match(user: VirtualUser) -> None:
    """$1-$9, lastMatch, lastParen, leftContext, rightContext, input (and $&, $+, $`, $', $_) after exec, test,
    match, replace; a failed match leaves them as they were, as in V8 and JavaScriptCore."""
    await user.launch("/pages/index/index")
    out = await user.evaluate("""(function () {
      var r = [];
      /(\\d+)-(\\d+)(x)?/.exec('tel 010-8888 end');
      r.push([RegExp.$1, RegExp.$2, RegExp.$3, RegExp.$9, RegExp.lastMatch, RegExp.lastParen, RegExp.leftContext,
              RegExp.rightContext, RegExp.input, RegExp['$&'], RegExp['$`'], RegExp["$'"], RegExp['$_'], RegExp['$+']]);
      /(zz)/.test('no match here');
      r.push(RegExp.$1);
      'key=value'.match(/(\\w+)=(\\w+)/);
      r.push([RegExp.$1, RegExp.$2]);
      'a1b2'.replace(/([a-z])(\\d)/g, '$2$1');
      r.push([RegExp.$1, RegExp.$2, RegExp.lastMatch]);
      return r;
    })()""")
    assert out == [
        ["010", "8888", "", "", "010-8888", "", "tel ", " end", "tel 010-8888 end", "010-8888", "tel ", " end",
         "tel 010-8888 end", ""],
        "010",
        ["key", "value"],
        ["b", "2", "b2"],
    ]


async def test_annex_b_string_and_global_functions(user: VirtualUser) -> None:
    """String.prototype.substr (negative start too), escape/unescape with %uXXXX, as the phones have them."""
    await user.launch("/pages/index/index")
    assert await user.evaluate("['20240102'.substr(4, 2), 'abcdef'.substr(-2), escape('a b中'), unescape('%u4E2D%20x')]") == [
        "01", "ef", "a%20b%u4E2D", "中 x"]


async def test_date_parsing_as_ios_in_strict_mode(user: VirtualUser) -> None:
    """iOS (JavaScriptCore) gives Invalid Date for "2024-01-02 10:00" and "2024-1-2"; "2024/01/02 10:00" is local
    time, ISO forms as the spec says; the first invalid one records a `date-parse-ios` finding."""
    await user.launch("/pages/index/index")
    out = await user.evaluate("""[
      isNaN(new Date('2024-01-02 10:00').getTime()), isNaN(Date.parse('2024-1-2')),
      new Date('2024/01/02 10:00').getTime() === new Date(2024, 0, 2, 10, 0).getTime(),
      Date.parse('2024-01-02T10:00:00Z'), Date.parse('2024-01-02'),
      new Date('2024-01-02T10:00').getTime() === new Date(2024, 0, 2, 10, 0).getTime()]""")
    assert out == [True, True, True, 1704189600000, 1704153600000, True]
    found = [f for f in user.sim.trace.findings if f.kind == "date-parse-ios"]
    assert len(found) == 1 and '"2024/01/02 10:00"' in found[0].message


@pytest.mark.app("appservice", fidelity="lenient")
async def test_date_parsing_lenient_parses_as_android(user: VirtualUser) -> None:
    """Lenient mode parses the dash-and-space form as local time (V8, Android) and still says iOS would not."""
    await user.launch("/pages/index/index")
    assert await user.evaluate(
        "new Date('2024-01-02 10:00').getTime() === new Date(2024, 0, 2, 10, 0).getTime()") is True
    assert [f.kind for f in user.sim.trace.findings] == ["date-parse-ios"]
