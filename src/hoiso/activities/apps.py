from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "hoiso.activities"
    label = "activities"
