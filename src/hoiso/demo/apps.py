from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hoiso.demo"
    label = "demo"
