from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The account's own sections of "download my data"; lessons and
        # assessments register theirs from their own AppConfig.ready().
        from . import exports  # noqa: F401
