"""The demo federation: a Beijing-shaped tree, its enterprises and one account per role.

Everything is derived from one seed with ``random.Random(seed)`` (never the global generator), so
two runs with the same seed build the same names, codes, passwords and TOTP secrets. The plan is
pure data (``build_plan``); ``seed_demo`` writes it through the same services the console uses
(``org_create``, ``enterprise_create``, ``staff_create``, ``worker_register``), so paths, counters
and the audit chain are exactly what the product itself would have written.

The demo passwords and TOTP secrets are printed and are reproducible from the seed: a demo database
must never become a production database (the command refuses to run with SMARTUNION_ENV=production).

Why one module of ~900 lines: it is one pipeline read top to bottom (the name tables, the plan, the
accounts, the writes, the printout), run only by ``seed_demo``, the benchmarks and the tests. Its
steps draw from one random generator in a fixed order, so the same seed builds the same federation;
split across modules, a change in one would silently change what the others generate. About a
sixth of it is the data tables of Beijing's districts and the names they produce.
"""

from __future__ import annotations

import base64
import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from smartunion.accounts.models import Role, RoleGrant
from smartunion.accounts.permissions import DEFAULT_ROLES
from smartunion.accounts.services import one_time_code_send, staff_create, totp_set_secret, worker_register
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.codes import CREDIT_CODE_CHARS, credit_code_check_char
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Enterprise, Org, OrgKind
from smartunion.orgs.services import enterprise_create, org_create

DEFAULT_SEED = 20260101
MARKER_ACTION = AuditAction.DEMO_SEED
CITY_NAME = "北京市总工会"
CITY_REGION = "110000"

# Grassroots unions under the streets, per scale. "tiny" is for quick local checks only; "large" is
# the medium tree with a million members (members.demo.MEMBER_COUNTS), on PostgreSQL.
SCALES: dict[str, int] = {"tiny": 48, "small": 600, "medium": 6000, "large": 6000}

