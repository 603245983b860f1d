from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "gongzhi.policy"
    label = "policy"
    verbose_name = "法定规则与政策参数"

    def ready(self) -> None:
        from gongzhi.policy import registry

        registry.autodiscover()
