from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "hoiso.units"
    label = "units"