# GB/T 2260 district codes (DOMAIN.md), the slug used in demo usernames, a rough weight for how
# many grassroots unions each holds, and a few streets/townships as "suffix name" pairs: the
# suffix extends the district code to the 9-digit street code. Street names are real; the
# suffixes are plausible rather than checked against the statistics bureau's list.
_DISTRICT_TABLE: list[tuple[str, str, str, int, str]] = [
    (
        "110101",
        "东城区",
        "dongcheng",
        6,
        "001 东华门街道 002 景山街道 003 交道口街道 004 安定门街道 005 北新桥街道 006 东四街道",
    ),
    (
        "110102",
        "西城区",
        "xicheng",
        7,
        "001 西长安街街道 003 新街口街道 007 月坛街道 009 展览路街道 010 德胜街道 011 金融街街道",
    ),
    (
        "110105",
        "朝阳区",
        "chaoyang",
        14,
        "001 建外街道 002 朝外街道 003 呼家楼街道 004 三里屯街道 005 左家庄街道 008 安贞街道 011 酒仙桥街道 026 望京街道",
    ),
    (
        "110106",
        "丰台区",
        "fengtai",
        8,
        "001 右安门街道 002 太平桥街道 003 西罗园街道 004 大红门街道 005 南苑街道 008 卢沟桥街道",
    ),
    (
        "110107",
        "石景山区",
        "shijingshan",
        4,
        "001 八宝山街道 002 老山街道 003 八角街道 004 古城街道 005 苹果园街道",
    ),
    (
        "110108",
        "海淀区",
        "haidian",
        14,
        "001 万寿路街道 002 永定路街道 003 羊坊店街道 004 甘家口街道 006 紫竹院街道 009 学院路街道 010 中关村街道 011 海淀街道",
    ),
    ("110109", "门头沟区", "mentougou", 2, "001 大峪街道 002 城子街道 003 东辛房街道 101 龙泉镇 102 永定镇"),
    (
        "110111",
        "房山区",
        "fangshan",
        5,
        "001 城关街道 002 新镇街道 004 向阳街道 008 拱辰街道 009 西潞街道 101 良乡镇 102 长阳镇",
    ),
    (
        "110112",
        "通州区",
        "tongzhou",
        7,
        "001 中仓街道 002 新华街道 003 北苑街道 004 玉桥街道 101 永顺镇 102 梨园镇 103 宋庄镇",
    ),
    (
        "110113",
        "顺义区",
        "shunyi",
        7,
        "001 胜利街道 002 光明街道 003 石园街道 004 空港街道 101 仁和镇 102 后沙峪镇 103 天竺镇",
    ),
    (
        "110114",
        "昌平区",
        "changping",
        7,
        "001 城北街道 002 城南街道 003 天通苑北街道 004 霍营街道 005 回龙观街道 101 南口镇",
    ),
    (
        "110115",
        "大兴区",
        "daxing",
        7,
        "001 兴丰街道 002 林校路街道 003 清源街道 004 观音寺街道 101 亦庄镇 102 旧宫镇",
    ),
    ("110116", "怀柔区", "huairou", 3, "001 泉河街道 002 龙山街道 101 怀柔镇 102 雁栖镇 103 庙城镇"),
    ("110117", "平谷区", "pinggu", 2, "001 滨河街道 002 兴谷街道 101 峪口镇 102 马坊镇 103 金海湖镇"),
    ("110118", "密云区", "miyun", 2, "001 鼓楼街道 002 果园街道 101 密云镇 102 溪翁庄镇 103 西田各庄镇"),
    (
        "110119",
        "延庆区",
        "yanqing",
        2,
        "001 百泉街道 002 香水园街道 003 儒林街道 101 延庆镇 102 康庄镇 103 八达岭镇",
    ),
]
DISTRICTS: list[tuple[str, str, str, int, list[tuple[str, str]]]] = [
    (code, name, slug, weight, list(zip(streets.split()[::2], streets.split()[1::2], strict=True)))
    for code, name, slug, weight, streets in _DISTRICT_TABLE
]

# Industry unions directly under the city federation, with the GB/T 4754 section of their members.
INDUSTRY_UNIONS: list[tuple[str, str]] = [
    ("北京市金融工会", "J"),
    ("北京市建设工会", "E"),
    ("北京市商贸服务业工会", "F"),
    ("北京市交通运输工会", "G"),
    ("北京市教育工会", "P"),
    ("北京市卫生健康工会", "Q"),
]

# Platform companies (fictitious legal names): district, name, GB/T 4754 section, headcount, and the
# brand names workers know them by and type into the join page's search. The brands are the real
# platforms' (a rider searches 美团, not a licence name); the companies and their codes are not.
PLATFORMS: list[tuple[str, str, str, int, str]] = [
    ("110105", "北京迅达同城配送科技有限公司", "G", 4200, "美团, 美团外卖, 美团众包"),
    ("110108", "北京畅行网约车科技有限公司", "I", 3100, "滴滴, 滴滴出行, 花小猪"),
    ("110111", "北京骑士即时物流有限公司", "G", 1600, "饿了么, 蜂鸟即配"),
    ("110113", "北京快马货运信息技术有限公司", "G", 2300, "顺丰, 顺丰速运, 顺丰同城"),
    ("110112", "北京到家家政服务平台有限公司", "O", 900, "58到家, 天鹅到家"),
]

