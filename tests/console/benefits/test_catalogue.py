"""The service catalogue: the list by category, adding and editing a service with its eligibility
and picture (images only, at most 2 MB, checked by Pillow)."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartunion.benefits.models import Service, ServiceCategory
from smartunion.benefits.services.merchants import service_save
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import OccupationTag
from tests.console.conftest import assert_cells_labelled, form_error_near, page_text

LIST = "/console/benefits/services/"


def png(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("stage.png", buffer.getvalue(), content_type="image/png")


def service_data(world, tree, **overrides) -> dict:
    with scopes_disabled():
        category = ServiceCategory.objects.get(code="performances")
    data = {
        "merchant": world.theatre.pk,
        "category": category.pk,
        "title": "周末话剧会员专场",
        "benefit": "会员八折",
        "member_price": "80",
        "available_from": "2026-01-01",
        "org": tree.fangshan.pk,
        "published": "on",
    }
    data.update(overrides)
    return data


def test_staff_add_a_service_with_a_picture_and_eligibility(world, as_user, tree):
    client = as_user(world.staff)
    with scopes_disabled():
        sanitation = OccupationTag.objects.get(code="sanitation")
    data = service_data(
        world, tree, occupation_tags=[sanitation.pk], employment_forms=["courier"], picture=png()
    )
    response = client.post(f"{LIST}new/", data)
    assert response.status_code == 302, page_text(response)
    with scopes_disabled():
        service = Service.objects.get(title="周末话剧会员专场")
        assert list(service.occupation_tags.all()) == [sanitation]
    assert service.employment_forms == ["courier"] and str(service.member_price) == "80.00"
    assert service.picture.name.startswith("benefits/services/stage")
    response = client.get(LIST, {"category": "performances"})
    text = page_text(response)
    assert "周末话剧会员专场" in text and "会员八折" in text
    assert_cells_labelled(response, tables=1)  # a phone shows each cell under its column's heading
    assert 'data-label="会员权益"' in text
    assert "周末话剧会员专场" not in page_text(client.get(LIST, {"category": "dining"}))
    response = client.post(
        f"{LIST}{service.pk}/edit/", service_data(world, tree, title="周末话剧专场", published="")
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title == "周末话剧专场" and not service.published
    assert service.picture.name.startswith("benefits/services/stage")  # kept without a new upload


def test_a_file_that_is_not_an_image_is_refused_on_its_field(world, as_user, tree):
    fake = SimpleUploadedFile("stage.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = as_user(world.staff).post(f"{LIST}new/", service_data(world, tree, picture=fake))
    assert response.status_code == 400
    assert "有效的图片" in form_error_near(response, "id_picture")
    assert 'value="周末话剧会员专场"' in response.content.decode()
    with scopes_disabled():
        assert not Service.objects.filter(title="周末话剧会员专场").exists()


def test_a_picture_over_two_megabytes_or_of_another_format_is_refused(world, as_user, tree):
    client = as_user(world.staff)
    noisy = Image.frombytes("RGB", (1200, 1200), bytes(range(256)) * (1200 * 1200 * 3 // 256))
    buffer = io.BytesIO()
    noisy.save(buffer, format="BMP")
    big = SimpleUploadedFile("big.bmp", buffer.getvalue(), content_type="image/bmp")
    assert big.size > 2 * 1024 * 1024
    response = client.post(f"{LIST}new/", service_data(world, tree, picture=big))
    assert response.status_code == 400
    assert form_error_near(response, "id_picture") == "图片超过 2 MB：请压缩后重新上传。"
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("a.gif", buffer.getvalue(), content_type="image/gif")
    response = client.post(f"{LIST}new/", service_data(world, tree, picture=gif))
    assert form_error_near(response, "id_picture") == "请上传 JPEG、PNG 或 WebP 格式的图片。"


def test_a_service_needs_a_title_benefit_and_start_and_a_sane_period(world, as_user, tree):
    response = as_user(world.staff).post(
        f"{LIST}new/",
        service_data(world, tree, title="", benefit="", available_until="2025-12-01", member_price="-3"),
    )
    assert response.status_code == 400
    for field in ("id_title", "id_benefit"):
        assert form_error_near(response, field), field
    with scopes_disabled():
        assert Service.objects.count() == 0


def test_another_districts_staff_cannot_open_a_service(world, as_user, tree):
    with scopes_disabled():
        service = service_save(
            actor=world.staff,
            org=tree.fangshan,
            merchant=world.theatre,
            category=ServiceCategory.objects.get(code="performances"),
            title="房山专属演出",
            benefit="免费",
            available_from=date(2026, 1, 1),
        )
    client = as_user(world.shunyi_staff)
    assert "房山专属演出" not in page_text(client.get(LIST))
    response = client.get(f"{LIST}{service.pk}/edit/")
    assert response.status_code == 404 and "房山专属演出" not in page_text(response)
