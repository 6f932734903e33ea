"""Domain errors: services raise these; the console shows them on the form, the API as
{"code", "message", "fields"}. Nothing is half-written because each service is one transaction."""

from __future__ import annotations

from django.utils.translation import gettext


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None):
        super().__init__(message or gettext("Some fields are not valid."), fields=fields)


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Locked(DomainError):
    code = "locked"
    status = 429


class Throttled(DomainError):
    """Too many requests of one kind from one place; ``retry_after`` is the number of seconds until
    the next one is accepted."""

    code = "throttled"
    status = 429

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None, retry_after: int):
        super().__init__(message, fields=fields)
        self.retry_after = retry_after


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def apply_to_form(form, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's error on a form, for the console and the mobile web alike: each ``fields``
    entry on its field (renamed through ``aliases`` where the form calls it differently); unknown
    keys and field-less errors (Conflict, Locked) as the form's non-field errors."""
    aliases = aliases or {}
    placed = False
    for key, messages in exc.fields.items():
        name = aliases.get(key, key)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message or gettext("This could not be done."))
