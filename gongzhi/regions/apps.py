from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gongzhi.regions"
    label = "regions"
