"""Every write to channels, posts and articles: validated, atomic, audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from hoiso.comms.links import recognise, web_link
from hoiso.comms.models import (
    Article,
    Channel,
    ChannelKind,
    Post,
    Topic,
    Visibility,
    default_visibility,
)
from hoiso.core import audit, formats
from hoiso.core.images import NotAPicture, to_jpeg
from hoiso.core.limits import control_error, length_error, max_length
from hoiso.core.text import clean
from hoiso.core.uploads import too_large_message, upload_limit
from hoiso.metrics.versions import bump
from hoiso.units.models import Unit

CHANNEL_FIELDS = [
    "kind", "name", "url", "audience", "audience_on", "run_by", "closed", "visibility",
]  # fmt: skip


def _province(unit: Unit) -> Unit:
    """The unit's province (`Unit.province`), which every channel, post and article records."""
    province = unit.province()
    if province is None:
        raise ValidationError(_("This unit is not inside a province."))
    return province


def _check_channel(channel: Channel) -> None:
    channel.name = clean(channel.name)
    channel.url = clean(channel.url)
    channel.run_by = clean(channel.run_by)
    if not channel.name:
        raise ValidationError({"name": _("Give the channel's name, as people see it.")})
    if channel.kind not in ChannelKind.values:
        raise ValidationError({"kind": _("Choose the kind of channel.")})
    if channel.visibility not in Visibility.values:
        raise ValidationError(
            {"visibility": _("Choose who may see the channel: everyone, or members only.")}
        )
    if channel.url:
        link = web_link(channel.url)
        if link is None:
            raise ValidationError({"url": _("Paste a web address starting with https://.")})
        channel.url = link
        info = recognise(channel.url)
        if not info.key:
            raise ValidationError(
                {
                    "url": _(
                        "This link does not lead to a channel: paste the page's own address "
                        "(e.g. https://facebook.com/hoiphunu…)."
                    )
                }
            )
        # A Facebook link shows a page or a group only by its shape: either kind may be chosen.
        facebook = {ChannelKind.FACEBOOK_PAGE, ChannelKind.FACEBOOK_GROUP}
        if (
            info.kind
            and info.kind != channel.kind
            and channel.kind != ChannelKind.WEBSITE
            and {info.kind, channel.kind} != facebook
        ):
            raise ValidationError(
                {"url": _("This link is of another kind of channel than the one chosen.")}
            )
        channel.url_key = info.key
    else:
        channel.url_key = ""
    if channel.audience is not None and channel.audience_on is None:
        channel.audience_on = timezone.localdate()
    if channel.audience_on and channel.audience_on > timezone.localdate():
        raise ValidationError({"audience_on": _("The date of the count is in the future.")})
    if channel.url_key:
        twin = Channel.objects.filter(province=channel.province, url_key=channel.url_key)
        if channel.pk:
            twin = twin.exclude(pk=channel.pk)
        if other := twin.select_related("unit").first():
            raise ValidationError(
                {
                    "url": _("This channel is already registered for %(unit)s.")
                    % {"unit": other.unit.name}
                }
            )


def channel_create(*, actor: Any, unit: Unit, data: dict[str, Any]) -> Channel:
    """Register a channel of `unit`."""
    if unit.is_closed:
        raise ValidationError(_("This unit is closed; it can have no new channels."))
    channel = Channel(unit=unit, province=_province(unit), unit_path=unit.path)
    for name in CHANNEL_FIELDS:
        if name in data:
            setattr(channel, name, data[name])
    # Without a choice, the kind's default: Zalo groups and cadres' groups stay members-only.
    if not data.get("visibility"):
        channel.visibility = default_visibility(channel.kind, clean(channel.name))
    _check_channel(channel)
    with transaction.atomic():
        channel.save()
        audit.log(
            actor,
            "channel.created",
            channel,
            unit=unit,
            data={"kind": channel.kind, "visibility": channel.visibility},
        )
    return channel


