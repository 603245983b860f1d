from django.apps import AppConfig


class CoreConfig(AppConfig):
    """National codes, personal-data fields, jurisdiction scoping, task progress."""

    name = "gongzhi.core"
    label = "core"

    def ready(self) -> None:
        from gongzhi.core import checks  # noqa: F401  (registers the system checks)
