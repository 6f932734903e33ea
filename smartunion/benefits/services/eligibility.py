"""Reading and saving who a service, a campaign or a programme is for (``models.Eligibility``)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from smartunion.benefits.models import Eligibility
from smartunion.members.models import EmploymentForm, OccupationTag


def eligibility_clean(
    *, employment_forms: list[str], occupation_tags: list, err: Callable[[str, str], None]
) -> dict:
    """The employment forms (codes) and occupation tags (codes, ids or objects) asked for."""
    forms = [str(f) for f in employment_forms if str(f).strip()]
    unknown = [f for f in forms if f not in EmploymentForm.values]
    if unknown:
        err("employment_forms", _("Unknown employment form: %(codes)s.") % {"codes": ", ".join(unknown)})
    tags: list[OccupationTag] = []
    wanted = [t for t in occupation_tags if t not in ("", None)]
    if wanted:
        objects = [t for t in wanted if isinstance(t, OccupationTag)]
        codes = [str(t) for t in wanted if not isinstance(t, OccupationTag)]
        found = {str(t.code): t for t in OccupationTag.objects.filter(code__in=codes)}
        found.update(
            {
                str(t.pk): t
                for t in OccupationTag.objects.filter(
                    pk__in=[c for c in codes if c.isascii() and c.isdigit() and len(c) < 19]
                )
            }
        )
        missing = [c for c in codes if c not in found]
        if missing:
            err("occupation_tags", _("Unknown occupation tag: %(codes)s.") % {"codes": ", ".join(missing)})
        tags = objects + [found[c] for c in codes if c in found]
    return {"employment_forms": sorted(set(forms)), "occupation_tags": tags}


def eligibility_save(thing: Eligibility, tags: list[OccupationTag]) -> None:
    thing.occupation_tags.set(tags)
    thing._tag_ids = frozenset(t.pk for t in tags)
