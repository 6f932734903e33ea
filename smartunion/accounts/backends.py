from django.contrib.auth.backends import ModelBackend

from smartunion.accounts.models import User
from smartunion.core.personal import is_mobile, mobile_index, normalise_mobile


def find_user(username: str) -> User | None:
    """Workers are found by mobile (through its blind index), staff by username."""
    username = (username or "").strip()
    if is_mobile(username):
        return User.objects.filter(mobile_index=mobile_index(normalise_mobile(username))).first()
    return User.objects.filter(username=username).first()


class MobileOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user(username or "")
        if user is None:
            User().set_password(password or "")  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        return user if user and self.user_can_authenticate(user) else None
