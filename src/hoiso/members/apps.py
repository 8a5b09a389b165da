from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "hoiso.members"
    label = "members"

    def ready(self) -> None:
        # Member metrics for targets (hoiso.targets.metrics registry).
        from hoiso.members import metrics  # noqa: F401
