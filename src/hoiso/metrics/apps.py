from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """Periods, the metric registry, grouping helpers and data versions: no models of its own.

    It sits below the domain apps, which register their metrics here, and above units (the
    grouping helpers read the unit tree); targets reads metrics by code.
    """

    name = "hoiso.metrics"
    label = "metrics"
