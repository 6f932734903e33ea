"""Staff accounts and their powers: creating a staff account, granting and revoking roles on tree
nodes, and resetting a lost authenticator. Nobody hands out or acts on rights they do not hold, and
every such step asks the administrator to prove presence again (``reauthenticate``)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartunion.accounts.models import ApiToken, RecoveryCode, Role, RoleGrant, TotpDevice, User, UserKind
from smartunion.accounts.permissions import forget_grants, has_perm, require_perm
from smartunion.accounts.services.lockout import account_key, attempt_begin, attempt_failed, attempt_succeeded
from smartunion.accounts.services.totp import _consume_totp
from smartunion.core.audit import AuditAction, audit_record
from smartunion.core.errors import Forbidden, NotFound, ValidationFailed
from smartunion.core.personal import is_mobile
from smartunion.core.scoping import scopes_disabled


def reauthenticate(*, actor: User, secret: str, client_address: str) -> None:
    """Granting power asks the granting administrator to prove presence again: password or a fresh
    code. Wrong answers count towards the lockout like failed sign-ins (a stolen session gets no
    unlimited guesses)."""
    key = account_key(actor.username)
    attempt = attempt_begin(key=key, client_address=client_address)
    secret = (secret or "").strip()
    if secret and actor.check_password(secret):
        attempt_succeeded(row=attempt, complete=False)
        return
    if secret.isdigit() and len(secret) == 6:
        device = TotpDevice.objects.filter(user=actor, confirmed_at__isnull=False).first()
        if device is not None and _consume_totp(device, secret) is None:
            attempt_succeeded(row=attempt, complete=False)
            return
    attempt_failed(
        key=key, client_address=client_address, action=AuditAction.REAUTH, user=actor, reason="bad_reauth"
    )
    raise ValidationFailed(
        fields={"confirm": [_("Re-enter your password or a current authenticator code to confirm.")]}
    )


def role_grant(*, actor: User, user: User, role: Role, org, confirm: str, client_address: str) -> RoleGrant:
    require_perm(actor, "roles.grant", org)
    if not user.is_staff_member:
        raise ValidationFailed(fields={"user": [_("Roles can only be granted to staff accounts.")]})
    # Nobody hands out a flag they do not hold there themselves.
    missing = [p for p in role.permissions if not has_perm(actor, p, org)]
    if missing:
        raise ValidationFailed(
            fields={"role": [_("You cannot grant a role with rights you do not hold here.")]}
        )
    reauthenticate(actor=actor, secret=confirm, client_address=client_address)
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user, role=role, org=org, defaults={"granted_by": actor}
        )
        if not created:
            raise ValidationFailed(fields={"role": [_("This person already holds this role here.")]})
        audit_record(
            action=AuditAction.ROLE_GRANT,
            actor=actor,
            obj=grant,
            org=org,
            client_address=client_address,
            data={"user": user.pk, "role": role.code},
        )
    forget_grants(user)
    return grant


def _require_power_over(actor: User, user: User) -> None:
    """Nobody acts on an account that holds rights they do not hold themselves, on every node where
    it holds them (an administrator cannot take over a higher administrator homed below them)."""
    with scopes_disabled():
        grants = list(RoleGrant.objects.filter(user=user).select_related("role", "org"))
    for grant in grants:
        if not all(has_perm(actor, flag, grant.org) for flag in grant.role.permissions):
            raise Forbidden(_("This account holds rights you do not hold; ask an administrator above you."))


def role_revoke(*, actor: User, grant: RoleGrant, confirm: str, client_address: str) -> None:
    require_perm(actor, "roles.grant", grant.org)
    if not all(has_perm(actor, flag, grant.org) for flag in grant.role.permissions):
        raise Forbidden(_("You cannot revoke a role with rights you do not hold here."))
    if grant.user_id == actor.pk:
        raise ValidationFailed(
            fields={"confirm": [_("You cannot revoke your own role; ask another administrator.")]}
        )
    reauthenticate(actor=actor, secret=confirm, client_address=client_address)
    with transaction.atomic():
        audit_record(
            action=AuditAction.ROLE_REVOKE,
            actor=actor,
            obj=grant,
            org=grant.org,
            client_address=client_address,
            data={"user": grant.user_id, "role": grant.role.code},
        )
        grant.delete()
    forget_grants(grant.user)


def staff_create(
    *, actor: User | None, username: str, display_name: str, password: str, home_org, client_address: str = ""
) -> User:
    if actor is not None:
        require_perm(actor, "roles.grant", home_org)
    errors: dict[str, list[str]] = {}
    if not username or is_mobile(username) or User.objects.filter(username=username).exists():
        errors["username"] = [_("Choose another username (not a mobile number, not already taken).")]
    try:
        validate_password(password, User(username=username, display_name=display_name))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        # The creator knows this password: the new staff member must choose their own at first sign-in.
        user = User(
            username=username,
            kind=UserKind.STAFF,
            display_name=display_name,
            home_org=home_org,
            password_change_required=actor is not None,
        )
        user.set_password(password)
        user.save()
        audit_record(
            action=AuditAction.STAFF_CREATE,
            actor=actor,
            obj=user,
            org=home_org,
            client_address=client_address,
        )
    return user


def staff_get_in_scope(*, pk) -> User:
    """A staff account whose home organisation the viewer can see; otherwise it does not exist."""
    # The visible organisations, through the tree's own scoped manager: the model is reached by
    # the relation, since accounts lies below orgs and does not import it (docs/architecture.md).
    orgs = User._meta.get_field("home_org").related_model._default_manager
    user = (
        User.objects.select_related("home_org")
        .filter(pk=pk, kind=UserKind.STAFF, home_org__in=orgs.all())
        .first()
    )
    if user is None:
        raise NotFound(_("This staff account does not exist."))
    return user


def totp_reset(*, actor: User, user: User, confirm: str, client_address: str) -> None:
    """A staff member lost their authenticator: an administrator over their organisation removes
    it (and the recovery codes and API tokens); at the next sign-in they enrol a new one."""
    require_perm(actor, "roles.grant", user.home_org)
    if user.pk == actor.pk:
        raise ValidationFailed(
            fields={"confirm": [_("You cannot reset your own authenticator; ask another administrator.")]}
        )
    _require_power_over(actor, user)
    reauthenticate(actor=actor, secret=confirm, client_address=client_address)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            action=AuditAction.TWO_FACTOR_RESET,
            actor=actor,
            obj=user,
            org=user.home_org,
            client_address=client_address,
        )
