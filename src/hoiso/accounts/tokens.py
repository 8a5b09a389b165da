"""Personal API tokens: `hs_` + 40 random characters; the database keeps a SHA-256 of it."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from hoiso.accounts.models import ApiToken, User
from hoiso.core import audit


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_stamp(user: User) -> str:
    """A fingerprint of the user's current password hash (keyed: the hash is not revealed)."""
    return salted_hmac("hoiso.accounts.tokens.password", user.password).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    plain = "hs_" + secrets.token_urlsafe(30)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100] or "API", prefix=plain[:8], key_hash=_hash(plain),
            password_stamp=password_stamp(user),
        )  # fmt: skip
        audit.log(user, "account.token_created", token)
    return token, plain


def token_revoke(*, user: User, token: ApiToken) -> None:
    with transaction.atomic():
        audit.log(user, "account.token_revoked", token)
        token.delete()


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of the user (her password changed: programs must be set up again)."""
    with transaction.atomic():
        count = 0
        for token in user.api_tokens.all():
            audit.log(user, "account.token_revoked", token, data={"why": "password"})
            token.delete()
            count += 1
    return count


def user_for_token(plain: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(plain)).first()
    if token is None or not token.user.is_active:
        return None
    if not constant_time_compare(token.password_stamp, password_stamp(token.user)):
        # The password was changed or reset since: the token went with the old password.
        token.delete()
        return None
    now = timezone.now()
    # Write the last use at most once a minute, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
