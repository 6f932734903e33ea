"""One entry point: ``render(kind, ctx)`` gives the PDF of a case document."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from reportlab.platypus import Flowable

from . import arbitration, court, mediation
from .context import DocumentContext
from .layout import build, register_font

MEDIATION_APPLICATION = "mediation_application"
MEDIATION_AGREEMENT = "mediation_agreement"
ARBITRATION_APPLICATION = "arbitration_application"
PAYMENT_ORDER = "payment_order"
JUDICIAL_CONFIRMATION = "judicial_confirmation"

# The Chinese of each title is the document's official name; the PDF prints it in Chinese whatever
# the language of the request, since it is filed with a Chinese body.
DOCUMENT_TITLES: dict[str, Promise] = {
    MEDIATION_APPLICATION: _("Labour-dispute mediation application"),
    MEDIATION_AGREEMENT: _("Labour-dispute mediation agreement"),
    ARBITRATION_APPLICATION: _("Labour and personnel dispute arbitration application"),
    PAYMENT_ORDER: _("Payment order application"),
    JUDICIAL_CONFIRMATION: _("Application for judicial confirmation of the mediation agreement"),
}

BUILDERS: dict[str, Callable[[DocumentContext], list[Flowable]]] = {
    MEDIATION_APPLICATION: mediation.mediation_application,
    MEDIATION_AGREEMENT: mediation.mediation_agreement,
    ARBITRATION_APPLICATION: arbitration.arbitration_application,
    PAYMENT_ORDER: court.payment_order,
    JUDICIAL_CONFIRMATION: court.judicial_confirmation,
}
DOCUMENT_KINDS: tuple[str, ...] = tuple(BUILDERS)


def render(kind: str, ctx: DocumentContext) -> bytes:
    """The PDF of the document ``kind`` for ``ctx``. Raises ``ValueError`` for an unknown kind and
    ``DocumentUnavailable`` (a ``ValueError``) when the case lacks what the document needs."""
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown document kind: {kind!r}") from None
    register_font()  # before any Paragraph is made: they look the font up when built
    with translation.override("zh-hans"):
        title = str(DOCUMENT_TITLES[kind])
    return build(title=title, case_number=ctx.case_number, story=builder(ctx))
