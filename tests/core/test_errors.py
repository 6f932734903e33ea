"""A service's domain error on a form (core.errors.apply_to_form): the one helper the console and
the mobile web use, so both ends show a refusal the same way."""

from __future__ import annotations

from django import forms
from django.utils import translation

from smartunion.core.errors import Conflict, Locked, ValidationFailed, apply_to_form
from smartunion.mobile.forms import MobileForm


class ExampleForm(forms.Form):
    mobile = forms.CharField(required=False)
    username = forms.CharField(required=False)


def bound(form_class=ExampleForm):
    form = form_class(data={})
    form.is_valid()
    return form


def test_each_message_goes_on_its_field_and_unknown_keys_on_top():
    form = bound()
    error = ValidationFailed(fields={"mobile": ["号码不对", "再试一次"], "birth_date": ["日期不对"]})
    apply_to_form(form, error)
    assert form.errors["mobile"] == ["号码不对", "再试一次"]
    assert form.non_field_errors() == ["日期不对"]


def test_a_field_the_form_calls_differently_is_renamed():
    form = bound()
    apply_to_form(form, ValidationFailed(fields={"user": ["没有这个账号"]}), aliases={"user": "username"})
    assert form.errors["username"] == ["没有这个账号"] and not form.non_field_errors()


def test_an_error_without_fields_goes_on_top():
    form = bound()
    apply_to_form(form, Locked("尝试次数过多"))
    assert form.non_field_errors() == ["尝试次数过多"]
    with translation.override("zh-hans"):
        silent = bound()
        apply_to_form(silent, Conflict())
        assert silent.non_field_errors() == ["操作未能完成。"]


def test_the_mobile_forms_use_it():
    class Example(MobileForm):
        mobile = forms.CharField(required=False)

    form = bound(Example)
    form.add_domain_error(ValidationFailed(fields={"mobile": ["号码不对"], "code": ["验证码不对"]}))
    assert form.errors["mobile"] == ["号码不对"] and form.non_field_errors() == ["验证码不对"]
