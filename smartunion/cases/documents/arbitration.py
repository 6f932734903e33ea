"""The arbitration application, pre-filled (劳动争议调解仲裁法 第二十八条)."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from .context import DocumentContext
from .layout import BODY, PLAIN, addressee, closing, cn_date, heading, legal_note, signature_block, text
from .parts import (
    MEDIATION_LAW,
    applicant_section,
    claims_section,
    dispute_line,
    evidence_section,
    facts_section,
    respondent_section,
)


def arbitration_application(ctx: DocumentContext) -> list[Flowable]:
    # 劳动争议调解仲裁法 第二十八条: a written application with one copy per respondent, stating
    # the worker's name, sex, age, occupation, workplace and residence; the employer's name,
    # address and legal representative; the claims with their facts and reasons; the evidence
    # with its source, and witnesses' names and addresses.
    story: list[Flowable] = []
    story += applicant_section(ctx)
    story += respondent_section(ctx)
    story += [*heading("争议情况"), *dispute_line(ctx)] if ctx.dispute_types or ctx.employment_start else []
    story += claims_section(ctx, "仲裁请求")
    lead = (
        f"申请人于{cn_date(ctx.received_on)}就本争议向{text(ctx.centre_name)}申请调解，"
        f"案件编号为{text(ctx.case_number)}。"
    )
    story += facts_section(ctx, "事实和理由", lead=lead)
    story += evidence_section(ctx, "证据和证据来源、证人姓名和住所")
    story.append(
        closing(
            Paragraph(f"申请人依据{MEDIATION_LAW}第二十八条的规定提出仲裁申请，请依法裁决。", BODY),
            *addressee(ctx.arbitration_committee, "劳动人事争议仲裁委员会"),
            signature_block([("申请人（签名）", cn_date(None))]),
        )
    )
    copies = len(ctx.respondents)
    story += [
        *heading("附"),
        Paragraph(f"1．本申请书副本 {copies} 份，按被申请人人数提交；", PLAIN),
        Paragraph(f"2．证据材料 {len(ctx.evidence)} 份；", PLAIN),
        Paragraph("3．申请人身份证明复印件 1 份。", PLAIN),
        legal_note(
            f"依照{MEDIATION_LAW}第二十七条，仲裁申请应自知道或者应当知道其权利被侵害之日起一年内提出；"
            "劳动关系存续期间因拖欠劳动报酬发生争议的，不受该期间限制，但劳动关系终止的，应当自劳动关系终止之日起"
            f"一年内提出。依照{MEDIATION_LAW}第五十三条，劳动争议仲裁不收费。"
        ),
    ]
    return story