# Words for company names by GB/T 4754 section, and how common each section is in the demo.
INDUSTRY_WORDS: dict[str, list[str]] = {
    "C": ["机械制造", "精密仪器", "食品", "医药", "电子设备", "汽车零部件", "新材料", "印刷"],
    "D": ["热力", "燃气", "供水"],
    "E": ["建筑工程", "建设", "市政工程", "装饰工程", "安装工程"],
    "F": ["商贸", "超市", "连锁", "百货", "医药连锁", "建材"],
    "G": ["物流", "运输", "快递", "仓储", "货运", "客运"],
    "H": ["餐饮管理", "酒店管理", "快餐", "餐饮"],
    "I": ["科技", "信息技术", "软件", "网络科技", "数据科技", "智能科技"],
    "J": ["融资租赁", "保险经纪", "资产管理"],
    "K": ["物业管理", "房地产开发", "物业服务"],
    "L": ["人力资源", "商务服务", "保安服务", "会展服务", "劳务派遣"],
    "M": ["检测技术", "工程设计", "环境技术", "生物技术"],
    "N": ["环境工程", "园林绿化", "环卫服务"],
    "O": ["家政服务", "汽车维修", "洗衣服务", "养老服务"],
    "P": ["教育科技", "职业技能培训"],
    "Q": ["健康管理", "康复医疗", "口腔诊所"],
    "R": ["文化传媒", "体育发展", "影视制作"],
}
INDUSTRY_WEIGHTS: dict[str, int] = dict(
    zip("CDEFGHIJKLMNOPQR", [14, 1, 9, 14, 10, 10, 12, 2, 6, 9, 5, 3, 4, 2, 2, 3], strict=True)
)
BRAND_CHARS = "华瑞鑫盛达恒兴隆泰安康宏远博创嘉聚凯新天金中京燕长城顺丰源通汇祥福裕宝利佳美明德信诚正和"
COMPANY_SUFFIXES = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
JOINT_THEMES = "商务楼宇 小微企业 商圈 物流园区 餐饮行业 科技园区 建材市场 家政服务业 快递行业".split()
ROADS = "长安 建设 兴华 文化 光明 胜利 友谊 和平 创新 科技 振兴 滨河 新华 育才 府前 工业 园区 体育 民主 复兴".split()
ROAD_SUFFIXES = ["路", "街", "大街", "东路", "西路", "南路", "北路"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_NAMES = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 建国 建华 海燕 志强 晓东 丹".split()
CHINESE_NUMERALS = "一二三四五六七八九十"

# How staff display names read, per role code.
ROLE_TITLES = {
    "federation_admin": "系统管理员",
    "union_staff": "工会干部",
    "grassroots_staff": "基层工会干部",
    "mediator": "调解员",
    "legal_aid_officer": "法律援助专员",
    "merchant_clerk": "商户核销员",
    "cockpit_viewer": "驾驶舱查看员",
    "audit_admin": "审计管理员",
}
# Staff accounts: one per role at these nodes (district code or the city), named <slug>.<role>.
STAFF_NODES = [(CITY_REGION, "city"), ("110111", "fangshan"), ("110113", "shunyi")]
# A district's mediator works at its mediation centre and its legal-aid officer at its legal-service
# centre (the centre's queue is their day's work); the other roles at the district union itself.
CENTRE_ROLES = {"mediator": "mediation", "legal_aid_officer": "legal"}
GRASSROOTS_STAFF_DISTRICTS = [("110111", "fangshan"), ("110113", "shunyi")]
PASSWORD_WORDS = "Amber Birch Cedar Delta Ember Falcon Harbor Indigo Jasper Lotus Maple Nimbus Orchid Pine Quartz River Summit Tiger Willow Zephyr".split()
WORKERS = [("王建国", "G"), ("李娜", "H"), ("赵磊", "C")]


# --- The plan: pure data, derived from the seed --------------------------------------------------


@dataclass
class OrgPlan:
    key: str
    parent_key: str | None
    name: str
    kind: str
    region_code: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    accepts_direct_joining: bool = False
    group: str = ""  # the district (or the city) it is built with, for progress reports


@dataclass
class EnterprisePlan:
    name: str
    credit_code: str
    industry: str
    headcount: int
    address: str
    org_key: str
    covering_key: str | None
    is_platform: bool = False
    brand_names: str = ""
    group: str = ""


@dataclass
class Plan:
    scale: str
    seed: int
    orgs: list[OrgPlan] = field(default_factory=list)
    enterprises: list[EnterprisePlan] = field(default_factory=list)
    # district code -> key of the grassroots union where that district's demo grassroots staff works
    grassroots_staff_unions: dict[str, str] = field(default_factory=dict)


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), at least 1 each."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > total:
        biggest = max(range(len(counts)), key=lambda j: counts[j])
        counts[biggest] -= 1
    return counts


