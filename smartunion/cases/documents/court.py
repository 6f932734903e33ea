"""Documents for the people's court: the payment-order application pack (劳动争议调解仲裁法 第十六条)
and the joint application for judicial confirmation of the agreement (人民调解法 第三十三条)."""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable, PageBreak, Paragraph

from .context import DocumentContext, DocumentUnavailable
from .layout import (
    BODY,
    PLAIN,
    addressee,
    agreement_table,
    closing,
    cn_date,
    heading,
    legal_note,
    money_in_words,
    overdue_table,
    signature_block,
    text,
)
from .parts import (
    MEDIATION_LAW,
    PEOPLES_MEDIATION_LAW,
    applicant_section,
    document_day,
    ordinal,
    respondent_section,
)


def _agreement_sentence(ctx: DocumentContext) -> str:
    disputes = "、".join(ctx.dispute_types) or "劳动报酬等事项"
    return (
        f"申请人{text(ctx.applicant.name)}与{text(ctx.employer.name)}因{text(disputes)}发生劳动争议，"
        f"经{text(ctx.centre_name)}主持调解，双方于{cn_date(ctx.agreement_date)}达成调解协议，"
        f"案件编号为{text(ctx.case_number)}。"
    )


def payment_order(ctx: DocumentContext) -> list[Flowable]:
    # 劳动争议调解仲裁法 第十六条: for an agreement on unpaid wages, work-injury medical costs,
    # economic compensation or damages that the employer does not perform in time, the worker may
    # take the agreement to a people's court for a payment order.
    today = document_day(ctx)
    overdue = [item for item in ctx.agreement_items if item.due < today and item.outstanding > 0]
    if not overdue:
        raise DocumentUnavailable("no agreed payment is overdue, so there is nothing to apply for")
    owed = sum((item.outstanding for item in overdue), Decimal("0.00"))
    story: list[Flowable] = []
    story += applicant_section(ctx)
    story += respondent_section(ctx)
    story += [
        *heading("请求事项"),
        Paragraph(
            f"{ordinal(1)}、请求人民法院依法向被申请人发出支付令，督促被申请人向申请人支付"
            f"调解协议约定的逾期未付款项共计 {money_in_words(owed)}。",
            BODY,
        ),
        *heading("事实与理由"),
        Paragraph(_agreement_sentence(ctx), BODY),
        Paragraph(
            f"依照{MEDIATION_LAW}第十四条，该调解协议经双方当事人签名、盖章，经调解员签名并加盖调解组织印章后生效。"
            "协议约定的给付事项及履行情况如下：",
            BODY,
        ),
        overdue_table(ctx.agreement_items, on=today),
        Paragraph(
            f"协议约定的履行期限为{cn_date(ctx.performance_deadline)}。截至{cn_date(today)}，"
            f"被申请人未按协议约定的期限履行，尚欠申请人 {money_in_words(owed)}。",
            BODY,
        ),
        closing(
            Paragraph(
                f"根据{MEDIATION_LAW}第十六条的规定，因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项"
                "达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令。"
                "申请人与被申请人之间没有其他债务纠纷，支付令能够送达被申请人。特此申请，请依法发出支付令。",
                BODY,
            ),
            *addressee(ctx.court_name, "人民法院"),
            signature_block([("申请人（签名）", cn_date(None))]),
        ),
    ]
    story += [
        PageBreak(),
        *heading("支付令申请材料清单"),
        Paragraph(f"案件编号：{text(ctx.case_number)}　　申请人：{text(ctx.applicant.name)}", PLAIN),
    ]
    checklist = [
        f"支付令申请书正本 1 份，副本 {len(ctx.respondents)} 份（按被申请人人数）；",
        f"调解协议书（{cn_date(ctx.agreement_date)}，{text(ctx.centre_name)}）原件及复印件各 1 份；",
        "申请人身份证复印件 1 份；",
        "被申请人主体资格证明（营业执照复印件或企业信用信息公示报告）1 份；",
        "被申请人逾期未履行的证明（如银行账户流水、催告记录）；",
        *[f"{text(e.description)}，来源：{text(e.source) or '申请人提供'}；" for e in ctx.evidence],
    ]
    story += [Paragraph(f"□ {n}．{line}", PLAIN) for n, line in enumerate(checklist, start=1)]
    story.append(
        legal_note(
            f"依据：{MEDIATION_LAW}第十六条；支付令的申请、审查与异议依照《中华人民共和国民事诉讼法》督促程序的规定办理。"
        )
    )
    return story


def judicial_confirmation(ctx: DocumentContext) -> list[Flowable]:
    # 人民调解法 第三十三条: both parties apply jointly to the people's court within 30 days of the
    # agreement taking effect.
    if ctx.agreement_date is None or not (ctx.agreement_items or ctx.agreement_terms):
        raise DocumentUnavailable("judicial confirmation needs a mediation agreement and its date")
    story: list[Flowable] = []
    story += applicant_section(ctx, "申请人一（劳动者）")
    story += respondent_section(ctx, "申请人二（用人单位）")
    story += [
        *heading("请求事项"),
        Paragraph(
            f"请求人民法院依法确认申请人于{cn_date(ctx.agreement_date)}经{text(ctx.centre_name)}主持达成的"
            f"调解协议有效，案件编号为{text(ctx.case_number)}。",
            BODY,
        ),
        *heading("事实与理由"),
        Paragraph(_agreement_sentence(ctx), BODY),
        Paragraph("协议约定的给付事项如下：", BODY),
    ]
    if ctx.agreement_items:
        story.append(agreement_table(ctx.agreement_items))
    for term in ctx.agreement_terms:
        story.append(Paragraph(text(term), BODY))
    if ctx.performance_deadline:
        story.append(Paragraph(f"履行期限：{cn_date(ctx.performance_deadline)}前履行完毕。", BODY))
    story += [
        Paragraph(
            f"依照{PEOPLES_MEDIATION_LAW}第三十三条的规定，双方当事人自调解协议生效之日起三十日内"
            f"（即{cn_date(ctx.judicial_confirmation_by)}前）共同向人民法院申请司法确认。",
            BODY,
        ),
        *heading("申请人承诺"),
        Paragraph("一、双方出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；", BODY),
        closing(
            Paragraph(
                "二、如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任。", BODY
            ),
            *addressee(ctx.court_name, "人民法院"),
            signature_block(
                [
                    ("申请人一（签名）", cn_date(None)),
                    ("申请人二（盖章）", ""),
                    ("法定代表人或委托代理人（签名）", cn_date(None)),
                ]
            ),
        ),
    ]
    story += [
        *heading("附"),
        Paragraph("1．调解协议书原件及复印件各 1 份；", PLAIN),
        Paragraph("2．双方当事人的身份证明、资格证明各 1 份；", PLAIN),
        Paragraph("3．与调解协议相关的财产权利证明等证明材料。", PLAIN),
        legal_note(
            f"依据：{PEOPLES_MEDIATION_LAW}第三十三条。人民法院依法确认调解协议有效，一方当事人拒绝履行或者未全部履行的，"
            "对方当事人可以向人民法院申请强制执行。"
        ),
    ]
    return story
