from __future__ import annotations

from healthcheck_admin import path
from tests.testapp import views

urlpatterns = [path("health/v2/status/", views.ok, name="status", healthcheck=True)]