def _organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 body characters and their check character."""
    if rng.random() < 0.6:  # codes issued since 2015 in Beijing mostly start with MA
        body = "MA0" + "".join(rng.choice(CREDIT_CODE_CHARS) for _ in range(5))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(rng: random.Random, district_code: str) -> str:
    """GB 32100-2015: '91' (an enterprise registered with market regulation), the registering
    division (characters 3-8), the organisation code, and the check character."""
    first17 = "91" + district_code + _organisation_code(rng)
    return first17 + credit_code_check_char(first17)


class _Namer:
    """Unique, realistic names and codes from one generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.company_names: set[str] = set()
        self.credit_codes: set[str] = set()
        self.org_names: set[str] = set()
        self.sections = list(INDUSTRY_WEIGHTS)
        self.section_weights = [INDUSTRY_WEIGHTS[s] for s in self.sections]

    def section(self) -> str:
        return self.rng.choices(self.sections, weights=self.section_weights)[0]

    def company(self, section: str, district_short: str) -> str:
        rng = self.rng
        for _attempt in range(100):
            brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
            if brand[0] == brand[1]:
                continue
            words = rng.choice(INDUSTRY_WORDS[section])
            place = district_short if rng.random() < 0.3 else ""
            name = f"北京{place}{brand}{words}{rng.choice(COMPANY_SUFFIXES)}"
            if name not in self.company_names:
                self.company_names.add(name)
                return name
        raise RuntimeError("ran out of company names")

    def credit_code(self, district_code: str) -> str:
        while True:
            code = make_credit_code(self.rng, district_code)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code

    def unique_org_name(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.org_names:
            n += 1
            numeral = CHINESE_NUMERALS[n - 1] if n <= len(CHINESE_NUMERALS) else str(n)
            candidate = (
                name.replace("联合工会", f"第{numeral}联合工会") if "联合工会" in name else f"{name}（{n}）"
            )
        self.org_names.add(candidate)
        return candidate

    def address(self, district: str, street: str = "") -> str:
        rng = self.rng
        road = rng.choice(ROADS) + rng.choice(ROAD_SUFFIXES)
        return f"北京市{district}{street}{road}{rng.randint(1, 299)}号"

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def landline(self) -> str:
        return f"010-{self.rng.choice('68')}{self.rng.randrange(10**7):07d}"

    def headcount(self, low: int, high: int) -> int:
        # Mostly small and medium firms, a few large ones: log-uniform.
        return int(round(low * (high / low) ** self.rng.random()))


def build_plan(*, scale: str, seed: int = DEFAULT_SEED) -> Plan:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    namer = _Namer(rng)
    plan = Plan(scale=scale, seed=seed)
    group = CITY_NAME

    def add_org(key: str, parent_key: str | None, name: str, kind: str, region: str, **extra: Any) -> OrgPlan:
        node = OrgPlan(
            key=key,
            parent_key=parent_key,
            name=namer.unique_org_name(name),
            kind=kind,
            region_code=region,
            group=group,
            **extra,
        )
        plan.orgs.append(node)
        return node

    def add_enterprise(
        *,
        section: str,
        district_code: str,
        district: str,
        street: str,
        org_key: str,
        covering_key: str | None,
        headcount: int,
        name: str | None = None,
        is_platform: bool = False,
        brand_names: str = "",
    ) -> EnterprisePlan:
        ent = EnterprisePlan(
            name=name or namer.company(section, district[:-1]),
            credit_code=namer.credit_code(district_code),
            industry=section,
            headcount=headcount,
            address=namer.address(district, street),
            org_key=org_key,
            covering_key=covering_key,
            is_platform=is_platform,
            brand_names=brand_names,
            group=group,
        )
        plan.enterprises.append(ent)
        return ent

    def add_enterprise_union(*, ent: EnterprisePlan, key: str, parent_key: str, region: str) -> OrgPlan:
        # 工会法 第十一条: 25 or more members set up a union committee (工会委员会).
        suffix = "工会委员会" if ent.headcount >= 25 else "工会"
        return add_org(
            key,
            parent_key,
            ent.name + suffix,
            OrgKind.ENTERPRISE_UNION,
            region,
            address=ent.address,
            contact_name=namer.person(),
            contact_phone=namer.landline(),
        )

    add_org(
        "city",
        None,
        CITY_NAME,
        OrgKind.CITY_FEDERATION,
        CITY_REGION,
        address="北京市西城区复兴门外大街",
        contact_name=namer.person(),
        contact_phone=namer.landline(),
    )
    for name, _section in INDUSTRY_UNIONS:
        add_org(
            f"industry:{name}",
            "city",
            name,
            OrgKind.INDUSTRY_UNION,
            CITY_REGION,
            address=namer.address("西城区"),
            contact_name=namer.person(),
            contact_phone=namer.landline(),
        )

    per_district = _allocate(SCALES[scale], [d[3] for d in DISTRICTS])
    platforms_by_district: dict[str, list[tuple[str, str, int, str]]] = {}
    for code, name, section, headcount, brands in PLATFORMS:
        platforms_by_district.setdefault(code, []).append((name, section, headcount, brands))

    for (code, district, _slug, _weight, streets), grassroots_count in zip(
        DISTRICTS, per_district, strict=True
    ):
        dkey = f"district:{code}"
        group = district
        add_org(
            dkey,
            "city",
            f"{district}总工会",
            OrgKind.DISTRICT_UNION,
            code,
            address=namer.address(district),
            contact_name=namer.person(),
            contact_phone=namer.landline(),
        )
        add_org(
            f"{dkey}:mediation",
            dkey,
            f"{district}劳动争议调解中心",
            OrgKind.MEDIATION_CENTRE,
            code,
            address=namer.address(district),
            contact_name=namer.person(),
            contact_phone=namer.landline(),
        )
        add_org(
            f"{dkey}:legal",
            dkey,
            f"{district}总工会职工法律服务中心",
            OrgKind.LEGAL_SERVICE_CENTRE,
            code,
            address=namer.address(district),
            contact_name=namer.person(),
            contact_phone=namer.landline(),
        )
        # 工会法 第三条 (2021): new-employment-form workers may join; this union takes them directly.
        add_org(
            f"{dkey}:direct",
            dkey,
            f"{district}新就业形态劳动者联合工会",
            OrgKind.JOINT_UNION,
            code,
            address=namer.address(district),
            contact_name=namer.person(),
            contact_phone=namer.landline(),
            accepts_direct_joining=True,
        )

        street_keys = []
        for suffix, street in streets:
            skey = f"street:{code}{suffix}"
            street_keys.append((skey, street))
            add_org(
                skey,
                dkey,
                f"{street}总工会",
                OrgKind.STREET_UNION,
                code + suffix,
                address=namer.address(district, street),
                contact_name=namer.person(),
                contact_phone=namer.landline(),
            )
        for n, (skey, street) in enumerate(rng.sample(street_keys, k=1 + (rng.random() < 0.5))):
            station = "工会驿站" if n == 0 else "户外劳动者服务站"
            add_org(
                f"{skey}:station",
                skey,
                f"{street}{station}",
                OrgKind.UNION_STATION,
                skey.removeprefix("street:"),
                address=namer.address(district, street),
                contact_name=namer.person(),
                contact_phone=namer.landline(),
            )

        # Grassroots unions, spread over the streets; the first street gets at least one.
        slots = [0] + [rng.randrange(len(street_keys)) for _ in range(grassroots_count - 1)]
        counters = {skey: 0 for skey, _street in street_keys}
        platforms = list(platforms_by_district.get(code, []))
        for slot_number, street_index in enumerate(sorted(slots)):
            skey, street = street_keys[street_index]
            street_code = skey.removeprefix("street:")
            counters[skey] += 1
            gkey = f"{skey}:g{counters[skey]}"
            if platforms and slot_number > 0:
                name, section, headcount, brands = platforms.pop(0)
                ent = add_enterprise(
                    section=section,
                    district_code=code,
                    district=district,
                    street=street,
                    org_key=gkey,
                    covering_key=gkey,
                    headcount=headcount,
                    name=name,
                    is_platform=True,
                    brand_names=brands,
                )
                namer.company_names.add(name)
                add_enterprise_union(ent=ent, key=gkey, parent_key=skey, region=street_code)
            elif rng.random() < 0.8 or slot_number == 0:
                section = namer.section()
                ent = add_enterprise(
                    section=section,
                    district_code=code,
                    district=district,
                    street=street,
                    org_key=gkey,
                    covering_key=gkey,
                    headcount=namer.headcount(25, 3000),
                )
                add_enterprise_union(ent=ent, key=gkey, parent_key=skey, region=street_code)
                if slot_number == 0:
                    plan.grassroots_staff_unions[code] = gkey
            else:
                # 工会法 第十一条: units with fewer than 25 members may form a joint grassroots union.
                theme = rng.choice(JOINT_THEMES)
                street_short = (
                    street.removesuffix("街道") if street.endswith("街道") else street.removesuffix("镇")
                )
                add_org(
                    gkey,
                    skey,
                    f"{street_short}{theme}联合工会",
                    OrgKind.JOINT_UNION,
                    street_code,
                    address=namer.address(district, street),
                    contact_name=namer.person(),
                    contact_phone=namer.landline(),
                )
                for _member in range(rng.randint(2, 6)):
                    add_enterprise(
                        section=namer.section(),
                        district_code=code,
                        district=district,
                        street=street,
                        org_key=gkey,
                        covering_key=gkey,
                        headcount=rng.randint(3, 24),
                    )
        # One enterprise per street still without a union: kept on the street union's register.
        for skey, street in street_keys:
            add_enterprise(
                section=namer.section(),
                district_code=code,
                district=district,
                street=street,
                org_key=skey,
                covering_key=None,
                headcount=rng.randint(5, 120),
            )

    # A few large employers under each industry union.
    group = "行业工会"
    for name, section in INDUSTRY_UNIONS:
        ikey = f"industry:{name}"
        for n in range(1, 3):
            code, district = rng.choice([(d[0], d[1]) for d in DISTRICTS[:6]])
            ent = add_enterprise(
                section=section,
                district_code=code,
                district=district,
                street="",
                org_key=f"{ikey}:g{n}",
                covering_key=f"{ikey}:g{n}",
                headcount=namer.headcount(500, 20000),
            )
            add_enterprise_union(ent=ent, key=f"{ikey}:g{n}", parent_key=ikey, region=code)
    return plan


# --- Accounts: also derived from the seed, so a second run prints the same ones -----------------


@dataclass
class StaffAccount:
    username: str
    password: str
    totp_secret: str
    role: str
    org: str = ""
    display_name: str = ""
    org_key: str = ""


@dataclass
class WorkerAccount:
    mobile: str
    password: str
    display_name: str


def _password(rng: random.Random) -> str:
    first, second = rng.sample(PASSWORD_WORDS, 2)
    return f"{first}-{second}-{rng.randrange(1000, 10000)}"


def _totp_secret(rng: random.Random) -> str:
    return base64.b32encode(bytes(rng.getrandbits(8) for _ in range(20))).decode()


def plan_accounts(plan: Plan) -> tuple[list[StaffAccount], list[WorkerAccount]]:
    rng = random.Random(f"{plan.seed}:accounts")  # noqa: S311 - reproducible demo secrets, printed anyway
    by_key = {o.key: o for o in plan.orgs}
    staff: list[StaffAccount] = []
    for region, slug in STAFF_NODES:
        district = by_key["city" if region == CITY_REGION else f"district:{region}"]
        short = "市总工会" if region == CITY_REGION else district.name.removesuffix("总工会")
        for role in DEFAULT_ROLES:
            centre = CENTRE_ROLES.get(role) if region != CITY_REGION else None
            node = by_key[f"{district.key}:{centre}"] if centre else district
            staff.append(
                StaffAccount(
                    username=f"{slug}.{role}",
                    password=_password(rng),
                    totp_secret=_totp_secret(rng),
                    role=role,
                    org=node.name,
                    display_name=f"{short}{ROLE_TITLES.get(role, role)}",
                    org_key=node.key,
                )
            )
    for region, slug in GRASSROOTS_STAFF_DISTRICTS:
        node = by_key[plan.grassroots_staff_unions[region]]
        staff.append(
            StaffAccount(
                username=f"{slug}.g1.grassroots_staff",
                password=_password(rng),
                totp_secret=_totp_secret(rng),
                role="grassroots_staff",
                org=node.name,
                display_name=f"{node.name}{ROLE_TITLES['grassroots_staff']}",
                org_key=node.key,
            )
        )
    workers = [
        WorkerAccount(mobile=f"1380013{n:04d}", password=_password(rng), display_name=name)
        for n, (name, _section) in enumerate(WORKERS, start=1)
    ]
    return staff, workers


# --- Writing -------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    created: bool
    scale: str
    seed: int
    staff: list[StaffAccount]
    workers: list[WorkerAccount]
    counts: dict[str, int]


def seed_marker() -> AuditEvent | None:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=MARKER_ACTION).order_by("seq").first()


