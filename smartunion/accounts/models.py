from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartunion.core import crypto, personal
from smartunion.core.scoping import ScopedManager


class UserKind(models.TextChoices):
    WORKER = "worker", _("Worker")
    STAFF = "staff", _("Staff")


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, **extra) -> User:
        user = self.model(username=username, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """One user model for workers and staff. Workers sign in by mobile (looked up through its blind
    index); staff by username, always with a second factor."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UserKind.choices, default=UserKind.WORKER)
    display_name = models.CharField(_("name"), max_length=100, blank=True)
    mobile_index = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    mobile_encrypted = models.TextField(blank=True, editable=False)
    home_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_users",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    password_change_required = models.BooleanField(default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username if self.is_staff_member else f"worker#{self.pk}"

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    # Personal data: stored encrypted, looked up by blind index, shown masked.
    def set_mobile(self, mobile: str) -> None:
        self.mobile_index = personal.mobile_index(mobile)
        self.mobile_encrypted = crypto.encrypt(mobile)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_encrypted) if self.mobile_encrypted else ""

    @property
    def mobile_masked(self) -> str:
        return personal.mask_mobile(self.mobile) if self.mobile_encrypted else ""

    def audit_repr(self) -> str:
        return str(self)


# --- Roles ---------------------------------------------------------------------------------------


class Role(models.Model):
    """A named set of permission flags, held as data: a new role needs no schema change."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    permissions = models.JSONField(_("permissions"), default=list)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RoleGrant(models.Model):
    """A role held on one node of the tree; it reaches that node's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="role_grants")
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager("org")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.org}"


# --- Second factor, tokens, lockout, one-time codes ----------------------------------------------


class TotpDevice(models.Model):
    """A staff member's TOTP authenticator. The secret is encrypted at rest; ``last_step`` makes a
    used code unusable a second time (the update is one conditional statement)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)


class RecoveryCode(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]


class ApiToken(models.Model):
    """Bearer token for the API: random, stored hashed, expiring and revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)


class SignInFailure(models.Model):
    """Failed sign-ins, counted for lockout. In the database so lockout holds without Redis; the
    account is named by a blind index, never by its username or mobile in plain text."""

    account_key = models.CharField(max_length=64)
    client_address = models.CharField(max_length=45)
    created_at = models.DateTimeField(default=timezone.now)
    # A complete sign-in of the account stops its failures counting for the account; they still
    # count for the address until the window ends (a sign-in of one's own account must not reset
    # the limit on guessing from that address).
    account_cleared = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["account_key", "created_at"]),
            models.Index(fields=["client_address", "created_at"]),
        ]


class OneTimeCode(models.Model):
    """A code sent to a mobile (sign-in, registration, linking a record, a new contact number);
    stored hashed. The rows are also the count of codes sent, per number and per client address,
    that limits sending."""

    mobile_index = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=64)
    # The client address the code was requested from ("" for system work such as the demo).
    client_address = models.CharField(max_length=45, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["client_address", "created_at"])]
