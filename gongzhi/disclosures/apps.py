from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "gongzhi.disclosures"
    label = "disclosures"
    verbose_name = "居务公开"
