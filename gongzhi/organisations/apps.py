from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "gongzhi.organisations"
    label = "organisations"
