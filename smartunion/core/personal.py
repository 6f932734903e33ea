"""The rule for a person's real name, one for every way a name comes in: the roster import
(members/roster.py), the join form, staff enrolment and the member edit (all through
members.services.clean_person_data). ID numbers and mobiles: core.codes.

A name is taken as NFKC (full-width letters and spaces become plain ones), without surrounding
spaces and without the padding spaces clerks put between Chinese characters (张 三 is 张三). It is
refused when it starts like a spreadsheet formula, holds an invisible character or a line break,
holds a question mark (what a CSV saved in a legacy encoding puts for every character it could not
hold), or is longer than 100 characters."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from smartunion.core.codes import describe_character

NAME_MAX_LENGTH = 100
FORMULA_STARTS = "=+-@"
# The common name: Chinese characters, Latin letters, digits, the middle dot of transcribed names,
# none of them changed by NFKC. It is accepted as it is, without the character-by-character rules.
_PLAIN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9\u00b7]{1,100}")
# Characters a padding space between two of them is removed from (also around the middle dot).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f\u00b7\u30fb"
_PADDING = re.compile(f"(?<=[{_HAN}]) +(?=[{_HAN}])")
_SPACES = re.compile(" {2,}")
LOST_IN_ENCODING = "?\ufffd"


def real_name_clean(value: str) -> tuple[str, str | None]:
    """(the name as stored, the reason it is refused or None). A blank name, or one of invisible
    characters only, is ("", None): each caller says in its own words that the name is missing."""
    if _PLAIN_NAME.fullmatch(value):
        return value, None
    name = unicodedata.normalize("NFKC", value).strip(" ")
    if not any(unicodedata.category(c)[0] not in "CZ" for c in name):
        return "", None
    if name[0] in FORMULA_STARTS:
        return name, _("A name cannot start with = + - or @ (it would act as a spreadsheet formula).")
    for character in name:
        if character != " " and unicodedata.category(character)[0] in "CZ":
            return name, _(
                "A name cannot contain invisible characters or line breaks; this one has %(char)s."
            ) % {"char": describe_character(character)}
        if character in LOST_IN_ENCODING:
            return name, _(
                "A name cannot contain a question mark. In a roster it stands for characters the file lost "
                "when it was saved in an encoding that cannot hold them: save it as CSV UTF-8 or .xlsx."
            )
    name = _SPACES.sub(" ", _PADDING.sub("", name))
    if len(name) > NAME_MAX_LENGTH:
        return name, _("A name has at most 100 characters.")
    return name, None
