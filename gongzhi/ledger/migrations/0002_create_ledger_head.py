from django.db import migrations


def create_head(apps, schema_editor):
    apps.get_model("ledger", "LedgerHead").objects.get_or_create(pk=1)


def remove_head(apps, schema_editor):
    apps.get_model("ledger", "LedgerHead").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(create_head, remove_head)]
