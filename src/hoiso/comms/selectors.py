"""One channel, post or article by id, each through the scope (or, for the public pages, the unit).

Every `access_<thing>` is `accounts.access.access` over the queryset the caller may see: what lies
outside it and what does not exist both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.accounts.roles import MANAGE_CHANNELS
from hoiso.comms.models import Article, Channel, Post
from hoiso.units.models import Unit


def channels_of(scope: Scope) -> QuerySet[Channel]:
    """The channels of the scope's subtree."""
    return Channel.objects.filter(unit_path__startswith=scope.unit.path).select_related("unit")


def access_channel(scope: Scope, pk: Any) -> Channel:
    """A channel of the scope's subtree, or 404."""
    return access(channels_of(scope), pk, "channel")


def access_post(scope: Scope, pk: Any) -> Post:
    """A post of the scope's subtree that the user may remove: her own, or any one for those who
    manage channels; or 404."""
    posts = Post.objects.filter(unit_path__startswith=scope.unit.path)
    if not scope.can(MANAGE_CHANNELS):
        posts = posts.filter(created_by=scope.user)
    return access(posts, pk, "post")


def access_article(unit: Unit, pk: Any, *, with_image: bool = False) -> Article:
    """An article published by this unit (public: the unit is the only scope), or 404;
    `with_image`: only one that has a picture."""
    articles = Article.objects.filter(unit=unit)
    if with_image:
        articles = articles.exclude(image="")
    return access(articles, pk, "article")
