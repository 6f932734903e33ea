"""The mediation application as filed and the mediation agreement (劳动争议调解仲裁法 第十二条、第十四条)."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph

from .context import DocumentContext, DocumentUnavailable
from .layout import (
    BODY,
    META,
    addressee,
    agreement_table,
    closing,
    cn_date,
    fields_table,
    heading,
    legal_note,
    money_in_words,
    seal_block,
    signature_block,
    text,
)
from .parts import (
    MEDIATION_LAW,
    applicant_section,
    claims_section,
    dispute_line,
    evidence_section,
    facts_section,
    ordinal,
    respondent_section,
)


def mediation_application(ctx: DocumentContext) -> list[Flowable]:
    # 劳动争议调解仲裁法 第十二条: a written application, or an oral one the body records on the
    # spot with the applicant's basic details, the disputed matters, the reasons and the time.
    story: list[Flowable] = [
        Paragraph(f"收到日期：{cn_date(ctx.received_on)}", META),
    ]
    if ctx.channel:
        story.append(Paragraph(f"申请方式：{text(ctx.channel)}", META))
    story += applicant_section(ctx)
    story += respondent_section(ctx)
    story += [*heading("争议情况"), *dispute_line(ctx)]
    story += claims_section(ctx, "申请事项")
    story += facts_section(ctx, "事实与理由")
    story += evidence_section(ctx, "证据材料")
    ending: list[Flowable] = [
        Paragraph(
            f"申请人依据{MEDIATION_LAW}第十二条的规定，向你单位申请调解上述劳动争议，请依法调解。",
            BODY,
        ),
        *addressee(ctx.centre_name, "劳动争议调解组织"),
    ]
    if ctx.oral:
        ending += [
            signature_block(
                [
                    ("申请人（签名或按指印）", cn_date(ctx.received_on)),
                    ("记录人（签名）", cn_date(ctx.received_on)),
                ]
            ),
            legal_note(
                f"依照{MEDIATION_LAW}第十二条，本申请系申请人口头提出，由{text(ctx.centre_name)}当场记录"
                "申请人基本情况、申请调解的争议事项、理由和时间，并经申请人核对无误。"
            ),
        ]
    else:
        ending.append(signature_block([("申请人（签名）", cn_date(ctx.received_on))]))
    story.append(closing(*ending))
    return story


def mediation_agreement(ctx: DocumentContext) -> list[Flowable]:
    if not ctx.agreement_items and not ctx.agreement_terms:
        raise DocumentUnavailable("the case has no agreed terms to put in an agreement")
    worker, employer = ctx.applicant, ctx.employer
    story: list[Flowable] = [Paragraph(f"协议日期：{cn_date(ctx.agreement_date)}", META)]
    story += applicant_section(ctx, "申请人（劳动者）")
    story += respondent_section(ctx, "被申请人（用人单位）")
    story += [
        *heading("调解组织"),
        fields_table(
            [
                ("调解组织", ctx.centre_name),
                ("地　　址", ctx.centre_address),
                ("调 解 员", ctx.mediator_name, "受理日期", cn_date(ctx.received_on)),
            ]
        ),
    ]
    disputes = "、".join(ctx.dispute_types) or "劳动报酬等事项"
    story += [
        *heading("争议事项"),
        Paragraph(
            f"申请人{text(worker.name)}与被申请人{text(employer.name)}因{text(disputes)}发生劳动争议，"
            f"申请人于{cn_date(ctx.received_on)}向{text(ctx.centre_name)}申请调解。",
            BODY,
        ),
    ]
    story += claims_section(ctx, "申请人的请求")
    story += [
        *heading("协议内容"),
        Paragraph(
            f"经调解员{text(ctx.mediator_name) or '　　　'}主持调解，双方当事人在平等、自愿的基础上，"
            f"依照{MEDIATION_LAW}第十四条的规定，达成协议如下：",
            BODY,
        ),
    ]
    clauses: list[str] = []
    for item in ctx.agreement_items:
        clauses.append(
            f"被申请人于{cn_date(item.due)}前向申请人支付{text(item.what)} {money_in_words(item.amount)}。"
        )
    if ctx.agreement_items:
        story.append(agreement_table(ctx.agreement_items))
    clauses += [text(term) for term in ctx.agreement_terms]
    if ctx.performance_deadline:
        # 劳动争议调解仲裁法 第十五条: the agreement carries a term for performance.
        clauses.append(f"被申请人应于{cn_date(ctx.performance_deadline)}前履行完毕本协议约定的全部给付义务。")
    if ctx.agreement_items:
        clauses.append(f"以上款项合计 {money_in_words(ctx.agreed_total)}。")
    story += [Paragraph(f"{ordinal(n)}、{clause}", BODY) for n, clause in enumerate(clauses, start=1)]
    story += [
        Paragraph(
            f"依照{MEDIATION_LAW}第十四条，本协议由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，"
            "对双方当事人具有约束力，当事人应当履行。",
            BODY,
        ),
        Paragraph(
            f"依照{MEDIATION_LAW}第十五条，一方当事人在协议约定期限内不履行调解协议的，另一方当事人可以依法申请仲裁。"
            f"依照{MEDIATION_LAW}第十六条，因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，"
            "用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令。",
            BODY,
        ),
        closing(
            Paragraph("本协议一式三份，双方当事人各执一份，调解组织存档一份。", BODY),
            signature_block(
                [
                    ("申请人（签名）", cn_date(None)),
                    ("被申请人（盖章）", ""),
                    ("法定代表人或委托代理人（签名）", cn_date(None)),
                    ("调解员（签名）", cn_date(None)),
                ],
                indent=4.5 * cm,
            ),
            seal_block(ctx.centre_name, ctx.agreement_date),
        ),
    ]
    return story
