from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Views that compose several apps (a unit's home, the front door): above the domain apps."""

    name = "hoiso.pages"
    label = "pages"
