"""Organisation contact phones (issue 7, item 5): a mobile, however it is written, is stored as its
11 digits, encrypted like a member's mobile, and shown masked; an office landline stays as entered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartunion.core import crypto
from smartunion.core.personal import mask_phone, normalise_contact_phone
from smartunion.core.scoping import scopes_disabled
from smartunion.orgs.models import Org, OrgKind
from tests.console.conftest import page_text

SPELLINGS = [
    ("0086 138 0013 0008", "13800130008", "138****0008"),
    ("138.0013.0007", "13800130007", "138****0007"),
    ("+86 (138) 0013-0006", "13800130006", "138****0006"),
    ("86 138—0013—0005", "13800130005", "138****0005"),
]


@pytest.mark.parametrize(("typed", "stored", "shown"), SPELLINGS)
def test_a_mobile_is_normalised_and_masked_however_it_is_written(typed, stored, shown):
    assert normalise_contact_phone(typed) == stored
    assert mask_phone(typed) == shown


@pytest.mark.parametrize("landline", ["010-69312345", "(010) 6931 2345", "0086 10 6931 2345", "400-800-8888"])
def test_a_landline_stays_as_entered_and_is_not_masked(landline):
    assert normalise_contact_phone(f" {landline} ") == landline
    assert mask_phone(landline) == landline


def test_a_mobile_beside_a_landline_is_masked_where_it_stands():
    assert mask_phone("010-69312345 / 138 0013 0008") == "010-69312345 / 138****0008"


def raw_phone(org: Org) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone_encrypted FROM orgs_org WHERE id = %s", [org.pk])
        return cursor.fetchone()[0]


def assert_no_digits_of(mobile: str, raw: str) -> None:
    # Four digits in a row of the number appear by chance in base64 text with a probability of 1 in 16 million.
    runs = {mobile[i : i + 4] for i in range(len(mobile) - 3)}
    assert not [run for run in runs if run in raw], raw


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "stored", "shown"), SPELLINGS[:2])
def test_the_console_stores_the_mobile_encrypted_and_shows_it_masked(signed_in, tree, typed, stored, shown):
    client = signed_in("fangshan_staff")
    response = client.post(
        f"/console/orgs/{tree.union_a.pk}/edit/",
        {
            "name": "甲公司工会",
            "kind": OrgKind.ENTERPRISE_UNION,
            "region_code": "110111",
            "contact_phone": typed,
        },
        follow=True,
    )
    text = page_text(response)
    assert "修改已保存" in text
    assert shown in text
    assert stored not in text and typed not in text
    raw = raw_phone(tree.union_a)
    assert raw.startswith(("aes-256-gcm$", "sm4-gcm$"))
    assert_no_digits_of(stored, raw)
    assert crypto.decrypt(raw) == stored
    form = page_text(client.get(f"/console/orgs/{tree.union_a.pk}/edit/"))
    assert shown in form and stored not in form


@pytest.mark.django_db
def test_an_added_org_with_a_landline_shows_it_in_full(signed_in, tree):
    client = signed_in("fangshan_staff")
    response = client.post(
        f"/console/orgs/{tree.street_fs.pk}/add/",
        {
            "name": "丁公司工会",
            "kind": OrgKind.ENTERPRISE_UNION,
            "region_code": "110111",
            "contact_phone": "010-69312345",
        },
        follow=True,
    )
    assert "010-69312345" in page_text(response)
    with scopes_disabled():
        org = Org.objects.get(name="丁公司工会")
    assert "69312345" not in raw_phone(org)  # encrypted too: the column holds no phone in plain text
    assert org.contact_phone == "010-69312345"


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_plain_phones_into_the_encrypted_column():
    executor = MigrationExecutor(connection)
    executor.migrate([("orgs", "0003_org_autovacuum")])
    with connection.cursor() as cursor:
        for name, path, phone in [
            ("甲", "0000", "0086 138 0013 0008"),
            ("乙", "0001", "010-69312345"),
            ("丙", "0002", ""),
        ]:
            cursor.execute(
                "INSERT INTO orgs_org (name, kind, path, depth, child_seq, numchild, region_code, address,"
                " contact_name, contact_phone, accepts_direct_joining, created_at, updated_at)"
                " VALUES (%s, 'city_federation', %s, 1, 0, 0, '110000', '', '', %s, %s, %s, %s)",
                [name, path, phone, False, "2026-01-01 00:00:00", "2026-01-01 00:00:00"],
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with scopes_disabled():
        orgs = {org.name: org for org in Org.objects.all()}
        assert orgs["甲"].contact_phone == "13800130008"
        assert orgs["甲"].contact_phone_masked == "138****0008"
        assert_no_digits_of("13800130008", raw_phone(orgs["甲"]))
        assert orgs["乙"].contact_phone == "010-69312345"
        assert orgs["丙"].contact_phone == "" and raw_phone(orgs["丙"]) == ""
        # Back down, the plain column gets the values again.
        executor = MigrationExecutor(connection)
        executor.migrate([("orgs", "0003_org_autovacuum")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, contact_phone FROM orgs_org ORDER BY path")
            assert cursor.fetchall() == [("甲", "13800130008"), ("乙", "010-69312345"), ("丙", "")]
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
