from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "hoiso.comms"
    label = "comms"

    def ready(self) -> None:
        # Post metrics for targets (hoiso.targets.metrics registry).
        from hoiso.comms import metrics  # noqa: F401
