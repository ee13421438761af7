"""The data version now belongs to the kernel (``kernel.0001``), which keeps this app's
table: the dashboards forget the model without dropping the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("kernel", "0001_data_version_from_dashboards"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataVersion")],
            database_operations=[],
        ),
    ]
