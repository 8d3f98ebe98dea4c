from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # - exports: the account's own sections of "download my data"; lessons and
        #   assessments register theirs from their own AppConfig.ready();
        # - receivers: security events from allauth's and Django's signals.
        from . import exports, receivers  # noqa: F401
