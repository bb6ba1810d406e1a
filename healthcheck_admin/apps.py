"""App config: ``ready()`` only registers system checks and signal receivers."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthcheckAdminConfig(AppConfig):
    name = "healthcheck_admin"
    verbose_name = _("Healthchecks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from healthcheck_admin import checks, signals

        checks.register()
        signals.connect()
