"""Every message the product shows has its Chinese translation: each app's zh_Hans catalogue has no
empty or fuzzy entry, holds every msgid its code and templates use, and its compiled .mo matches it.

The msgids in use are found as ``makemessages`` finds them, run on a copy of each app (the work tree
is left alone): a msgid that code or a template uses but the catalogue lacks comes out of that run
with an empty msgstr. A msgid is excused only when another app's catalogue translates it, since
Django looks a message up in every catalogue."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parents[3].name for p in (ROOT / "smartunion").glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
DJANGO_ADMIN = Path(sys.executable).with_name("django-admin")


@dataclass
class Entry:
    msgid: str
    context: str = ""
    plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs) and not self.fuzzy


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text.strip()[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` ones left out); the header is not an entry."""
    entries: list[Entry] = []
    current: Entry | None = None
    fuzzy = False
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and current is not None:
                entries.append(current)
                current, target = None, None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: a continuation line outside an entry"
            name, index = target
            if name == "msgstr":
                current.msgstrs[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstrs):
            if current is not None:
                entries.append(current)
            current = Entry(msgid="", fuzzy=fuzzy, line=number)
            fuzzy = False
        if keyword == "msgctxt":
            current.context, target = _unquote(rest), ("context", 0)
        elif keyword == "msgid":
            current.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            current.plural, target = _unquote(rest), ("plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            while len(current.msgstrs) <= index:
                current.msgstrs.append("")
            current.msgstrs[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    if current is not None:
        entries.append(current)
    return [e for e in entries if e.msgid or e.context]


def catalogue(app: str) -> Path:
    return ROOT / "smartunion" / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def describe(app: str, entry: Entry) -> str:
    where = f"{app}/locale/zh_Hans/LC_MESSAGES/django.po:{entry.line}"
    context = f" (context {entry.context!r})" if entry.context else ""
    return f"{where}: {entry.msgid!r}{context}" + (" is fuzzy" if entry.fuzzy else " has no translation")


def test_the_catalogues_are_read():
    assert {"accounts", "console", "core", "members", "mobile", "orgs"} <= set(APPS)
    entries = parse_po(catalogue("console"))
    assert len(entries) > 300
    by_key = {e.key: e for e in entries}
    assert by_key["Username"].msgstrs == ["用户名"]


@pytest.mark.parametrize("app", APPS)
def test_no_entry_is_empty_or_fuzzy(app):
    missing = [describe(app, e) for e in parse_po(catalogue(app)) if not e.translated]
    assert missing == [], "\n".join(missing)


@pytest.mark.parametrize("app", APPS)
def test_the_compiled_catalogue_matches_its_source(app):
    """compilemessages was run after the last change of the .po."""
    po = catalogue(app)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in parse_po(po):
        if not entry.translated:
            continue
        if entry.plural:
            found = [compiled.get((entry.key, n)) for n in range(len(entry.msgstrs))]
        else:
            found = [compiled.get(entry.key)]
        if found != entry.msgstrs:
            stale.append(f"{entry.msgid!r}: .mo has {found}, .po has {entry.msgstrs}")
    assert stale == [], f"run compilemessages in smartunion/{app}:\n" + "\n".join(stale[:20])


@pytest.fixture(scope="module")
def translated_anywhere() -> set[str]:
    return {e.key for app in APPS for e in parse_po(catalogue(app)) if e.translated}


@pytest.mark.parametrize("app", APPS)
def test_every_msgid_in_use_has_a_translation(app, tmp_path, translated_anywhere):
    copy = tmp_path / app
    shutil.copytree(
        ROOT / "smartunion" / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "migrations")
    )
    subprocess.run(
        [str(DJANGO_ADMIN), "makemessages", "-l", "zh_Hans", "--no-location", "--no-wrap"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    merged = parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = [
        f"{e.msgid!r}" + (f" (context {e.context!r})" if e.context else "")
        for e in merged
        if not e.translated and e.key not in translated_anywhere
    ]
    assert missing == [], (
        f"smartunion/{app} uses msgids its zh_Hans catalogue does not translate "
        "(append them to its django.po, then compilemessages):\n" + "\n".join(missing)
    )


def test_the_reader_finds_what_a_catalogue_leaves_untranslated(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Done"\nmsgstr "完成"\n\n'
        '#, fuzzy\nmsgid "Members"\nmsgstr "成员"\n\n'
        'msgctxt "mobile"\nmsgid "Sign in"\nmsgstr ""\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] ""\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n"两"\n"行"\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert [(e.key, e.translated) for e in entries] == [
        ("Done", True),
        ("Members", False),
        ("mobile\x04Sign in", False),
        ("%(n)s row", False),
        ("Two lines", True),
    ]
    assert entries[4].msgstrs == ["两行"]
