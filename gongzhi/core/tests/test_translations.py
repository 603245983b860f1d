"""The English catalogue stays complete, and the shell really turns English.

Message ids are the Chinese interface text (Chinese first, docs/architecture.md); English
lives in ``locale/en/LC_MESSAGES/django.po``. After changing any wrapped string run::

    .venv/bin/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'bench/*' \
        --ignore 'var/*' --ignore 'tests/*'
    # translate the new (empty or fuzzy) entries, then
    .venv/bin/python manage.py compilemessages --ignore '.venv'

The catalogue is read with the small parser below, so that the check needs no package
beyond Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from conftest import Personas
from gongzhi.accounts.testing import login

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
HINT = "run makemessages -l en, translate the entry and run compilemessages (module docstring)"


# --- A minimal .po reader ------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[index] for index in sorted(self.msgstr)]

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _unquote(quoted: str, line: int) -> str:
    if len(quoted) < 2 or not (quoted.startswith('"') and quoted.endswith('"')):
        raise ValueError(f"{CATALOGUE}:{line}: not a quoted string: {quoted}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), quoted[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file: msgctxt/msgid/msgid_plural/msgstr[n], continued strings, flags.

    Obsolete entries (``#~``) are skipped: compilemessages ignores them too.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field the next "…" line continues

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()  # a comment after a complete entry begins the next one
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{CATALOGUE}:{number}: string continues nothing")
            name, index = target
            piece = _unquote(line, number)
            if name == "msgstr":
                current.msgstr[index or 0] += piece
            else:
                setattr(current, name, getattr(current, name) + piece)
            continue
        match = KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{CATALOGUE}:{number}: cannot read {raw!r}")
        keyword, form, quoted = match.groups()
        if keyword in {"msgctxt", "msgid"} and current is not None and current.msgstr:
            finish()  # a new entry without a blank line in between
        if current is None:
            current = Entry(line=number)
        value = _unquote(quoted, number)
        if keyword.startswith("msgstr"):
            position = int(form) if form is not None else 0
            current.msgstr[position] = value
            target = ("msgstr", position)
        else:
            setattr(current, keyword, value)
            target = (keyword, None)
    finish()
    return [entry for entry in entries if entry.msgstr or entry.msgid]


@pytest.fixture(autouse=True)
def _restore_the_language() -> Iterator[None]:
    """LocaleMiddleware leaves the request's language active on the thread after the
    response; put back what was active so that later tests still render Chinese."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing: {HINT}"
    return parse_po(CATALOGUE.read_text(encoding="utf-8"))


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if not entry.is_header]


class TestParser:
    def test_it_reads_multi_line_strings_plurals_flags_and_escapes(self) -> None:
        text = (
            '#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
            "#: a.py:1\n#, python-format\n"
            'msgid ""\n"长的"\n"消息 %(n)s"\nmsgstr ""\n"A long "\n"message %(n)s"\n\n'
            'msgctxt "动词"\nmsgid "保存"\nmsgstr "Save \\"now\\""\n'
            'msgid "共 %(n)s 个"\nmsgid_plural "共 %(n)s 个"\n'
            'msgstr[0] "%(n)s item"\nmsgstr[1] ""\n\n'
            '#~ msgid "旧的"\n#~ msgstr "Old"\n'
        )
        header, long, verb, plural = parse_po(text)
        assert header.is_header and "fuzzy" in header.flags
        assert header.msgstr == {0: "Language: en\n"}
        assert (long.msgid, long.translations) == ("长的消息 %(n)s", ["A long message %(n)s"])
        assert long.flags == {"python-format"}
        assert (verb.msgctxt, verb.msgid, verb.translations) == ("动词", "保存", ['Save "now"'])
        assert plural.msgid_plural == "共 %(n)s 个"
        assert plural.msgstr == {0: "%(n)s item", 1: ""}


# --- The English catalogue is complete ------------------------------------------------------


