"""Each case document renders as a valid PDF in Chinese carrying what the reader checks: the
parties, the case number, the amounts in figures and capitals, the article it rests on."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from smartunion.cases.documents import (
    DOCUMENT_KINDS,
    DOCUMENT_TITLES,
    AgreementItem,
    ClaimLine,
    DocumentUnavailable,
    capital,
    render,
)
from tests.cases.documents.samples import CASE_NUMBER, LONG_COMPANY, crowded, story_two


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with all whitespace removed: wrapping splits words across lines anywhere."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def whole_text(pdf: bytes) -> str:
    return "".join(pages_text(pdf))


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


ARTICLES = {
    "mediation_application": "《中华人民共和国劳动争议调解仲裁法》第十二条",
    "mediation_agreement": "《中华人民共和国劳动争议调解仲裁法》第十四条",
    "arbitration_application": "《中华人民共和国劳动争议调解仲裁法》第二十八条",
    "payment_order": "《中华人民共和国劳动争议调解仲裁法》第十六条",
    "judicial_confirmation": "《中华人民共和国人民调解法》第三十三条",
}
CHINESE_TITLES = {
    "mediation_application": "劳动争议调解申请书",
    "mediation_agreement": "劳动争议调解协议书",
    "arbitration_application": "劳动人事争议仲裁申请书",
    "payment_order": "支付令申请书",
    "judicial_confirmation": "司法确认申请书",
}


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_each_document_names_the_parties_the_case_and_its_article(kind):
    ctx = story_two()
    text = whole_text(render(kind, ctx))
    assert CHINESE_TITLES[kind] in text
    assert ctx.applicant.name in text
    assert ctx.employer.name in text
    assert CASE_NUMBER in text
    assert ARTICLES[kind] in text


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_every_page_carries_the_case_number_and_its_page_number(kind):
    pages = pages_text(render(kind, crowded()))
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in page
        assert "案件编号：TJ-110111-2026-000123" in page


def test_the_titles_users_see_are_the_documents_chinese_names():
    from django.utils import translation

    assert set(DOCUMENT_TITLES) == set(DOCUMENT_KINDS)
    with translation.override("zh-hans"):
        assert {kind: str(title) for kind, title in DOCUMENT_TITLES.items()} == CHINESE_TITLES


def test_the_agreement_carries_the_amounts_in_figures_and_capitals_and_its_deadline():
    ctx = story_two()
    text = whole_text(render("mediation_agreement", ctx))
    assert "21,673.30" in text
    assert "贰万壹仟陆佰柒拾叁元叁角整" in text
    assert "14,673.30" in text and "7,000.00" in text
    assert "被申请人应于2026年3月31日前履行完毕" in text  # the performance deadline, Art. 15
    assert ctx.mediator_name in text and ctx.centre_name in text
    for role in ("申请人（签名）", "被申请人（盖章）", "调解员（签名）", f"{ctx.centre_name}（印章）"):
        assert role in text
    assert "第十五条" in text and "第十六条" in text


def test_the_application_as_filed_lists_claims_facts_and_evidence():
    ctx = story_two()
    text = whole_text(render("mediation_application", ctx))
    for claim in ctx.claims:
        assert squeeze(claim.label) in text
    assert "合计（大写）：人民币贰万壹仟陆佰柒拾叁元叁角整" in text
    assert "2026年1月31日解除" in text
    assert "刘建军" in text and "西潞园小区12号楼" in text
    assert "收到日期：2026年3月2日" in text and "网上申请" in text
    assert "口头提出" not in text


def test_an_oral_application_is_recorded_on_the_spot_with_a_recorder_signature():
    text = whole_text(render("mediation_application", story_two(oral=True, channel="现场口头申请")))
    assert "本申请系申请人口头提出" in text
    assert "记录人（签名）" in text
    assert "现场口头申请" in text


def test_the_arbitration_application_holds_what_article_28_asks_for():
    ctx = story_two()
    text = whole_text(render("arbitration_application", ctx))
    worker, employer = ctx.applicant, ctx.employer
    # The worker's name, sex, age, occupation, workplace and residence.
    assert worker.name in text and "性别女" in text and "年龄38岁" in text
    assert worker.occupation in text and squeeze(worker.residence) in text
    # The employer's name, address and legal representative.
    assert employer.address in text and f"法定代表人{employer.legal_representative}" in text
    assert ctx.arbitration_committee in text
    assert "关于第1项请求：被申请人自2025年11月起未发放工资" in text
    assert "刘建军" in text and "证人陈述" in text
    assert "本申请书副本1份" in text


def test_the_arbitration_application_has_one_copy_per_respondent():
    ctx = story_two()
    agency = replace(ctx.employer, name="北京某劳务派遣有限公司")
    text = whole_text(render("arbitration_application", replace(ctx, co_respondents=(agency,))))
    assert "被申请人一" in text and "被申请人二" in text and agency.name in text
    assert "本申请书副本2份" in text


def test_the_payment_order_asks_for_what_is_overdue():
    ctx = story_two()
    text = whole_text(render("payment_order", ctx))
    assert "逾期未付款项共计21,673.30元，大写：人民币贰万壹仟陆佰柒拾叁元叁角整" in text
    assert ctx.court_name in text
    assert "2026年3月12日达成调解协议" in text
    assert "支付令申请材料清单" in text


def test_the_payment_order_leaves_out_what_was_paid_and_what_is_not_yet_due():
    ctx = story_two()
    wages, compensation = ctx.agreement_items
    partly_paid = replace(wages, paid=Decimal("10000.00"))
    not_yet_due = replace(compensation, due=ctx.generated_at.date() + timedelta(days=5))
    owed = wages.amount - partly_paid.paid
    text = whole_text(render("payment_order", replace(ctx, agreement_items=(partly_paid, not_yet_due))))
    assert f"逾期未付款项共计{owed:,.2f}元，大写：人民币{capital(owed)}" in text
    assert "4,673.30" in text


def test_no_payment_order_when_nothing_is_overdue():
    ctx = story_two()
    paid = tuple(replace(item, paid=item.amount) for item in ctx.agreement_items)
    with pytest.raises(DocumentUnavailable):
        render("payment_order", replace(ctx, agreement_items=paid))


def test_judicial_confirmation_is_joint_and_within_30_days_of_the_agreement():
    ctx = story_two()
    text = whole_text(render("judicial_confirmation", ctx))
    last_day = ctx.agreement_date + timedelta(days=30)
    assert f"（即{last_day.year}年{last_day.month}月{last_day.day}日前）共同向人民法院申请司法确认" in text
    assert "申请人一（劳动者）" in text and "申请人二（用人单位）" in text
    assert "贰万壹仟陆佰柒拾叁元叁角整" in text


@pytest.mark.parametrize("kind", ["mediation_agreement", "judicial_confirmation"])
def test_no_agreement_documents_without_an_agreement(kind):
    with pytest.raises(DocumentUnavailable):
        render(kind, story_two(agreement_items=(), agreement_terms=(), agreement_date=None))


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown document kind"):
        render("court_judgment", story_two())


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_long_names_and_twelve_claims_keep_every_word(kind):
    ctx = crowded()
    assert len(LONG_COMPANY) >= 40 and len(ctx.claims) == 12
    text = whole_text(render(kind, ctx))
    assert LONG_COMPANY in text
    # The middle dot of a Uyghur name is printed with the glyph the font has.
    assert "阿卜杜热合曼・买买提艾力" in text
    if kind in ("mediation_application", "arbitration_application"):
        assert squeeze(ctx.claims[11].label) in text
        assert f"合计（大写）：人民币{capital(ctx.claimed_total)}" in text


def test_markup_in_user_text_is_printed_as_written():
    ctx = story_two()
    worker = replace(ctx.applicant, name="<b>张&三</b>")
    claim = ClaimLine(label="支付<工资> & 补偿", amount=Decimal("1.00"))
    text = whole_text(render("mediation_application", replace(ctx, applicant=worker, claims=(claim,))))
    assert "<b>张&三</b>" in text and "支付<工资>&补偿" in text


def test_the_same_case_gives_the_same_bytes():
    assert render("mediation_agreement", story_two()) == render("mediation_agreement", story_two())


def test_blank_fields_print_lines_to_fill_in():
    ctx = story_two(court_name="", arbitration_committee="")
    assert "＿＿＿＿＿＿人民法院" in whole_text(render("judicial_confirmation", ctx))
    assert "＿＿＿＿＿＿劳动人事争议仲裁委员会" in whole_text(render("arbitration_application", ctx))


def test_an_agreement_item_amount_is_money_with_two_decimals():
    item = AgreementItem(what="工资", amount=Decimal("100.005"), due=story_two().received_on)
    with pytest.raises(ValueError):
        render("mediation_agreement", story_two(agreement_items=(item,)))


@pytest.mark.parametrize("markup", ["", "<b>刘芳</b>"])
def test_no_line_starts_with_a_comma_at_any_width(markup):
    # GB/T 15834: a full-width comma never begins a line, in plain text (reportlab's textsplit
    # wraps it) and in text with markup (its paragraph module wraps that). Story 2's agreement
    # printed "，申请人于…" at the head of a line before both were taught the rule.
    from reportlab.platypus import Paragraph

    from smartunion.cases.documents.layout import BODY, NOT_AT_LINE_START, register_font

    register_font()
    text = f"申请人{markup or '刘芳'}与被申请人北京房山示例商贸有限公司因拖欠工资发生劳动争议，申请人于2026年12月6日申请调解。"
    heads = []
    for width in range(380, 470):
        paragraph = Paragraph(text, BODY)
        paragraph.wrap(width, 1000)
        for line in paragraph.blPara.lines[1:]:
            words = line[1] if isinstance(line, tuple | list) else [w.text for w in line.words]
            heads.append("".join(words)[:1])
    assert heads and not [h for h in heads if h in NOT_AT_LINE_START]