class AlreadyHasATree(RuntimeError):
    """The database holds a tree that this command did not build: it refuses to add to it."""


class _CaptureSender:
    """Receives the registration code of a demo worker, so the demo goes through ``worker_register``
    itself and never sends a message to anyone."""

    outbox: dict[str, str] = {}

    def send(self, mobile: str, code: str) -> None:
        _CaptureSender.outbox[mobile] = code


def seed_demo(
    *, scale: str, seed: int = DEFAULT_SEED, progress: Callable[[str], None] | None = None
) -> SeedResult:
    """Build the demo federation once; a second call changes nothing and returns the accounts."""
    marker = seed_marker()
    if marker is not None:
        plan = build_plan(scale=marker.data.get("scale", scale), seed=int(marker.data.get("seed", seed)))
        staff, workers = plan_accounts(plan)
        _fill_org_names(staff)
        return SeedResult(False, plan.scale, plan.seed, staff, workers, marker.data.get("counts", {}))
    with scopes_disabled():
        if Org.objects.filter(depth=1).exists():
            raise AlreadyHasATree(
                "This database already holds an organisation tree that seed_demo did not build; nothing was changed."
            )
    plan = build_plan(scale=scale, seed=seed)
    staff, workers = plan_accounts(plan)
    report = progress or (lambda _message: None)
    with scopes_disabled(), transaction.atomic():
        orgs: dict[str, Org] = {}
        groups = list(dict.fromkeys(node.group for node in plan.orgs))
        for group in groups:
            nodes = [node for node in plan.orgs if node.group == group]
            enterprises = [ent for ent in plan.enterprises if ent.group == group]
            _create_orgs(nodes, orgs)
            _create_enterprises(enterprises, orgs)
            report(f"{group}: {len(nodes)} organisations, {len(enterprises)} enterprises")
        _create_staff(staff, orgs)
        _create_workers(workers)
        counts = {
            "orgs": Org.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "staff": len(staff),
            "workers": len(workers),
        }
        audit_record(
            action=MARKER_ACTION, obj=orgs["city"], data={"scale": scale, "seed": seed, "counts": counts}
        )
    return SeedResult(True, scale, seed, staff, workers, counts)


