"""The care categories of R3.5b and the usual others, as tags; the sensitive ones marked."""

from django.db import migrations

# (code, name, category, is_sensitive)
TAGS = [
    ("social_assistance", "社会救助对象", "care", False),
    ("registered_poor", "建档立卡贫困户", "care", False),
    ("child_in_difficulty", "困境儿童", "care", False),
    ("mental_disorder", "精神障碍患者", "care", True),
    ("community_correction", "社区矫正对象", "care", True),
    ("released_prisoner", "刑满释放人员", "care", True),
    ("left_behind_child", "留守儿童", "care", False),
    ("left_behind_woman", "留守妇女", "care", False),
    ("left_behind_elder", "留守老人", "care", False),
    ("elder_living_alone", "独居老人", "care", False),
    ("disabled", "残疾人", "care", False),
    ("veteran", "退役军人", "other", False),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("residents", "Tag")
    for code, name, category, sensitive in TAGS:
        Tag.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "is_sensitive": sensitive}
        )


def unseed(apps, schema_editor):
    apps.get_model("residents", "Tag").objects.filter(code__in=[t[0] for t in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
