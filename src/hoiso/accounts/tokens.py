"""Personal API tokens: `hs_` + 40 random characters; the database keeps a SHA-256 of it."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from hoiso.accounts.models import ApiToken, User
from hoiso.core import audit


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; the plain token is returned once and never stored."""
    plain = "hs_" + secrets.token_urlsafe(30)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100] or "API", prefix=plain[:8], key_hash=_hash(plain)
        )
        audit.log(user, "account.token_created", token)
    return token, plain


def token_revoke(*, user: User, token: ApiToken) -> None:
    with transaction.atomic():
        audit.log(user, "account.token_revoked", token)
        token.delete()


def user_for_token(plain: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(plain)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write the last use at most once a minute, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
