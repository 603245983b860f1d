from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "gongzhi.ledger"
    label = "ledger"
