"""Sections several documents share, built from a DocumentContext."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from .context import DocumentContext
from .layout import (
    BODY,
    PLAIN,
    claims_table,
    cn_date,
    employer_table,
    evidence_table,
    heading,
    or_blank,
    paragraphs,
    representatives_table,
    text,
    worker_table,
)

MEDIATION_LAW = "《中华人民共和国劳动争议调解仲裁法》"
PEOPLES_MEDIATION_LAW = "《中华人民共和国人民调解法》"
CHINESE_ORDINALS = "一二三四五六七八九十"


def ordinal(number: int) -> str:
    """一, 二, … 十, 十一, … 九十九: the numbering of a document's clauses."""
    if number <= 10:
        return CHINESE_ORDINALS[number - 1]
    tens, units = divmod(number, 10)
    head = "" if tens == 1 else CHINESE_ORDINALS[tens - 1]
    return head + "十" + (CHINESE_ORDINALS[units - 1] if units else "")


def document_day(ctx: DocumentContext) -> date:
    return timezone.localdate(ctx.generated_at)


def applicant_section(ctx: DocumentContext, label: str = "申请人") -> list[Flowable]:
    # A party's heading and its few lines stay together on one page.
    parts: list[Flowable] = [
        KeepTogether([*heading(label), worker_table(ctx.applicant, on=document_day(ctx))])
    ]
    if ctx.representatives:
        # 劳动争议调解仲裁法 第七条: ten or more workers with a common claim elect representatives.
        headcount = f"劳动者共 {ctx.collective_headcount} 人，" if ctx.collective_headcount else ""
        parts += [
            Paragraph(
                f"本案为集体劳动争议，{headcount}依照{MEDIATION_LAW}第七条"
                f"推举代表人 {len(ctx.representatives)} 名：",
                PLAIN,
            ),
            representatives_table(ctx.representatives),
        ]
    return parts


def respondent_section(ctx: DocumentContext, label: str = "被申请人") -> list[Flowable]:
    parts: list[Flowable] = []
    several = len(ctx.respondents) > 1
    for number, employer in enumerate(ctx.respondents, start=1):
        title = f"{label}{ordinal(number) if several else ''}"
        parts.append(KeepTogether([*heading(title), employer_table(employer)]))
    return parts


def dispute_line(ctx: DocumentContext) -> list[Flowable]:
    """争议类型 and the dates of employment, when known."""
    lines = []
    if ctx.dispute_types:
        lines.append(f"争议类型：{text('、'.join(ctx.dispute_types))}")
    if ctx.employment_start or ctx.employment_end:
        start = cn_date(ctx.employment_start) if ctx.employment_start else "　　"
        end = cn_date(ctx.employment_end) if ctx.employment_end else "至今"
        lines.append(f"工作期间：{start}至{end}")
    return [Paragraph(line, PLAIN) for line in lines]


def claims_section(ctx: DocumentContext, label: str) -> list[Flowable]:
    parts: list[Flowable] = [*heading(label)]
    if ctx.claims:
        parts.append(claims_table(ctx.claims))
    if ctx.request.strip():
        parts += paragraphs(ctx.request)
    if not ctx.claims and not ctx.request.strip():
        parts.append(Paragraph(or_blank(""), BODY))
    return parts


def facts_section(ctx: DocumentContext, label: str, *, lead: str = "") -> list[Flowable]:
    """The facts, then each claim's own reasons, numbered as in the claims table."""
    body: list[Flowable] = [Paragraph(lead, BODY)] if lead else []
    body += paragraphs(ctx.facts)
    for number, claim in enumerate(ctx.claims, start=1):
        if claim.reason.strip():
            body.append(Paragraph(f"关于第{number}项请求：{text(claim.reason)}", BODY))
    return [*heading(label), *(body or [Paragraph(or_blank(""), BODY)])]


def evidence_section(ctx: DocumentContext, label: str) -> list[Flowable]:
    if not ctx.evidence:
        return [*heading(label), Paragraph("（无）", PLAIN)]
    return [*heading(label), evidence_table(ctx.evidence)]
