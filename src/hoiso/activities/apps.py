from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "hoiso.activities"
    label = "activities"

    def ready(self) -> None:
        # Activity, branch-life, training and equipment metrics for targets
        # (hoiso.targets.metrics registry).
        from hoiso.activities import metrics  # noqa: F401
