"""Channels and posts of a unit's subtree: list, register, log a post from a phone, bulk entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from hoiso.accounts.access import Scope, gate
from hoiso.accounts.roles import LOG_POSTS, MANAGE_CHANNELS, VIEW_COMMS
from hoiso.comms import importing, services
from hoiso.comms.forms import ArticleForm, ChannelForm, ChannelUnitForm, ImportForm, PostForm
from hoiso.comms.links import recognise
from hoiso.comms.models import Channel, ChannelKind, Post
from hoiso.comms.selectors import access_channel, access_post, channels_of
from hoiso.core import formats
from hoiso.core.forms import add_service_error
from hoiso.core.sheets import UnreadableFile
from hoiso.core.text import sort_key
from hoiso.units.models import Level, Unit


def _without_channels(unit: Unit) -> tuple[StrOrPromise, list[Unit], list[Unit]]:
    """The open units one level down (communes of a province, branches of a commune) with no
    open channel anywhere in their subtree, and those with channels but no Facebook page: one
    query for the units, one for the channels."""
    level = Level.COMMUNE if unit.level < Level.COMMUNE else Level.BRANCH
    if unit.level >= Level.BRANCH:
        return "", [], []
    units = list(Unit.objects.within(unit).active().filter(level=level))
    kinds: dict[str, set[str]] = {}
    for path, kind in (
        Channel.objects.filter(unit_path__startswith=unit.path, closed=False)
        .values_list("unit_path", "kind")
        .distinct()
    ):
        kinds.setdefault(path, set()).add(kind)
    bare, no_page = [], []
    for u in sorted(units, key=lambda u: sort_key(u.name)):
        found = set().union(*(k for p, k in kinds.items() if p.startswith(u.path)))
        if not found:
            bare.append(u)
        elif ChannelKind.FACEBOOK_PAGE not in found:
            no_page.append(u)
    return Level(level).label, bare, no_page


@gate(VIEW_COMMS)
def channel_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    channels = (
        channels_of(scope)
        .annotate(n_posts=Count("posts"), last_post=Max("posts__published_on"))
        .order_by("closed", "unit_path", "kind", "name")
    )
    page = Paginator(channels, 50).get_page(request.GET.get("page"))
    level_label, bare, no_page = _without_channels(scope.unit)
    return render(
        request,
        "comms/channels.html",
        {
            "unit": scope.unit,
            "page": page,
            "bare": bare,
            "no_page": no_page,
            "bare_level": level_label,
            "can_manage": scope.can(MANAGE_CHANNELS),
            "can_log": scope.can(LOG_POSTS),
        },
    )


@gate(MANAGE_CHANNELS)
def channel_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    units = Unit.objects.within(scope.unit).active().filter(level__lte=Level.BRANCH)
    where = ChannelUnitForm(request.POST or None, units=units, initial={"unit": scope.unit})
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and where.is_valid() and form.is_valid():
        try:
            services.channel_create(
                actor=scope.user, unit=where.cleaned_data["unit"], data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The channel is registered."))
            return redirect("comms:channels", unit_code=scope.unit.code)
    return render(
        request, "comms/channel_form.html", {"unit": scope.unit, "form": form, "where": where}
    )


@gate(MANAGE_CHANNELS)
def channel_edit(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    channel = access_channel(scope, pk)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(
                actor=scope.user, channel=access_channel(scope, pk), data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The channel is saved."))
            return redirect("comms:channels", unit_code=scope.unit.code)
    return render(
        request, "comms/channel_form.html", {"unit": scope.unit, "form": form, "channel": channel}
    )


@gate(VIEW_COMMS)
def post_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    posts = (
        Post.objects.filter(unit_path__startswith=scope.unit.path)
        .select_related("channel", "unit", "article")
        .order_by("-published_on", "-id")
    )
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "comms/posts.html",
        {
            "unit": scope.unit,
            "page": page,
            "can_log": scope.can(LOG_POSTS),
            "can_manage": scope.can(MANAGE_CHANNELS),
        },
    )


@gate(LOG_POSTS)
def post_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    channels = channels_of(scope).filter(closed=False).order_by("unit_path", "kind", "name")
    data = request.POST.copy() if request.method == "POST" else None
    if request.method == "GET" and "url" in request.GET:
        # htmx asks as the link is pasted: fill in what the link tells, keep the rest.
        data = request.GET.copy()
        info = recognise(data.get("url", ""))
        channel = services.channel_for_link(scope.unit, data.get("url", ""))
        if channel:
            data["channel"] = str(channel.pk)
        if info.published_on:
            data["published_on"] = info.published_on.isoformat()
        form = PostForm(initial=data.dict(), channels=channels)
        return render(
            request,
            "comms/post_form.html#fields",
            {"unit": scope.unit, "form": form, "recognised": channel},
        )
    initial: dict[str, Any] = {"published_on": timezone.localdate()}
    if channels.count() == 1:
        initial["channel"] = channels.first()
    # Without JavaScript the link is only read on submit: the channel comes from it then.
    url = str(data.get("url", "")) if data is not None else ""
    if data is not None and not data.get("channel") and url:
        found = services.channel_for_link(scope.unit, url)
        data["channel"] = str(found.pk) if found else ""
    form = PostForm(data, channels=channels, initial=initial)
    if data is not None and form.is_valid():
        try:
            post = services.post_log(
                actor=scope.user, channel=form.cleaned_data["channel"], data=form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request,
                _("Post recorded: %(channel)s, %(date)s.")
                % {"channel": post.channel.name, "date": post.published_on.strftime("%d/%m/%Y")},
            )
            return redirect("comms:post_new", unit_code=scope.unit.code)
    recent = Post.objects.filter(unit_path__startswith=scope.unit.path, created_by=scope.user)
    return render(
        request,
        "comms/post_form.html",
        {
            "unit": scope.unit,
            "form": form,
            "no_channels": not channels.exists(),
            "recent": recent.select_related("channel")[:5],
            "can_manage": scope.can(MANAGE_CHANNELS),
        },
    )


@gate(LOG_POSTS)
def post_import(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = importing.read_table(upload.name, upload.read())
        except UnreadableFile as e:
            errors = [str(e)]
        except Exception:  # a broken or foreign file: say so rather than fail
            errors = [_("The file cannot be read: save it again as .xlsx or .csv (UTF-8).")]
        else:
            result = importing.parse(scope.unit, table)
            errors = result.errors
            if not errors and not result.rows:
                errors = [_("The file has no posts below its header row.")]
            if not errors:
                n = services.posts_import(actor=scope.user, unit=scope.unit, rows=result.rows)
                messages.success(request, _("%(n)s posts recorded.") % {"n": formats.number(n)})
                return redirect("comms:posts", unit_code=scope.unit.code)
    return render(
        request,
        "comms/import.html",
        {
            "unit": scope.unit,
            "form": form,
            "errors": errors[:200],
            "more_errors": max(0, len(errors) - 200),
        },
    )


@require_POST
@gate(LOG_POSTS)
def post_delete(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    post = access_post(scope, pk)
    services.post_delete(actor=scope.user, post=post)
    messages.success(request, _("The post is removed."))
    return redirect("comms:posts", unit_code=scope.unit.code)


@gate(MANAGE_CHANNELS)
def article_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_publish(
                actor=scope.user, unit=scope.unit, **form.cleaned_data
            )
        except ValidationError as e:
            add_service_error(form, e)
        else:
            messages.success(request, _("The article is published."))
            return redirect("public:article", unit_code=scope.unit.code, pk=article.pk)
    context: dict[str, Any] = {"unit": scope.unit, "form": form}
    return render(request, "comms/article_form.html", context)
