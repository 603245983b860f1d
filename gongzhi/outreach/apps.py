from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "gongzhi.outreach"
    label = "outreach"
    verbose_name = "流动服务与供需对接"