def _create_orgs(nodes: list[OrgPlan], orgs: dict[str, Org]) -> None:
    for node in nodes:
        data = asdict(node)
        key, parent_key = data.pop("key"), data.pop("parent_key")
        data.pop("group")
        orgs[key] = org_create(actor=None, parent=orgs[parent_key] if parent_key else None, **data)


def _create_enterprises(enterprises: list[EnterprisePlan], orgs: dict[str, Org]) -> None:
    for ent in enterprises:
        enterprise_create(
            actor=None,
            org=orgs[ent.org_key],
            address=ent.address,
            name=ent.name,
            credit_code=ent.credit_code,
            industry=ent.industry,
            headcount=ent.headcount,
            is_platform=ent.is_platform,
            brand_names=ent.brand_names,
            covering_union=orgs[ent.covering_key] if ent.covering_key else None,
        )


def _create_staff(staff: list[StaffAccount], orgs: dict[str, Org]) -> None:
    roles = {r.code: r for r in Role.objects.all()}
    for account in staff:
        org = orgs[account.org_key]
        user = staff_create(
            actor=None,
            username=account.username,
            display_name=account.display_name,
            password=account.password,
            home_org=org,
        )
        totp_set_secret(user=user, secret=account.totp_secret)
        grant = RoleGrant.objects.create(user=user, role=roles[account.role], org=org)
        audit_record(
            action=AuditAction.ROLE_GRANT, obj=grant, org=org, data={"user": user.pk, "role": account.role}
        )


