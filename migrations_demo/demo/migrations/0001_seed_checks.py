"""Seed two admin-created checks, as ops staff would add them."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SEEDED = [
    {
        "key": "adm-example-home",
        "name": "Example.com home page (external)",
        "url": "https://www.example.com/",
        "assertions": ["response.code = 200", "response.body contains Example Domain"],
        "tags": ["external"],
        "interval_seconds": 300,
    },
    {
        "key": "adm-demo-status",
        "name": "Demo status endpoint",
        "url": "http://127.0.0.1:8000/status/",
        "headers": {"Authorization": "env:DEMO_STATUS_TOKEN"},
        "assertions": ["response.code = 200", "response.json status = ok"],
        "tags": ["internal"],
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("healthcheck_admin", "HealthcheckDefinition")
    for values in SEEDED:
        model.objects.get_or_create(key=values["key"], defaults={"source": "admin", **values})


def unseed(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("healthcheck_admin", "HealthcheckDefinition")
    model.objects.filter(key__in=[values["key"] for values in SEEDED]).delete()


class Migration(migrations.Migration):
    dependencies = [("healthcheck_admin", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
