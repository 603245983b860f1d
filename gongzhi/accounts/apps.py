from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"

    def ready(self) -> None:
        from gongzhi.accounts import checks  # noqa: F401  (registers the system checks)
