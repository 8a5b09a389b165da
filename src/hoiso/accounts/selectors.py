"""One assignment or API token by id.

An assignment is fetched through the scope like everything under /u/<unit code>/; an API token
belongs to a user, not to a unit, so its "scope" is the user herself. Both are
`accounts.access.access`: what is not hers to see and what does not exist both answer 404.
"""

from __future__ import annotations

from typing import Any

from hoiso.accounts.access import Scope, access
from hoiso.accounts.models import AccountImport, ApiToken, Assignment, User


def access_assignment(scope: Scope, pk: Any) -> Assignment:
    """A role held at a unit of the scope's subtree, or 404."""
    assignments = Assignment.objects.filter(unit__path__startswith=scope.unit.path)
    return access(assignments.select_related("user", "unit"), pk, "assignment")


def access_token(user: User, pk: Any) -> ApiToken:
    """One of the user's own API tokens, or 404 (scoped to the user, not to a unit)."""
    return access(ApiToken.objects.filter(user=user), pk, "API token")


def access_account_import(scope: Scope, pk: Any) -> AccountImport:
    """One of the user's own spreadsheets of cadres for the scope's subtree, or 404."""
    imports = AccountImport.objects.select_related("unit").filter(
        user=scope.user, unit__path__startswith=scope.unit.path
    )
    return access(imports, pk, "account import")
