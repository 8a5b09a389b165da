from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "hoiso.members"
    label = "members"
