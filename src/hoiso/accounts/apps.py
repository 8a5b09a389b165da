from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hoiso.accounts"
    label = "accounts"