def channel_update(*, actor: Any, channel: Channel, data: dict[str, Any]) -> Channel:
    """Change a channel's details (its audience count, who runs it…)."""
    changed = [n for n in CHANNEL_FIELDS if n in data and getattr(channel, n) != data[n]]
    for name in changed:
        setattr(channel, name, data[name])
    _check_channel(channel)
    with transaction.atomic():
        channel.save()
        # Posts carry their channel's kind for the metrics: keep them in step.
        Post.objects.filter(channel=channel).exclude(kind=channel.kind).update(kind=channel.kind)
        bump("comms", channel.province_id)
        audit.log(actor, "channel.updated", channel, unit=channel.unit, data={"fields": changed})
    return channel


def channel_for_link(unit: Unit, url: str) -> Channel | None:
    """The channel in the unit's subtree that a post's link belongs to, if the link says."""
    key = recognise(url).key
    if not key:
        return None
    return (
        Channel.objects.filter(unit_path__startswith=unit.path, url_key=key, closed=False)
        .select_related("unit")
        .first()
    )


def _new_post(channel: Channel, data: dict[str, Any], actor: Any) -> Post:
    """A post checked but not saved; errors name the field to fix."""
    typed = {"url": clean(data.get("url") or ""), "title": clean(data.get("title") or "")}
    _check_text(typed)
    url = web_link(typed["url"])
    if url is None:
        raise ValidationError({"url": _("Paste a web address starting with https://.")})
    published_on = data.get("published_on")
    if published_on is None and url:
        published_on = recognise(url).published_on
    if published_on is None:
        raise ValidationError({"published_on": _("Give the date the post was published.")})
    if isinstance(published_on, dt.datetime):
        published_on = timezone.localdate(published_on)
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("The date is in the future.")})
    if published_on < dt.date(2000, 1, 1):
        raise ValidationError({"published_on": _("The date is too far in the past.")})
    if url:
        key = recognise(url).key
        if (
            key
            and channel.url_key
            and key != channel.url_key
            and channel.kind != ChannelKind.WEBSITE
        ):
            raise ValidationError(
                {"url": _("This link belongs to another channel than the one chosen.")}
            )
    topic = data.get("topic") or ""
    if topic and topic not in Topic.values:
        raise ValidationError({"topic": _("Choose a topic from the list.")})
    _check_text({"url": url}, lengths=True)  # https:// may have been added to what was typed
    _check_text({"title": typed["title"]}, lengths=True)
    return Post(
        channel=channel,
        unit_id=channel.unit_id,
        province_id=channel.province_id,
        unit_path=channel.unit_path,
        kind=channel.kind,
        published_on=published_on,
        url=url,
        title=typed["title"],
        topic=topic,
        is_livestream=bool(data.get("is_livestream")),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _check_text(values: dict[str, str], *, lengths: bool = False) -> None:
    """Control characters, or (`lengths`) values longer than the post table holds."""
    for name, value in values.items():
        bad = length_error(value, max_length(Post, name)) if lengths else control_error(value)
        if bad:
            raise ValidationError({name: capfirst(bad)})


def post_log(*, actor: Any, channel: Channel, data: dict[str, Any]) -> Post:
    """Record one post of a channel (from the phone form, the API or a test)."""
    if channel.closed:
        raise ValidationError({"channel": _("This channel is marked as no longer used.")})
    post = _new_post(channel, data, actor)
    if post.url and Post.objects.filter(channel=channel, url=post.url).exists():
        raise ValidationError({"url": _("This post has already been recorded.")})
    try:
        with transaction.atomic():
            post.save()
            bump("comms", post.province_id)
            audit.log(actor, "post.logged", post, unit=channel.unit, data={"channel": channel.pk})
    except IntegrityError:
        raise ValidationError({"url": _("This post has already been recorded.")}) from None
    return post


def posts_import(*, actor: Any, unit: Unit, rows: list[tuple[int, Channel, dict[str, Any]]]) -> int:
    """Write rows already read and matched (see comms.importing) in one transaction."""
    posts = [_new_post(channel, data, actor) for _line, channel, data in rows]
    with transaction.atomic():
        Post.objects.bulk_create(posts, batch_size=500)
        bump("comms", _province(unit).pk)
        audit.log(actor, "posts.imported", unit, data={"rows": len(posts)})
    return len(posts)


# --- Articles on Hội Số -------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "blockquote",
    "a",
}
IMAGE_MAX = 1024  # pixels on the longer side: a phone's screen, a few tens of KB on a slow link


