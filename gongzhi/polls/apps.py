from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "gongzhi.polls"
    label = "polls"
    verbose_name = "社区投票"
