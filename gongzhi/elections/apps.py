from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "gongzhi.elections"
    label = "elections"
    verbose_name = "委员会换届选举"
