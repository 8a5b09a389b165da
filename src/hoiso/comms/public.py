"""A unit's public pages: its news and its channels, readable without logging in.

They are small on purpose (no script, one stylesheet, pictures already shrunk) and cached by
browsers and proxies for a few minutes, so that they load fast on a phone on a weak signal.
They list public channels only: a members-only channel (a closed Zalo group's invite link) is
never shown to a visitor.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from hoiso.comms.models import Article, Channel
from hoiso.comms.selectors import access_article
from hoiso.units.models import Level, Unit


def _public_unit(unit_code: str) -> Unit:
    unit = Unit.objects.filter(code=unit_code, level__gte=Level.PROVINCE).first()
    if unit is None:
        raise Http404("no such unit")
    return unit


@cache_control(public=True, max_age=300)
def news(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _public_unit(unit_code)
    articles = Article.objects.filter(unit=unit).only(
        "pk", "title", "published_on", "image", "unit_id"
    )
    page = Paginator(articles, 10).get_page(request.GET.get("page"))
    channels = Channel.objects.filter(unit=unit).published()
    return render(
        request, "comms/public_news.html", {"unit": unit, "page": page, "channels": channels}
    )


@cache_control(public=True, max_age=300)
def article(request: HttpRequest, unit_code: str, pk: int) -> HttpResponse:
    unit = _public_unit(unit_code)
    item = access_article(unit, pk)
    return render(request, "comms/public_article.html", {"unit": unit, "article": item})


@cache_control(public=True, max_age=300)
def channels(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = _public_unit(unit_code)
    items = Channel.objects.filter(unit_path__startswith=unit.path).published()
    items = items.select_related("unit").order_by("unit_path", "kind")[:500]
    return render(request, "comms/public_channels.html", {"unit": unit, "channels": items})


@cache_control(public=True, max_age=86400)
def article_image(request: HttpRequest, unit_code: str, pk: int) -> FileResponse:
    unit = _public_unit(unit_code)
    item = access_article(unit, pk, with_image=True)
    return FileResponse(item.image.open("rb"), content_type="image/jpeg")
