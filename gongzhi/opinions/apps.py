from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "gongzhi.opinions"
    label = "opinions"
    verbose_name = "意见地图"
