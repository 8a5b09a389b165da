"""Log in with a username or a phone number."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from hoiso.accounts.models import User
from hoiso.core.text import normalise_phone


def find_account(login: str) -> User | None:
    """The account a login names: a phone number first (usernames cannot be all digits), then a
    username in any case."""
    try:
        phone = normalise_phone(login)
    except ValueError:
        phone = ""
    user = User.objects.filter(phone=phone).first() if phone else None
    return user or User.objects.filter(username__iexact=login.strip()).first()


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Spend the time a hash takes, so that timing does not tell which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
