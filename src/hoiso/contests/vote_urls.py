"""The public vote's addresses: under a contest's public page (/cuoc-thi/<slug>/…), the vote
itself at /v/<contest>/<entry> (answered in front of Django in production, see fastvote), and the
organiser's anomaly page under the contest's unit."""

from django.conf import settings
from django.urls import URLPattern, path

from hoiso.contests import vote_views

# Mounted under /cuoc-thi/<slug>/ in the "contest" namespace.
public_vote_urlpatterns: list[URLPattern] = [
    path("vote/challenge/", vote_views.challenge, name="vote_challenge"),
    path("vote/code/", vote_views.code_request, name="vote_code"),
    path("vote/confirm/", vote_views.code_confirm, name="vote_confirm"),
    path("vote/counts/", vote_views.counts, name="vote_counts"),
]

# Mounted at the site's root.
root_vote_urlpatterns: list[URLPattern] = [
    path("v/<int:contest>/<int:entry>", vote_views.vote, name="vote"),
]
if settings.VOTE_BENCH_REFERENCE:
    root_vote_urlpatterns.append(
        path("bench/vote-reference/", vote_views.bench_reference, name="vote_bench_reference")
    )

# Mounted under /u/<unit code>/contests/<pk>/votes/ in the "contest_votes" namespace.
organiser_vote_urlpatterns: list[URLPattern] = [
    path("", vote_views.review, name="review"),
    path("void/", vote_views.void, name="void"),
]
