from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "gongzhi.consultations"
    label = "consultations"
    verbose_name = "议事协商"
