"""WSGI entry point for gunicorn: Django, with the public vote's lean endpoint in front of it
(`contests/fastvote.py`: `/v/…` never enters the middleware stack)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.settings")
django_application = get_wsgi_application()

from hoiso.contests.fastvote import with_fast_votes  # noqa: E402  (after Django is set up)

application = with_fast_votes(django_application)
