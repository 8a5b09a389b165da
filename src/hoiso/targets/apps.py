from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "hoiso.targets"
    label = "targets"

    def ready(self) -> None:
        # The metrics this app owns; other apps register theirs from their own ready().
        from hoiso.targets import metrics  # noqa: F401
