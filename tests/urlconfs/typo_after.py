"""typo_before with typos: an interval Cronitor refuses, a key with a space; one route really removed."""

from __future__ import annotations

from healthcheck_admin import Healthcheck, path
from tests.testapp import views

urlpatterns = [
    path("status/", views.ok, name="typo-status", healthcheck={"interval_seconds": 5}),
    path("keyed/", views.ok, name="typo-keyed", healthcheck=Healthcheck(key="typo keyed")),
    path("stays/", views.ok, name="typo-stays", healthcheck=True),
]
