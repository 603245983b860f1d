from django.apps import AppConfig


class ServiceRequestsConfig(AppConfig):
    name = "gongzhi.service_requests"
    label = "service_requests"
    verbose_name = "Open311 接口"
