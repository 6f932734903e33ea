"""Seed Beijing's figures (division code 110000, the whole city) with their sources.

- Monthly minimum wage: 2,420 yuan from 2023-09-01 and 2,540 yuan from 2025-09-01, set by the
  北京市人力资源和社会保障局 notices on adjusting Beijing's minimum wage.
- Average monthly wage (劳动合同法 第四十七条, the 3x cap): Beijing publishes one figure, the previous
  year's 全口径城镇单位就业人员月平均工资, which is also what its social-insurance contribution base
  is set from (the base's upper limit is three times it): 11,297 yuan (2022, in use from July 2023),
  11,761 yuan (2023, from July 2024), 11,937 yuan (2024, from July 2025).
  UNCONFIRMED: these averages were worked back from the published upper limits of the contribution
  base (33,891 / 35,283 / 35,811 yuan) and not read from the publication itself; an administrator
  should check them against the 北京市人力资源和社会保障局 announcement on the console's regional
  figures page, which records who changed what. ``source_date`` is the date each figure took
  effect, not the date of the announcement.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

MINIMUM_2023 = "北京市人力资源和社会保障局关于调整本市最低工资标准的通知：月最低工资2420元，自2023年9月1日起执行"
MINIMUM_2025 = "北京市人力资源和社会保障局关于调整本市最低工资标准的通知：月最低工资2540元，自2025年9月1日起执行"


def _average(year: int, amount: str, cap: str) -> str:
    return (
        f"北京市{year}年度全口径城镇单位就业人员月平均工资{amount}元（北京市人力资源和社会保障局公布；"
        f"即社会保险缴费基数上限{cap}元的三分之一，待与公布原文核对）"
    )


ROWS = [
    (date(2023, 9, 1), "2420.00", "11297.00", f"{MINIMUM_2023}；{_average(2022, '11297', '33891')}"),
    (date(2024, 7, 1), "2420.00", "11761.00", f"{MINIMUM_2023}；{_average(2023, '11761', '35283')}"),
    (date(2025, 7, 1), "2420.00", "11937.00", f"{MINIMUM_2023}；{_average(2024, '11937', '35811')}"),
    (date(2025, 9, 1), "2540.00", "11937.00", f"{MINIMUM_2025}；{_average(2024, '11937', '35811')}"),
]


def forwards(apps, schema_editor):
    RegionalFigure = apps.get_model("labourlaw", "RegionalFigure")
    for effective_from, minimum, average, source in ROWS:
        RegionalFigure.objects.update_or_create(
            region_code="110000",
            effective_from=effective_from,
            defaults={
                "minimum_wage": Decimal(minimum),
                "average_wage": Decimal(average),
                "source": source,
                "source_date": effective_from,
            },
        )


def backwards(apps, schema_editor):
    RegionalFigure = apps.get_model("labourlaw", "RegionalFigure")
    RegionalFigure.objects.filter(region_code="110000", effective_from__in=[r[0] for r in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("labourlaw", "0001_regional_figure")]
    operations = [migrations.RunPython(forwards, backwards)]
