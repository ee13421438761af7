"""The data version moves from the dashboards app to the kernel: only Django's idea of
which app holds it changes; the table (``dashboards_dataversion``) stays as it is."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("dashboards", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        (
                            "authority",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="accounts.localauthority",
                            ),
                        ),
                        ("version", models.PositiveBigIntegerField(default=0)),
                        ("token", models.UUIDField(default=uuid.uuid4, editable=False)),
                        ("changed_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={"db_table": "dashboards_dataversion"},
                ),
            ],
            database_operations=[],
        ),
    ]
