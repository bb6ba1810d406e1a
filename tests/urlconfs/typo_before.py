"""Three valid checks: the "before" of a deploy that makes two of them invalid (typo_after)."""

from __future__ import annotations

from healthcheck_admin import Healthcheck, path
from tests.testapp import views

urlpatterns = [
    path("status/", views.ok, name="typo-status", healthcheck={"interval_seconds": 60}),
    path("keyed/", views.ok, name="typo-keyed", healthcheck=Healthcheck(key="typo-keyed")),
    path("stays/", views.ok, name="typo-stays", healthcheck=True),
    path("goes/", views.ok, name="typo-goes", healthcheck=True),
]
