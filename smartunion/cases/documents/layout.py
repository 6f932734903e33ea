"""The page and the pieces every case document is built from: fonts, styles, the title, the party
tables, money tables, signature blocks, the footer with the case number and page numbers.

Chinese text uses reportlab's built-in CID font STSong-Light: nothing is downloaded or embedded, a
PDF reader supplies a Song face for it. Every string from a user is escaped before it reaches a
Paragraph, which would otherwise read ``<`` or ``&`` as markup.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as reportlab_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as reportlab_paragraph

from .context import AgreementItem, ClaimLine, Employer, EvidenceLine, Worker
from .money import capital, figures

FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = A4
# Margins after GB/T 9704 (the layout of official documents), a little narrower at the top and
# bottom since these are forms rather than 公文.
LEFT, RIGHT, TOP, BOTTOM = 2.8 * cm, 2.6 * cm, 2.5 * cm, 2.5 * cm
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT
BLANK = "＿＿＿＿＿＿"
GRID = colors.Color(0.25, 0.25, 0.25)
SHADE = colors.Color(0.93, 0.93, 0.93)


# Marks that must not begin a line (GB/T 15834 标点符号用法, 4.x: 句号、逗号、顿号、分号、冒号 …
# are not placed at the head of a line). reportlab's list has 。、） but not the full-width comma,
# colon, semicolon, question and exclamation marks or the closing quotes and title marks.
NOT_AT_LINE_START = "，：；！？」』】》〉”’"


@cache
def register_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # reportlab reads these module globals when it wraps CJK text, and keeps one such mark at the
    # end of the line (hanging in the margin) instead of starting the next line with it. Two copies:
    # a paragraph of one run of text is wrapped by textsplit.wordSplit, one with several runs
    # (markup) by paragraph.cjkFragSplit, each reading its own module's name.
    for module in (reportlab_textsplit, reportlab_paragraph):
        missing = "".join(c for c in NOT_AT_LINE_START if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing
    return FONT


def _style(name: str, size: float, leading: float, **kwargs: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=leading, wordWrap="CJK", **kwargs)


BODY = _style("body", 12, 21, alignment=TA_JUSTIFY, firstLineIndent=24)
PLAIN = _style("plain", 12, 21, alignment=TA_LEFT)
HEADING = _style("heading", 13, 22, spaceBefore=10, spaceAfter=4)
META = _style("meta", 10.5, 16, alignment=TA_RIGHT)
CELL = _style("cell", 10.5, 15)
CELL_LABEL = _style("cell-label", 10.5, 15, alignment=TA_CENTER)
CELL_NUMBER = _style("cell-number", 10.5, 15, alignment=TA_RIGHT)
NOTE = _style("note", 9.5, 15, alignment=TA_JUSTIFY, textColor=colors.Color(0.2, 0.2, 0.2))
ADDRESSEE = _style("addressee", 12, 21)
SIGN = _style("sign", 12, 24)


# Middle dots that Adobe-GB1 (the character collection of STSong-Light) has no glyph for, drawn as
# the katakana middle dot it has: names such as 阿卜杜热合曼·买买提 keep their separator.
MIDDLE_DOTS = str.maketrans(dict.fromkeys("\u00b7\u2022\u2027\u22c5\uff65", "\u30fb"))


def text(value: str) -> str:
    """User text made safe for a Paragraph and for the font."""
    return escape(value.translate(MIDDLE_DOTS))


def or_blank(value: str) -> str:
    return text(value) if value.strip() else BLANK


def cn_date(day: date | None) -> str:
    """``2026年3月5日``, as GB/T 9704 writes dates; a blank to fill in by hand when unknown."""
    if day is None:
        return "　　　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


def money_in_words(amount: Decimal) -> str:
    # No closing bracket: reportlab hangs one closing mark in the margin but sends a second (the
    # 。 after a ）) to the start of the next line, so sentences here never end in ）。.
    return f"{figures(amount)} 元，大写：人民币{capital(amount)}"


class Title(Flowable):
    """The document's title, centred and set in a heavier stroke (the built-in Song has no bold),
    shrunk to fit the line when a long title would overflow."""

    def __init__(self, title: str, size: float = 20) -> None:
        super().__init__()
        self.title = title
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        natural = pdfmetrics.stringWidth(self.title, FONT, self.size) * 1.08
        if natural > available_width:
            self.size = self.size * available_width / natural
        self.height = self.size * 2.2
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(FONT, self.size)
        canvas.setLineWidth(self.size / 40)
        text_object = canvas.beginText()
        text_object.setTextRenderMode(2)  # fill and stroke: a faux bold
        text_object.setCharSpace(self.size * 0.08)
        width = pdfmetrics.stringWidth(self.title, FONT, self.size) + self.size * 0.08 * (len(self.title) - 1)
        text_object.setTextOrigin((self.width - width) / 2, self.size * 0.7)
        text_object.textOut(self.title)
        canvas.drawText(text_object)
        canvas.restoreState()


def paragraphs(body: str, style: ParagraphStyle = BODY) -> list[Flowable]:
    """A block of user text: one Paragraph per non-empty line."""
    return [Paragraph(text(line.strip()), style) for line in body.splitlines() if line.strip()]


def heading(label: str) -> list[Flowable]:
    """A section heading, moved to the next page when too little room is left for a few lines of
    its section (a KeepTogether with the section would push whole tables to the next page)."""
    return [CondPageBreak(3.5 * cm), Paragraph(label, HEADING)]


def _grid(data: list[list[Any]], widths: Sequence[float], *, extra: Iterable[tuple[Any, ...]] = ()) -> Table:
    table = Table(data, colWidths=list(widths), repeatRows=0, hAlign="LEFT", spaceBefore=2, spaceAfter=8)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                *extra,
            ]
        )
    )
    return table


def fields_table(rows: Sequence[tuple[str, str] | tuple[str, str, str, str]]) -> Table:
    """A form-style grid: label, value (and a second label, value on the same row). A row of two
    cells spans its value across the width."""
    label_width = 3.4 * cm
    value_width = (FRAME_WIDTH - 2 * label_width) / 2
    data: list[list[Any]] = []
    extra: list[tuple[Any, ...]] = []
    for index, row in enumerate(rows):
        if len(row) == 2:
            data.append([Paragraph(row[0], CELL_LABEL), Paragraph(or_blank(row[1]), CELL), "", ""])
            extra.append(("SPAN", (1, index), (3, index)))
        else:
            data.append(
                [
                    Paragraph(row[0], CELL_LABEL),
                    Paragraph(or_blank(row[1]), CELL),
                    Paragraph(row[2], CELL_LABEL),
                    Paragraph(or_blank(row[3]), CELL),
                ]
            )
        extra.append(("BACKGROUND", (0, index), (0, index), SHADE))
        # A party's few lines stay on one page.
        extra.append(("NOSPLIT", (0, 0), (-1, index)))
        if len(row) == 4:
            extra.append(("BACKGROUND", (2, index), (2, index), SHADE))
    return _grid(data, [label_width, value_width, label_width, value_width], extra=extra)


def worker_table(worker: Worker, *, on: date, id_number: bool = True) -> Table:
    age = worker.age_on(on)
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = [
        ("姓　　名", worker.name, "性　　别", worker.sex_label),
        (
            "出生日期",
            cn_date(worker.birth_date) if worker.birth_date else "",
            "年　　龄",
            f"{age}岁" if age is not None else "",
        ),
        ("民　　族", worker.ethnicity, "联系电话", worker.mobile),
    ]
    if id_number:
        rows.append(("身份证号码", worker.id_number))
    rows += [
        ("职　　业", worker.occupation),
        ("工作单位", worker.workplace),
        ("住　　所", worker.residence),
    ]
    return fields_table(rows)


def employer_table(employer: Employer) -> Table:
    return fields_table(
        [
            ("名　　称", employer.name),
            ("统一社会信用代码", employer.credit_code),
            ("住　　所", employer.address),
            ("法定代表人", employer.legal_representative, "职　　务", employer.legal_representative_title),
            ("联 系 人", employer.contact_name, "联系电话", employer.contact_phone),
        ]
    )


def representatives_table(workers: Sequence[Worker]) -> Table:
    widths = [1.2 * cm, 3.0 * cm, 1.4 * cm, 3.2 * cm, FRAME_WIDTH - 8.8 * cm]
    data: list[list[Any]] = [
        [Paragraph(h, CELL_LABEL) for h in ("序号", "姓名", "性别", "联系电话", "住所")],
    ]
    for number, worker in enumerate(workers, start=1):
        data.append(
            [
                Paragraph(str(number), CELL_LABEL),
                Paragraph(text(worker.name), CELL),
                Paragraph(worker.sex_label, CELL_LABEL),
                Paragraph(text(worker.mobile), CELL),
                Paragraph(text(worker.residence), CELL),
            ]
        )
    return _header_table(data, widths)


def _header_table(
    data: list[list[Any]], widths: Sequence[float], *, extra: Iterable[tuple[Any, ...]] = ()
) -> Table:
    table = _grid(data, widths, extra=[("BACKGROUND", (0, 0), (-1, 0), SHADE), *extra])
    table.repeatRows = 1
    return table


def _total_row(
    data: list[list[Any]], total: Decimal, columns: int, amount_column: int
) -> list[tuple[Any, ...]]:
    """Appends the 合计 row, in capitals and figures, to a money table; returns its style. The row
    is kept on the page of the line above it."""
    row = len(data)
    cells: list[Any] = [""] * columns
    cells[0] = Paragraph(f"合计（大写）：人民币{capital(total)}", CELL)
    cells[amount_column] = Paragraph(figures(total), CELL_NUMBER)
    data.append(cells)
    return [
        ("SPAN", (0, row), (amount_column - 1, row)),
        ("BACKGROUND", (0, row), (-1, row), SHADE),
        ("NOSPLIT", (0, row - 1), (-1, row)),
    ]


def claims_table(claims: Sequence[ClaimLine]) -> Table:
    widths = [1.2 * cm, FRAME_WIDTH - 4.7 * cm, 3.5 * cm]
    data: list[list[Any]] = [[Paragraph(h, CELL_LABEL) for h in ("序号", "请求事项", "金额（元）")]]
    for number, claim in enumerate(claims, start=1):
        data.append(
            [
                Paragraph(str(number), CELL_LABEL),
                Paragraph(text(claim.label), CELL),
                Paragraph(figures(claim.amount) if claim.amount is not None else "—", CELL_NUMBER),
            ]
        )
    amounts = [c.amount for c in claims if c.amount is not None]
    extra = _total_row(data, sum(amounts, Decimal("0.00")), 3, 2) if amounts else []
    return _header_table(data, widths, extra=extra)


def evidence_table(evidence: Sequence[EvidenceLine]) -> Table:
    widths = [1.2 * cm, 5.6 * cm, 4.0 * cm, FRAME_WIDTH - 10.8 * cm]
    data: list[list[Any]] = [
        [Paragraph(h, CELL_LABEL) for h in ("序号", "证据名称及内容", "证据来源", "证人姓名、住所")]
    ]
    for number, line in enumerate(evidence, start=1):
        witness = "，".join(text(part) for part in (line.witness_name, line.witness_address) if part)
        data.append(
            [
                Paragraph(str(number), CELL_LABEL),
                Paragraph(text(line.description), CELL),
                Paragraph(text(line.source), CELL),
                Paragraph(witness or "—", CELL),
            ]
        )
    return _header_table(data, widths)


def agreement_table(items: Sequence[AgreementItem]) -> Table:
    widths = [1.2 * cm, FRAME_WIDTH - 7.8 * cm, 3.0 * cm, 3.6 * cm]
    data: list[list[Any]] = [
        [Paragraph(h, CELL_LABEL) for h in ("序号", "给付事项", "金额（元）", "支付期限")]
    ]
    for number, item in enumerate(items, start=1):
        data.append(
            [
                Paragraph(str(number), CELL_LABEL),
                Paragraph(text(item.what), CELL),
                Paragraph(figures(item.amount), CELL_NUMBER),
                Paragraph(f"{cn_date(item.due)}前", CELL_LABEL),
            ]
        )
    extra = _total_row(data, sum((i.amount for i in items), Decimal("0.00")), 4, 2)
    return _header_table(data, widths, extra=extra)


def overdue_table(items: Sequence[AgreementItem], *, on: date) -> Table:
    """Each agreed payment with what was paid and what is still owed past its date."""
    widths = [1.2 * cm, FRAME_WIDTH - 12.6 * cm, 2.6 * cm, 3.2 * cm, 2.6 * cm, 3.0 * cm]
    data: list[list[Any]] = [
        [
            Paragraph(h, CELL_LABEL)
            for h in ("序号", "给付事项", "约定金额", "约定期限", "已付金额", "逾期未付")
        ]
    ]
    for number, item in enumerate(items, start=1):
        overdue = item.outstanding if item.due < on else Decimal("0.00")
        data.append(
            [
                Paragraph(str(number), CELL_LABEL),
                Paragraph(text(item.what), CELL),
                Paragraph(figures(item.amount), CELL_NUMBER),
                Paragraph(f"{cn_date(item.due)}前", CELL_LABEL),
                Paragraph(figures(item.paid), CELL_NUMBER),
                Paragraph(figures(overdue), CELL_NUMBER),
            ]
        )
    total = sum((i.outstanding for i in items if i.due < on), Decimal("0.00"))
    extra = _total_row(data, total, 6, 5)
    return _header_table(data, widths, extra=extra)


def addressee(name: str, blank_suffix: str) -> list[Flowable]:
    """此致 / the body addressed, on its own line; a blank to fill in when the name is unknown."""
    return [
        Spacer(1, 8),
        Paragraph("此致", _style("zhi", 12, 21, firstLineIndent=24)),
        Paragraph(text(name) if name.strip() else f"{BLANK}{blank_suffix}", ADDRESSEE),
    ]


def closing(*flowables: Flowable) -> Flowable:
    """The end of a document (its last sentence, the addressee, the signatures) kept on one page,
    so a signature never stands on a page of its own."""
    return KeepTogether(list(flowables))


def signature_block(rows: Sequence[tuple[str, str]], *, indent: float = 6.5 * cm) -> Flowable:
    """Signature lines at the right of the page: each a role and the date it was signed."""
    width = FRAME_WIDTH - indent
    data = []
    for role, when in rows:
        data.append([Paragraph(f"{role}：", SIGN)])
        data.append([Paragraph(when, _style("when", 12, 24, alignment=TA_RIGHT))])
    table = Table(data, colWidths=[width], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                *[("BOTTOMPADDING", (0, i), (-1, i), 12) for i in range(1, len(data), 2)],
            ]
        )
    )
    return KeepTogether([Spacer(1, 14), table])


def seal_block(organisation: str, day: date | None) -> Flowable:
    """The organisation's name and the date, with room above for its seal."""
    right = _style("seal", 12, 22, alignment=TA_RIGHT)
    return KeepTogether(
        [
            Spacer(1, 18),
            Paragraph(f"{text(organisation)}（印章）", right),
            Paragraph(cn_date(day), right),
        ]
    )


def legal_note(content: str) -> Paragraph:
    return Paragraph(content, NOTE)


def _footer_canvas(footer: str) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so each footer can say 第 n 页 共 m 页."""

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            y = BOTTOM - 0.9 * cm
            self.line(LEFT, y + 12, PAGE_WIDTH - RIGHT, y + 12)
            self.setFont(FONT, 9)
            label = f"案件编号：{footer}"
            page = f"第 {number} 页　共 {total} 页"
            page_width = pdfmetrics.stringWidth(page, FONT, 9)
            room = FRAME_WIDTH - page_width - 12
            while pdfmetrics.stringWidth(label, FONT, 9) > room and len(label) > 8:
                label = label[:-2] + "…"
            self.drawString(LEFT, y, label)
            self.drawRightString(PAGE_WIDTH - RIGHT, y, page)
            self.restoreState()

    return FooterCanvas


def build(*, title: str, case_number: str, story: list[Flowable]) -> bytes:
    """The PDF of ``story`` on A4, with the footer; the same input gives the same bytes."""
    register_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=title,
        subject=case_number,
        creator="smartunion",
        invariant=True,
    )
    document.build([Title(title), *story], canvasmaker=_footer_canvas(case_number))
    return buffer.getvalue()