_BLOCK_TAG = re.compile(r"<(p|br|ul|ol|h2|h3|blockquote)\b", re.IGNORECASE)


def text_to_html(text: str) -> str:
    """Text typed in a plain box (no paragraph tags) becomes paragraphs, split at blank lines."""
    if _BLOCK_TAG.search(text):
        return text
    inline = nh3.clean(text, tags={"b", "strong", "i", "em", "u", "a"}, attributes={"a": {"href"}})
    paragraphs = [p.strip() for p in inline.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + "<br>".join(p.split("\n")) + "</p>" for p in paragraphs)


def sanitise(html: str) -> str:
    """Keep paragraphs, emphasis, lists and plain links; drop scripts, styles, frames, events."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def resize_image(upload: UploadedFile) -> ContentFile:
    """A JPEG no larger than IMAGE_MAX on its longer side, turned upright, metadata dropped."""
    if upload.size is not None and upload.size > upload_limit("picture"):
        raise ValidationError({"image": too_large_message(upload.size, upload_limit("picture"))})
    try:
        jpeg = to_jpeg(upload, IMAGE_MAX)
    except NotAPicture:
        raise ValidationError(
            {"image": _("This file is not a picture (use JPG or PNG).")}
        ) from None
    return ContentFile(jpeg, name="picture.jpg")


def website_channel(unit: Unit) -> Channel:
    """The unit's channel for its news on Hội Số, made the first time it publishes."""
    channel = Channel.objects.filter(unit=unit, kind=ChannelKind.WEBSITE, url="").first()
    if channel is None:
        channel = Channel.objects.create(
            unit=unit,
            province=_province(unit),
            unit_path=unit.path,
            kind=ChannelKind.WEBSITE,
            name=_("News on Hội Số"),
            visibility=Visibility.PUBLIC,
        )
    return channel


def article_publish(
    *, actor: Any, unit: Unit, title: str, body: str, image: UploadedFile | None = None
) -> Article:
    """Publish an article on the unit's public news page; it counts as a post of its website."""
    title = clean(title)
    if len(body) > settings.ARTICLE_MAX_CHARS:
        raise ValidationError({"body": _(
            "The text is %(n)s characters long; an article holds at most %(limit)s. Shorten it "
            "or split it into two articles."
        ) % {"n": formats.number(len(body)), "limit": formats.number(settings.ARTICLE_MAX_CHARS)}})  # fmt: skip
    body = sanitise(text_to_html(body))
    errors = {}
    if not title:
        errors["title"] = _("Give the article a title.")
    if not nh3.clean(body, tags=set()).strip():
        errors["body"] = _("Write the article's text.")
    if errors:
        raise ValidationError(errors)
    picture = resize_image(image) if image else None
    today = timezone.localdate()
    with transaction.atomic():
        article = Article(
            unit=unit,
            province=_province(unit),
            title=title[:300],
            body=body,
            published_on=today,
            author=actor,
        )
        if picture:
            article.image.save(picture.name or "picture.jpg", picture, save=False)
        article.save()
        channel = website_channel(unit)
        Post.objects.create(
            channel=channel,
            unit=unit,
            province_id=channel.province_id,
            unit_path=unit.path,
            kind=ChannelKind.WEBSITE,
            published_on=today,
            title=title[:300],
            article=article,
            topic=Topic.UNION,
            created_by=actor,
        )
        bump("comms", channel.province_id)
        audit.log(actor, "article.published", article, unit=unit)
    return article


def post_delete(*, actor: Any, post: Post) -> None:
    """Remove a post recorded by mistake."""
    with transaction.atomic():
        audit.log(actor, "post.deleted", post, unit=post.unit, data={"url": post.url})
        if post.article_id:
            Article.objects.filter(pk=post.article_id).delete()
        else:
            post.delete()
        bump("comms", post.province_id)
