"""Channels, posts and public articles by id: outside what the caller may see is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from hoiso.accounts.access import Scope
from hoiso.accounts.models import Assignment, User
from hoiso.comms.selectors import access_article, access_channel, access_post
from hoiso.comms.tests.factories import make_article, make_channel, make_post
from hoiso.units.models import Unit


def _scope(user: User, unit: Unit) -> Scope:
    covering = [
        a for a in Assignment.objects.filter(user=user) if unit.path.startswith(a.unit.path)
    ]
    return Scope(user=user, unit=unit, assignments=covering)


def test_a_channel_is_reached_from_its_subtree_only(cast):
    channel = make_channel(cast.branch_a1)
    assert access_channel(_scope(cast.hoa, cast.commune_a), channel.pk) == channel
    with pytest.raises(Http404):
        access_channel(_scope(cast.thu, cast.commune_b), channel.pk)


def test_a_branch_head_reaches_her_own_post_and_not_anothers(cast):
    """She logs posts but does not manage channels: only what she logged is hers to remove."""
    channel = make_channel(cast.branch_a1)
    hers = make_post(channel, dt.date(2026, 3, 1), by=cast.mai, url=f"{channel.url}/posts/1")
    theirs = make_post(channel, dt.date(2026, 3, 2), by=cast.hoa, url=f"{channel.url}/posts/2")
    scope = _scope(cast.mai, cast.branch_a1)
    assert access_post(scope, hers.pk) == hers
    with pytest.raises(Http404):
        access_post(scope, theirs.pk)
    # The commune's cadre manages channels: both are within her reach.
    assert access_post(_scope(cast.hoa, cast.commune_a), hers.pk) == hers


def test_an_article_is_public_at_its_own_unit_and_its_picture_only_if_it_has_one(cast):
    plain = make_article(cast.commune_a)
    pictured = make_article(cast.commune_a, with_image=True)
    assert access_article(cast.commune_a, plain.pk) == plain
    assert access_article(cast.commune_a, pictured.pk, with_image=True) == pictured
    with pytest.raises(Http404):
        access_article(cast.commune_a, plain.pk, with_image=True)
    with pytest.raises(Http404):
        access_article(cast.province, plain.pk)
