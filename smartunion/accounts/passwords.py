from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, other characters (GB/T 22239: strong passwords)."""

    def validate(self, password: str, user=None) -> None:
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < 3:
            raise ValidationError(
                _("Use at least three of: lower-case letters, upper-case letters, digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: lower-case letters, upper-case letters, digits and symbols.")


class MinimumLengthValidator:
    """Django's rule with our own message: Django 5.2's zh_Hans catalogue no longer matches its
    source text, so its message would show in English."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_help_text(), code="password_too_short")

    def get_help_text(self) -> str:
        return _("Use at least %(n)d characters.") % {"n": self.min_length}
