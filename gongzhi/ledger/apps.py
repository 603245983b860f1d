from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "gongzhi.ledger"
    label = "ledger"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from gongzhi.ledger import checks  # noqa: F401  (registers the retention check)
