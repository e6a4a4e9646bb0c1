"""Chinese text in a screenshot is drawn with real glyphs, not tofu: the set-up (scripts/system-packages,
called by scripts/test and scripts/demo) installs Debian's fonts-noto-cjk when no CJK font is present.

Tofu is what Chromium draws for a character no installed font has: the same empty box for every such
character. So each Chinese character must render differently from the others and from characters that
no font covers (Supplementary Private Use Area-A), and leave ink."""

from __future__ import annotations

import itertools

import pytest
from screen_helpers import compare, needs_chromium, stats

from mock_wx.view.screenshot import render_png

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.asyncio(loop_scope="module")]

CHINESE = "拼团成功"
NO_FONT_HAS = "".join(chr(0xF0000 + i) for i in range(len(CHINESE)))  # private use: never in a font


def _doc(text: str) -> str:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin: 0; background: #fff">'
            '<div style="font: 48px/60px -apple-system, \'PingFang SC\', sans-serif; color: #000; padding: 2px">'
            f"{text}</div></body></html>")


async def _png(text: str) -> bytes:
    return await render_png(_doc(text), 60 * len(text) + 8, 64, 1)


async def test_each_chinese_character_has_its_own_glyph() -> None:
    shots = [await _png(c) for c in CHINESE]
    for a, b in itertools.combinations(shots, 2):
        changed, _ = await compare(a, b)
        assert changed > 40, "two different Chinese characters drew the same box: no CJK font (tofu)"
    for shot in shots:
        assert (await stats(shot))["dark"] > 100  # ink, not an empty cell


async def test_chinese_text_does_not_look_like_missing_glyphs() -> None:
    text, tofu = await _png(CHINESE), await _png(NO_FONT_HAS)
    changed, total = await compare(text, tofu)
    assert changed > total // 20, "Chinese text renders like characters no font has (tofu): apt-get install fonts-noto-cjk"


async def test_the_tofu_detector_detects_tofu() -> None:
    # The control: characters without a font do draw identical boxes, so the checks above can fail.
    a, b = await _png(NO_FONT_HAS[0]), await _png(NO_FONT_HAS[1])
    changed, _ = await compare(a, b)
    assert changed <= 40
