"""A URLconf whose check sets the alert-noise controls (tests/test_noise_fields.py)."""

from __future__ import annotations

from healthcheck_admin import Healthcheck, path
from tests.testapp import views

urlpatterns = [
    path(
        "quiet/",
        views.ok,
        name="quiet",
        healthcheck=Healthcheck(key="noise.quiet", failure_tolerance=2, realert_interval=12, group="web"),
    ),
    path("plain/", views.ok, name="plain", healthcheck=Healthcheck(key="noise.plain")),
]
