"""A unit's channels (fanpages, Zalo groups, its website…), their posts, and articles on Hội Số."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.core.text import fold
from hoiso.units.models import Unit


class ChannelKind(models.TextChoices):
    FACEBOOK_PAGE = "facebook_page", _("Facebook page")
    FACEBOOK_GROUP = "facebook_group", _("Facebook group")
    ZALO_GROUP = "zalo_group", _("Zalo group")
    ZALO_OA = "zalo_oa", _("Zalo Official Account")
    TIKTOK = "tiktok", _("TikTok")
    YOUTUBE = "youtube", _("YouTube")
    WEBSITE = "website", _("Website")


class Visibility(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("channel visibility", "Public")
    MEMBERS = "members", pgettext_lazy("channel visibility", "Members only")


def default_visibility(kind: str, name: str) -> Visibility:
    """Zalo groups and cadres' groups are closed groups: their invite links are not published
    unless a cadre says so. Every other channel is meant to be found."""
    if kind == ChannelKind.ZALO_GROUP or re.search(r"\bcan bo\b", fold(name)):
        return Visibility.MEMBERS
    return Visibility.PUBLIC


class ChannelQuerySet(models.QuerySet["Channel"]):
    def published(self) -> ChannelQuerySet:
        """What a unit's public pages list: open, public channels with a link."""
        return self.filter(visibility=Visibility.PUBLIC, closed=False).exclude(url="")


class Topic(models.TextChoices):
    UNION = "union", _("Union news")
    PROPAGANDA = "propaganda", _("Policy and law")
    ECONOMY = "economy", _("Livelihoods and economy")
    FAMILY = "family", _("Family and children")
    HEALTH = "health", _("Health")
    DIGITAL = "digital", _("Digital skills")
    OTHER = "other", _("Other")


class Channel(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="channels")
    # Copies of the unit's province and path: "channels of a subtree" is one indexed prefix, and
    # the table can be split by province.
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(pgettext_lazy("channel", "kind"), max_length=20, choices=ChannelKind)
    name = models.CharField(_("name"), max_length=200)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What a post's link is matched against: e.g. `facebook:hoiphunuxaeakar`.
    url_key = models.CharField(max_length=300, blank=True, editable=False)
    audience = models.PositiveIntegerField(_("followers or members"), null=True, blank=True)
    audience_on = models.DateField(_("counted on"), null=True, blank=True)
    run_by = models.CharField(_("run by"), max_length=200, blank=True)
    closed = models.BooleanField(_("no longer used"), default=False)
    # Members only unless chosen otherwise: a channel written without a choice (a bulk load, a
    # forgotten field) never puts a closed group's invite link on a public page.
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility, default=Visibility.MEMBERS
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["unit_path", "kind", "name"]
        indexes = [
            models.Index(fields=["unit_path", "kind"], name="channel_path"),
            models.Index(fields=["province", "url_key"], name="channel_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    # The channel's kind, copied: metrics count posts per kind without a join.
    kind = models.CharField(max_length=20, choices=ChannelKind, editable=False)
    # A local date (Asia/Ho_Chi_Minh): what the cadre sees on the post.
    published_on = models.DateField(_("published on"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    title = models.CharField(pgettext_lazy("post", "title"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic, blank=True)
    is_livestream = models.BooleanField(_("livestream"), default=False)
    article = models.OneToOneField(
        "Article", on_delete=models.CASCADE, null=True, blank=True, related_name="post"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["province", "kind", "published_on"], name="post_kind_date"),
            models.Index(fields=["unit_path", "published_on"], name="post_path_date"),
            # All posts (or livestreams) of a province in a period, counted per unit from the
            # index alone: the metrics that span every kind.
            models.Index(
                fields=["province", "published_on", "unit_path", "is_livestream"],
                name="post_date",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "url"], condition=~Q(url=""), name="post_url_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"{self.channel} {self.published_on}"

    @property
    def audit_unit(self) -> Unit:
        return self.unit


class Article(models.Model):
    """A news article published on Hội Số itself, on the unit's public page."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="articles")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(pgettext_lazy("post", "title"), max_length=300)
    # Sanitised HTML (see comms.sanitise): only what the allow-list keeps is ever stored.
    body = models.TextField(_("text"))
    image = models.ImageField(_("picture"), upload_to="articles/%Y/%m/", blank=True)
    published_on = models.DateField(_("published on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["unit", "-published_on"], name="article_unit_date")]

    def __str__(self) -> str:
        return self.title
