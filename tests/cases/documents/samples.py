"""Contexts for the document tests: story 2 of PRODUCT.md (a worker in 房山区 whose employer agreed to
end her contract and pay 21,673.30 yuan, then never paid), and a long, crowded variant."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from smartunion.cases.documents import (
    AgreementItem,
    ClaimLine,
    DocumentContext,
    Employer,
    EvidenceLine,
    Worker,
)
from smartunion.core import personal

BEIJING = ZoneInfo("Asia/Shanghai")
CASE_NUMBER = "TJ-110111-2026-000123"

WORKER = Worker(
    name="王秀兰",
    sex=personal.FEMALE,
    birth_date=date(1988, 3, 12),
    ethnicity="汉族",
    id_number="11011119880312002X",
    occupation="仓储分拣员",
    workplace="北京顺达仓储物流有限公司",
    residence="北京市房山区长阳镇长政南街8号院3号楼2单元501",
    mobile="13912345678",
)
EMPLOYER = Employer(
    name="北京顺达仓储物流有限公司",
    credit_code="91110111MA01B2C3DA",
    address="北京市房山区阎村镇阎富路16号",
    legal_representative="赵建国",
    legal_representative_title="执行董事",
    contact_name="孙丽（人事主管）",
    contact_phone="010-69351234",
)


def story_two(**changes: object) -> DocumentContext:
    ctx = DocumentContext(
        case_number=CASE_NUMBER,
        centre_name="北京市房山区劳动人事争议调解中心",
        centre_address="北京市房山区良乡镇政通路1号",
        centre_phone="010-89350000",
        received_on=date(2026, 3, 2),
        channel="网上申请",
        applicant=WORKER,
        employer=EMPLOYER,
        dispute_types=("拖欠工资", "经济补偿"),
        employment_start=date(2021, 6, 1),
        employment_end=date(2026, 1, 31),
        claims=(
            ClaimLine(
                label="支付2025年11月至2026年1月拖欠的工资",
                amount=Decimal("14673.30"),
                reason="被申请人自2025年11月起未发放工资，每月应发工资4,891.10元。",
            ),
            ClaimLine(
                label="支付协商解除劳动合同的经济补偿",
                amount=Decimal("7000.00"),
                reason="双方于2026年1月31日协商解除劳动合同，被申请人承诺支付经济补偿但至今未付。",
            ),
        ),
        facts=(
            "申请人于2021年6月1日入职被申请人处，从事仓储分拣工作，双方签订了书面劳动合同。\n"
            "2026年1月，被申请人提出与申请人协商解除劳动合同，双方约定于2026年1月31日解除，"
            "被申请人承诺结清拖欠工资并支付经济补偿，但至今分文未付。"
        ),
        evidence=(
            EvidenceLine(description="劳动合同书", source="申请人持有"),
            EvidenceLine(description="2025年11月至2026年1月考勤记录截图", source="被申请人考勤系统"),
            EvidenceLine(
                description="同事证言：证明被申请人自2025年11月起停发工资",
                source="证人陈述",
                witness_name="刘建军",
                witness_address="北京市房山区良乡镇西潞园小区12号楼",
            ),
        ),
        agreement_items=(
            AgreementItem(what="拖欠工资", amount=Decimal("14673.30"), due=date(2026, 3, 31)),
            AgreementItem(what="解除劳动合同经济补偿", amount=Decimal("7000.00"), due=date(2026, 3, 31)),
        ),
        agreement_terms=("双方劳动关系已于2026年1月31日解除，除本协议约定事项外，双方再无其他劳动争议。",),
        agreement_date=date(2026, 3, 12),
        performance_deadline=date(2026, 3, 31),
        mediator_name="李明",
        arbitration_committee="北京市房山区劳动人事争议仲裁委员会",
        court_name="北京市房山区人民法院",
        generated_at=datetime(2026, 4, 10, 9, 30, tzinfo=BEIJING),
    )
    return replace(ctx, **changes)  # type: ignore[arg-type]


LONG_COMPANY = "北京市房山区长阳镇某某某国际供应链管理与仓储物流科技服务集团股份有限公司第一分公司"


def crowded(**changes: object) -> DocumentContext:
    """40-character company name, 12 claims, long text everywhere, a collective case."""
    assert len(LONG_COMPANY) >= 40
    employer = replace(EMPLOYER, name=LONG_COMPANY, address="北京市房山区" + "阎村镇阎富路十六号院" * 6)
    worker = replace(WORKER, workplace=LONG_COMPANY, name="阿卜杜热合曼·买买提艾力")
    claims = tuple(
        ClaimLine(
            label=f"支付2025年{month}月拖欠的工资及加班费、高温津贴、夜班补贴等各项劳动报酬（第{month}项）",
            amount=Decimal("1806.11") * month,
            reason="被申请人未依约支付。" * 8,
        )
        for month in range(1, 13)
    )
    items = tuple(
        AgreementItem(what=f"第{n}期拖欠工资及补偿款项", amount=Decimal("123456.78"), due=date(2026, 3, n))
        for n in range(1, 13)
    )
    ctx = story_two(
        applicant=worker,
        employer=employer,
        co_respondents=(replace(EMPLOYER, name="北京某劳务派遣有限公司"),),
        claims=claims,
        agreement_items=items,
        facts="申请人长期加班。" * 120,
        representatives=tuple(replace(WORKER, name=f"代表{n}") for n in range(1, 6)),
        collective_headcount=36,
        case_number="TJ-110111-2026-000123-COLLECTIVE-" + "X" * 40,
    )
    return replace(ctx, **changes)  # type: ignore[arg-type]
