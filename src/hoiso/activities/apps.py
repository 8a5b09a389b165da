from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "hoiso.activities"
    label = "activities"

    def ready(self) -> None:
        # Activity, branch-life, training and equipment metrics for targets
        # (hoiso.targets.metrics registry); the services register how an erasure reaches
        # a member's training records (hoiso.members.erasure).
        from hoiso.activities import metrics, services  # noqa: F401
