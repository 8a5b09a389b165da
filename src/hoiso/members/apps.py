from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "hoiso.members"
    label = "members"

    def ready(self) -> None:
        # Member metrics for targets (hoiso.targets.metrics registry).
        # Retention registers the deletion of the generated files that may name an erased
        # member (hoiso.members.erasure).
        from hoiso.members import metrics, retention  # noqa: F401