class TestEnglishCatalogue:
    def test_it_has_the_interface_strings(self, catalogue: list[Entry]) -> None:
        assert len(messages(catalogue)) > 500
        assert any(entry.msgid == "员工工作台" for entry in catalogue)

    def test_every_entry_is_translated(self, catalogue: list[Entry]) -> None:
        untranslated = [
            str(entry)
            for entry in messages(catalogue)
            if not entry.msgstr or any(not text for text in entry.translations)
        ]
        assert untranslated == [], f"untranslated entries — {HINT}:\n" + "\n".join(untranslated)

    def test_no_entry_is_fuzzy(self, catalogue: list[Entry]) -> None:
        # compilemessages leaves fuzzy entries out, so the page would fall back to Chinese.
        fuzzy = [str(entry) for entry in catalogue if "fuzzy" in entry.flags]
        assert fuzzy == [], "fuzzy entries: check each, then drop the flag:\n" + "\n".join(fuzzy)

    def test_plural_entries_have_both_english_forms(self, catalogue: list[Entry]) -> None:
        broken = [
            str(entry)
            for entry in messages(catalogue)
            if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]
        ]
        assert broken == []

    def test_translations_keep_the_placeholders(self, catalogue: list[Entry]) -> None:
        placeholder = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w+\}")
        broken = []
        for entry in messages(catalogue):
            wanted = sorted(placeholder.findall(entry.msgid))
            for text in entry.translations:
                found = sorted(placeholder.findall(text))
                # A plural's singular may name the count in words; it may not invent names.
                if found != wanted and not (entry.msgid_plural and set(found) <= set(wanted)):
                    broken.append(f"{entry}: {found} instead of {wanted}")
        assert broken == []

    def test_python_format_translations_format(self, catalogue: list[Entry]) -> None:
        class Anything(dict[str, Any]):
            def __missing__(self, key: str) -> int:
                return 1

        broken = []
        for entry in messages(catalogue):
            if "python-format" not in entry.flags:
                continue
            for text in entry.translations:
                try:
                    text % Anything()
                except (KeyError, ValueError, TypeError) as error:
                    broken.append(f"{entry}: {error}")
        assert broken == []

    def test_translations_keep_the_html(self, catalogue: list[Entry]) -> None:
        tag = re.compile(r"</?[a-zA-Z][^>]*>")
        broken = [
            str(entry)
            for entry in messages(catalogue)
            for text in entry.translations
            if sorted(tag.findall(entry.msgid)) != sorted(tag.findall(text))
        ]
        assert broken == []

    def test_the_compiled_catalogue_matches_the_po_file(self, catalogue: list[Entry]) -> None:
        """A stale or missing django.mo would show Chinese (or old English) to English users."""
        stale = []
        with translation.override("en"):
            for entry in messages(catalogue):
                if entry.msgid_plural is not None:
                    shown = [
                        translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                        if entry.msgctxt
                        else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                        for n in (1, 5)
                    ]
                else:
                    shown = [
                        translation.pgettext(entry.msgctxt, entry.msgid)
                        if entry.msgctxt
                        else translation.gettext(entry.msgid)
                    ]
                if shown != entry.translations:
                    stale.append(str(entry))
        assert stale == [], "django.mo is out of date — run compilemessages:\n" + "\n".join(
            stale[:20]
        )

    def test_key_terms(self) -> None:
        with translation.override("en"):
            assert translation.gettext("员工工作台") == "Staff console"
            assert translation.gettext("居民服务") == "Resident services"
            assert translation.gettext("登录") == "Sign in"
            assert translation.gettext("网格员") == "Grid worker"
            assert translation.gettext("审计日志") == "Audit log"
            assert translation.gettext("长辈模式") == "Elder mode"
            assert translation.ngettext("共 %(n)s 个账号", "共 %(n)s 个账号", 1) == "%(n)s account"
            assert translation.ngettext("共 %(n)s 个账号", "共 %(n)s 个账号", 2) == "%(n)s accounts"
        with translation.override("zh-hans"):
            assert translation.gettext("员工工作台") == "员工工作台"


# --- Pages render in English ----------------------------------------------------------------

# Chinese a page may still show in English: the language switcher names 简体中文 in itself.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
NATIVE_NAMES = {"简体中文"}


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def stray_chinese(html: str) -> set[str]:
    return set(CJK.findall(html)) - NATIVE_NAMES


@pytest.mark.django_db
class TestEnglishPages:
    def test_the_login_page_follows_the_language_cookie(self) -> None:
        html = page(english_client(), "/accounts/login/")
        assert '<html lang="en">' in html
        assert "<h1>Sign in</h1>" in html
        assert "Staff and residents sign in here." in html
        assert stray_chinese(html) == set()

    def test_the_login_page_follows_accept_language(self) -> None:
        html = page(Client(HTTP_ACCEPT_LANGUAGE="en"), "/accounts/login/")
        assert '<html lang="en">' in html
        assert "<h1>Sign in</h1>" in html

    def test_without_a_preference_the_page_stays_chinese(self) -> None:
        html = page(Client(), "/accounts/login/")
        assert '<html lang="zh-hans">' in html
        assert "<h1>登录</h1>" in html

    def test_the_language_switcher_sets_english(self) -> None:
        client = Client()
        response = client.post(
            "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
        )
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "<h1>Sign in</h1>" in html

    @pytest.mark.parametrize(
        ("url", "text"),
        [
            ("/portal/", "Welcome to Resident services"),
            ("/portal/services/", "You can also apply in person"),
            ("/portal/consultations/", "Community consultation"),
            ("/portal/disclosure/", "Public disclosure of community affairs"),
        ],
    )
    def test_the_resident_portal_is_english(self, url: str, text: str) -> None:
        html = page(english_client(), url)
        assert '<html lang="en">' in html
        assert text in html
        assert "Elder mode" in html
        assert stray_chinese(html) == set()

    def test_the_not_found_page_is_english(self) -> None:
        html = page(english_client(), "/no-such-page/", status=404)
        assert '<html lang="en">' in html
        assert "Page not found" in html

    def test_the_staff_console_is_english(self, personas: Personas) -> None:
        client = english_client()
        login(client, personas.staff_a)
        html = page(client, "/console/")
        assert '<html lang="en">' in html
        assert "Staff console" in html
        assert "Hello, 张丽" in html  # the name is data and stays as entered
        assert "Community worker" in html
        assert "Sign out" in html
        assert "员工工作台" not in html

    def test_the_audit_administrator_sees_english_panels(self, personas: Personas) -> None:
        client = english_client()
        login(client, personas.audit_admin)
        html = page(client, "/console/")
        assert "Audit summary, last 24 hours" in html
        assert "Audit administrator" in html
