"""A static accessibility and CSP check of a rendered page (WCAG 2.1 AA / GB/T 37668).

It catches what a template can get wrong on its own — not contrast or keyboard order,
which the browser tests look at:

- ``<html lang="zh-hans">`` (or the language asked for);
- exactly one ``<main id="main">`` and a skip link pointing at it;
- every visible ``<input>``, ``<select>`` and ``<textarea>`` has a ``<label for>`` or an
  ``aria-label``/``aria-labelledby``;
- every ``<img>`` has an ``alt`` attribute (empty for decoration);
- every ``<button>`` has a name (text, ``aria-label`` or ``aria-labelledby``);
- ids are unique;
- nothing the Content-Security-Policy refuses: no ``style=`` attribute, no ``<style>``
  element, no ``<script>`` without ``src``, no ``on…=`` handler, no ``javascript:`` link.

Usage: ``assert_accessible(response.content.decode())`` — the assertion lists every
problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

FORM_CONTROLS = frozenset({"input", "select", "textarea"})
# Input types whose own value or alt is their name, or that are never shown.
SELF_NAMED_INPUTS = frozenset({"hidden", "submit", "button", "reset", "image"})


@dataclass
class _Button:
    line: int
    has_name: bool
    text: list[str] = field(default_factory=list)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.html_lang: str | None = None
        self.mains: list[dict[str, str | None]] = []
        self.skip_links: list[str] = []
        self.label_for: set[str] = set()
        self.ids: dict[str, int] = {}
        self.controls: list[tuple[int, str, dict[str, str | None]]] = []
        self.buttons: list[_Button] = []
        self.open_buttons: list[_Button] = []
        self.labels_open = 0
        self.wrapped_controls: set[int] = set()
        self.in_script_without_src = False

    # --- parsing -----------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._visit(tag, dict(attrs))
        if tag == "button":
            named = bool(dict(attrs).get("aria-label") or dict(attrs).get("aria-labelledby"))
            button = _Button(self.getpos()[0], named)
            self.buttons.append(button)
            self.open_buttons.append(button)
        if tag == "label":
            self.labels_open += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._visit(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self.open_buttons:
            self.open_buttons.pop()
        if tag == "label" and self.labels_open:
            self.labels_open -= 1
        if tag == "script":
            self.in_script_without_src = False

    def handle_data(self, data: str) -> None:
        for button in self.open_buttons:
            button.text.append(data)

    def _visit(self, tag: str, attrs: dict[str, str | None]) -> None:
        line = self.getpos()[0]
        element_id = attrs.get("id")
        if element_id:
            if element_id in self.ids:
                first = self.ids[element_id]
                self.problems.append(f"line {line}: id “{element_id}” repeats line {first}")
            else:
                self.ids[element_id] = line
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f"line {line}: <{tag}> has an inline style= attribute (CSP)")
            if name.startswith("on"):
                self.problems.append(f"line {line}: <{tag}> has an inline {name}= handler (CSP)")
            is_url = name in ("href", "src", "action")
            if is_url and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: <{tag}> has a javascript: URL (CSP)")
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "main":
            self.mains.append(attrs)
        elif tag == "a" and attrs.get("href") == "#main":
            self.skip_links.append(attrs.get("class") or "")
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"] or "")
        elif tag == "img" and "alt" not in attrs:
            self.problems.append(f"line {line}: <img src=“{attrs.get('src')}”> has no alt")
        elif tag == "style":
            self.problems.append(f"line {line}: inline <style> element (CSP)")
        elif tag == "script" and not attrs.get("src"):
            kind = (attrs.get("type") or "").lower()
            # JSON data blocks are not executed and the CSP allows them.
            if kind not in ("application/json", "application/ld+json"):
                self.problems.append(f"line {line}: <script> without src (CSP forbids inline code)")
        if tag in FORM_CONTROLS:
            kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
            if kind not in SELF_NAMED_INPUTS:
                self.controls.append((line, tag, attrs))
                if self.labels_open:
                    self.wrapped_controls.add(len(self.controls) - 1)
            elif kind == "image" and "alt" not in attrs:
                self.problems.append(f"line {line}: <input type=image> has no alt attribute")

    # --- verdict -------------------------------------------------------------------

    def verdict(self, lang: str) -> list[str]:
        problems = list(self.problems)
        if self.html_lang != lang:
            problems.append(f'<html lang="{self.html_lang}">, expected lang="{lang}"')
        if len(self.mains) != 1:
            problems.append(f"{len(self.mains)} <main> elements, expected exactly one")
        elif self.mains[0].get("id") != "main":
            problems.append('<main> has no id="main" for the skip link to reach')
        if not self.skip_links:
            problems.append('no skip link (<a href="#main">) to the main content')
        for index, (line, tag, attrs) in enumerate(self.controls):
            named = (
                attrs.get("aria-label")
                or attrs.get("aria-labelledby")
                or (attrs.get("id") and attrs.get("id") in self.label_for)
                or index in self.wrapped_controls
            )
            if not named:
                name = attrs.get("name")
                problems.append(f"line {line}: <{tag} name=“{name}”> has no label or aria-label")
        for button in self.buttons:
            if not button.has_name and not "".join(button.text).strip():
                problems.append(f"line {button.line}: <button> has no text or aria-label")
        return problems


def accessibility_problems(html: str, *, lang: str = "zh-hans") -> list[str]:
    """Every problem found in ``html``; an empty list when there are none."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.verdict(lang)


def assert_accessible(html: str, *, lang: str = "zh-hans") -> None:
    problems = accessibility_problems(html, lang=lang)
    assert not problems, "accessibility problems:\n  " + "\n  ".join(problems)
