"""Case documents as PDF, from plain data (see ``context``): ``render(kind, ctx) -> bytes``."""

from .context import (
    AgreementItem,
    ClaimLine,
    DocumentContext,
    DocumentUnavailable,
    Employer,
    EvidenceLine,
    Worker,
)
from .money import capital, figures
from .render import DOCUMENT_KINDS, DOCUMENT_TITLES, render

__all__ = [
    "DOCUMENT_KINDS",
    "DOCUMENT_TITLES",
    "AgreementItem",
    "ClaimLine",
    "DocumentContext",
    "DocumentUnavailable",
    "Employer",
    "EvidenceLine",
    "Worker",
    "capital",
    "figures",
    "render",
]
