"""A person's personal data (the ID number and mobile, encrypted with their blind indexes; the one
cleaning of a person's fields), and staff reading and correcting a person's record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from smartunion.accounts.permissions import has_perm, require_perm
from smartunion.core import crypto
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import NotFound, ValidationFailed
from smartunion.core.models import AuditOutcome
from smartunion.core.personal import (
    birth_and_sex,
    id_number_index,
    mobile_index,
    real_name_clean,
    validate_id_number,
    validate_mobile,
)
from smartunion.core.scoping import scopes_disabled
from smartunion.members.models import EmploymentForm, Person, WageBracket
from smartunion.orgs.models import Enterprise

# --- personal data -------------------------------------------------------------------------------


def person_set_id_number(person: Person, id_number: str) -> None:
    person.id_number_encrypted = crypto.encrypt(id_number)
    person.id_number_index = id_number_index(id_number)
    person.birth_date, person.sex = birth_and_sex(id_number)


def person_set_mobile(person: Person, mobile: str) -> None:
    person.mobile_encrypted = crypto.encrypt(mobile) if mobile else ""
    person.mobile_index = mobile_index(mobile) if mobile else None


PERSON_FIELDS = (
    "real_name",
    "id_number",
    "mobile",
    "employment_form",
    "employer",
    "platform",
    "wage_bracket",
)


def clean_person_data(
    data: dict[str, Any], *, instance: Person | None = None, id_number_taken: str | None = None
) -> dict[str, Any]:
    """Validate a person's fields; raise ValidationFailed naming every bad field at once.
    ``id_number_taken``: the message for an ID number already on another person's record."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: data[k] for k in PERSON_FIELDS if k in data}
    if "real_name" in cleaned:
        # The one rule for names, which the roster import applies too (core.personal).
        name, problem = real_name_clean(cleaned["real_name"] or "")
        cleaned["real_name"] = name
        if not name:
            errors["real_name"] = [_("Please enter the real name.")]
        elif problem:
            errors["real_name"] = [problem]
    for field, validator in (("id_number", validate_id_number), ("mobile", validate_mobile)):
        if field in cleaned:
            try:
                cleaned[field] = validator(cleaned[field], field=field)
            except ValidationFailed as exc:
                errors.update(exc.fields)
    if "employment_form" in cleaned and cleaned["employment_form"] not in EmploymentForm.values:
        errors["employment_form"] = [_("Choose an employment form from the list.")]
    if cleaned.get("wage_bracket") and cleaned["wage_bracket"] not in WageBracket.values:
        errors["wage_bracket"] = [_("Choose a wage bracket from the list.")]
    if cleaned.get("employer") is not None and not isinstance(cleaned["employer"], Enterprise):
        errors["employer"] = [_("Choose the employer from the enterprise register.")]
    if "id_number" in cleaned and "id_number" not in errors:
        with scopes_disabled():
            taken = Person.objects.filter(id_number_index=id_number_index(cleaned["id_number"]))
            if instance is not None:
                taken = taken.exclude(pk=instance.pk)
            if taken.exists():
                errors["id_number"] = [
                    id_number_taken or _("A person with this ID number is already registered.")
                ]
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _apply_person_data(person: Person, cleaned: dict[str, Any]) -> None:
    for key, value in cleaned.items():
        if key == "id_number":
            person_set_id_number(person, value)
        elif key == "mobile":
            person_set_mobile(person, value)
        else:
            setattr(person, key, value)


# --- staff reads that are recorded, unmasking, corrections ----------------------------------------


def person_open(*, actor, pk, client_address: str = "") -> Person:
    """A staff member opens a person's record: scoped (404 outside), and recorded, because the
    worker can see who opened their record."""
    try:
        person = Person.objects.select_related("org", "employer", "platform").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("This person does not exist.")) from None
    require_perm(actor, "members.view", person.org)
    audit_record(
        action=AuditAction.PERSON_VIEW, actor=actor, obj=person, org=person.org, client_address=client_address
    )
    return person


def person_unmask(*, actor, person: Person, field: str, client_address: str = "") -> str:
    """Show a full ID number or mobile: only with ``members.unmask``, and audited."""
    if not has_perm(actor, "members.unmask", person.org):
        # A refused attempt is on record too (it shows in the worker's access history).
        audit_record(
            action=AuditAction.PERSON_UNMASK,
            actor=actor,
            obj=person,
            org=person.org,
            client_address=client_address,
            outcome=AuditOutcome.DENIED,
            data={"field": field if field in {"id_number", "mobile"} else ""},
        )
    require_perm(actor, "members.unmask", person.org)
    if field not in {"id_number", "mobile"}:
        raise ValidationFailed(fields={"field": [_("Only the ID number or the mobile can be shown.")]})
    audit_record(
        action=AuditAction.PERSON_UNMASK,
        actor=actor,
        obj=person,
        org=person.org,
        client_address=client_address,
        data={"field": field},
    )
    return getattr(person, field)


def person_update(*, actor, person: Person, data: dict[str, Any], client_address: str = "") -> Person:
    """Staff correct a person's data; ``data["occupation_tags"]`` (OccupationTag rows), when given,
    replaces the tags."""
    require_perm(actor, "members.change", person.org)
    cleaned = clean_person_data(data, instance=person)
    tags = data.get("occupation_tags")
    with transaction.atomic():
        _apply_person_data(person, cleaned)
        person.save()
        changed = sorted(cleaned)
        if tags is not None:
            person.occupation_tags.set(tags)
            changed = sorted([*changed, "occupation_tags"])
        audit_record(
            action=AuditAction.PERSON_UPDATE,
            actor=actor,
            obj=person,
            org=person.org,
            client_address=client_address,
            data={"changed": changed},
        )
    return person
