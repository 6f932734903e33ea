"""Settlement in the console: the statements of one's area, a statement whose lines add up to its
totals, approval (once: an approved statement is final), the .xlsx, and generating a month."""

from __future__ import annotations

import pytest
from django.utils import timezone

from smartunion.benefits.models import Statement, StatementStatus
from smartunion.benefits.services.claims import voucher_claim
from smartunion.benefits.services.redemption import voucher_redeem
from smartunion.benefits.services.settlement import statements_generate
from smartunion.core.scoping import scopes_disabled
from smartunion.members.roster.xlsx import read_xlsx_sheets
from tests.console.benefits.conftest import serve_breakfast
from tests.console.conftest import form_error_near, page_text, zh

pytestmark = pytest.mark.django_db


def table(text: str, table_id: str) -> str:
    """The rows of one table of the page (not the filters' options)."""
    start = text.find(f'id="{table_id}"')
    return text[start : text.find("</table>", start)] if start >= 0 else ""


def _used_voucher(world):
    claimed = voucher_claim(campaign_id=world.campaign.pk, user=world.workers[0], idempotency_key="k-1")
    voucher_redeem(actor=world.theatre_clerk, code=claimed.voucher.code)


def _statements(world):
    _used_voucher(world)
    serve_breakfast(world, world.people[0])
    statements_generate(month=timezone.localdate())
    with scopes_disabled():
        theatre = Statement.objects.get(merchant=world.theatre)
        noodles = Statement.objects.get(merchant=world.noodles)
    return theatre, noodles


def test_the_list_shows_the_areas_statements_and_filters_by_merchant(world, staff_client):
    theatre, noodles = _statements(world)
    client = staff_client(world.staff)
    text = table(page_text(client.get("/console/benefits/statements/")), "statement-list")
    assert "房山大剧院" in text and "老街坊面馆" in text and "80.00" in text and "8.00" in text
    text = table(
        page_text(client.get(f"/console/benefits/statements/?merchant={world.noodles.pk}")), "statement-list"
    )
    assert "老街坊面馆" in text and "房山大剧院" not in text
    # 顺义's staff see none of 房山's statements, and cannot open one.
    other = staff_client(world.shunyi_staff)
    assert "房山大剧院" not in page_text(other.get("/console/benefits/statements/"))  # nor as a filter
    assert other.get(f"/console/benefits/statements/{theatre.pk}/").status_code == 404
    assert other.post(f"/console/benefits/statements/{theatre.pk}/approve/").status_code == 404


def test_a_statement_adds_up_and_is_approved_once(world, staff_client):
    theatre, _noodles = _statements(world)
    client = staff_client(world.staff)
    response = client.get(f"/console/benefits/statements/{theatre.pk}/")
    text = page_text(response)
    # A 100-yuan voucher at a 20 % discount: 100.00 face, 20.00 discount, 80.00 due.
    assert "100.00" in text and "20.00" in text and "80.00" in text
    assert "话剧《龙须沟》体验券" in text and 'id="statement-approve"' in text
    response = client.post(f"/console/benefits/statements/{theatre.pk}/approve/", {"confirm": "on"})
    assert response.status_code == 302
    text = page_text(client.get(f"/console/benefits/statements/{theatre.pk}/"))
    assert 'id="statement-approve"' not in text and 'id="statement-xlsx"' in text
    with scopes_disabled():
        theatre.refresh_from_db()
    assert theatre.status == StatementStatus.APPROVED
    again = client.post(f"/console/benefits/statements/{theatre.pk}/approve/", {"confirm": "on"})
    assert again.status_code == 409
    assert zh("This statement is already approved and cannot change.") in page_text(again)


def test_the_workbook_holds_the_lines(world, staff_client, tmp_path):
    theatre, _noodles = _statements(world)
    response = staff_client(world.staff).get(f"/console/benefits/statements/{theatre.pk}/statement.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "statement.xlsx"
    path.write_bytes(response.content)
    rows = next(iter(read_xlsx_sheets(path))).rows
    values = [c for row in rows for c in row if c not in (None, "")]
    assert "房山大剧院" in values and 80.0 in values and any("话剧" in str(v) for v in values)


def test_generating_a_month_puts_the_meals_on_a_statement(world, staff_client):
    serve_breakfast(world, world.people[0])
    client = staff_client(world.staff)
    month = f"{timezone.localdate():%Y-%m}"
    response = client.post("/console/benefits/statements/generate/", {"month": month})
    assert response.status_code == 302
    text = table(page_text(client.get(response["Location"])), "statement-list")
    assert "老街坊面馆" in text and "8.00" in text


def test_generating_settles_only_the_viewers_area(world, staff_client):
    serve_breakfast(world, world.people[0])
    month = f"{timezone.localdate():%Y-%m}"
    response = staff_client(world.shunyi_staff).post(
        "/console/benefits/statements/generate/", {"month": month}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not Statement.objects.exists()  # 房山's noodle shop is left to 房山's staff
    staff_client(world.staff).post("/console/benefits/statements/generate/", {"month": month})
    with scopes_disabled():
        assert Statement.objects.get().merchant == world.noodles


@pytest.mark.parametrize("month", ["2999-01", "nonsense", ""])
def test_generating_refuses_a_future_or_bad_month(world, staff_client, month):
    response = staff_client(world.staff).post("/console/benefits/statements/generate/", {"month": month})
    assert response.status_code == 400
    assert form_error_near(response, "id_month")
    with scopes_disabled():
        assert not Statement.objects.exists()
