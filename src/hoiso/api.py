"""The HTTP API under /api/v1/: personal bearer tokens, the same scope rules as the pages."""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from hoiso.accounts.tokens import user_for_token
from hoiso.members.api import router as members_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            # The scope gate reads request.user, as it does for the pages.
            request.user = user
        return user


api = NinjaAPI(
    title="Hội Số API",
    version="1",
    description=(
        "Members of the units you serve. Authenticate with a personal token "
        "(`Authorization: Bearer hs_…`), created on your account page. Every call sees only "
        "the units your roles cover; another unit's member answers 404."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/members", members_router)
