"""The accessibility checker itself: it passes a clean page and names each kind of fault."""

from __future__ import annotations

import pytest

from gongzhi.console.tests.a11y import accessibility_problems

CLEAN = """<!DOCTYPE html><html lang="zh-hans"><head><title>t</title>
<script src="/static/js/gongzhi.js" defer></script></head><body>
<a class="skip-link" href="#main">跳到主要内容</a>
<main id="main"><form>
<input type="hidden" name="csrfmiddlewaretoken" value="x">
<label for="q">关键词</label><input id="q" name="q">
<select name="level" aria-label="层级"><option>社区</option></select>
<label>备注<textarea name="note"></textarea></label>
<img src="/static/img/logo.svg" alt="">
<button type="submit">查询</button>
</form></main></body></html>"""


def page(body: str, *, lang: str = "zh-hans") -> str:
    return (
        f'<html lang="{lang}"><body><a href="#main">跳到主要内容</a>'
        f'<main id="main">{body}</main></body></html>'
    )


class TestAccessibilityChecker:
    def test_it_passes_a_clean_page(self) -> None:
        assert accessibility_problems(CLEAN) == []

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ('<input name="q">', "has no label"),
            ('<select name="s"><option>a</option></select>', "has no label"),
            ('<textarea name="t"></textarea>', "has no label"),
            ('<label for="other">x</label><input id="q" name="q">', "has no label"),
            ('<img src="a.png">', "has no alt"),
            ('<p style="color:red">x</p>', "inline style="),
            ("<style>p{}</style>", "inline <style>"),
            ("<script>alert(1)</script>", "<script> without src"),
            ('<button onclick="x()">好</button>', "onclick= handler"),
            ('<a href="javascript:void(0)">x</a>', "javascript: URL"),
            ("<button></button>", "<button> has no text"),
            ('<p id="a"></p><p id="a"></p>', "repeats line"),
        ],
    )
    def test_it_names_each_fault(self, body: str, expected: str) -> None:
        problems = accessibility_problems(page(body))
        assert any(expected in problem for problem in problems), problems

    def test_it_requires_the_page_language(self) -> None:
        problems = accessibility_problems(page("", lang="en"))
        assert any('expected lang="zh-hans"' in problem for problem in problems)

    def test_it_requires_one_main_landmark_with_the_skip_target(self) -> None:
        html = '<html lang="zh-hans"><body><main></main><main></main></body></html>'
        problems = accessibility_problems(html)
        assert any("2 <main> elements" in problem for problem in problems)
        assert any("no skip link" in problem for problem in problems)

    def test_it_accepts_hidden_and_submit_inputs_without_labels(self) -> None:
        body = '<input type="hidden" name="a"><input type="submit" value="提交">'
        assert accessibility_problems(page(body)) == []