def _create_workers(workers: list[WorkerAccount]) -> None:
    with override_settings(OTP_SENDER=f"{__name__}._CaptureSender"):
        for account in workers:
            one_time_code_send(mobile=account.mobile, purpose="register", client_address="")
            worker_register(
                mobile=account.mobile,
                code=_CaptureSender.outbox.pop(account.mobile),
                password=account.password,
                display_name=account.display_name,
                client_address="",
                agree=True,
            )


def _fill_org_names(staff: list[StaffAccount]) -> None:
    """On a second run, name each account's org as the database has it now."""
    with scopes_disabled():
        rows = RoleGrant.objects.filter(user__username__in=[s.username for s in staff]).values_list(
            "user__username", "org__name"
        )
        names = dict(rows)
    for account in staff:
        account.org = names.get(account.username, account.org)


# --- Output --------------------------------------------------------------------------------------


def accounts_json(staff: list[StaffAccount], workers: list[WorkerAccount]) -> dict[str, list[dict[str, str]]]:
    return {
        "staff": [
            {
                "username": s.username,
                "password": s.password,
                "totp_secret": s.totp_secret,
                "role": s.role,
                "org": s.org,
            }
            for s in staff
        ],
        "workers": [
            {"mobile": w.mobile, "password": w.password, "display_name": w.display_name} for w in workers
        ],
    }


def write_accounts_json(staff: list[StaffAccount], workers: list[WorkerAccount]) -> Path:
    path = Path(settings.VAR_DIR) / "demo-accounts.json"
    path.write_text(
        json.dumps(accounts_json(staff, workers), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    path.chmod(0o600)
    return path


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c) + " " * (w - _width(str(c))) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def accounts_table(staff: list[StaffAccount], workers: list[WorkerAccount]) -> str:
    staff_rows = [[s.username, s.password, s.totp_secret, f"{s.role} @ {s.org}"] for s in staff]
    worker_rows = [[w.mobile, w.password, w.display_name] for w in workers]
    return (
        "Staff (console /console/ and API: username + password + TOTP code from the secret)\n"
        + format_table(["username", "password", "TOTP secret", "role @ organisation"], staff_rows)
        + "\n\nWorkers (mobile web /m/: mobile + password)\n"
        + format_table(["mobile", "password", "name"], worker_rows)
    )
