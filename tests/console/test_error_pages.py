"""The plain 404 and 500 pages: they render without the database, in Chinese with an English line."""

from __future__ import annotations

from django.test import RequestFactory
from django.views.defaults import page_not_found, server_error


def test_the_500_page_needs_no_database():
    # No django_db mark: any query here would fail the test.
    response = server_error(RequestFactory().get("/console/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in text and "Something went wrong" in text
    assert "{%" not in text and "{{" not in text


def test_the_404_page_needs_no_database():
    response = page_not_found(RequestFactory().get("/nowhere/"), Exception("missing"))
    text = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in text and "does not exist" in text


def test_an_unknown_address_shows_the_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
