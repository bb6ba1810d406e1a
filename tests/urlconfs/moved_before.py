from __future__ import annotations

from healthcheck_admin import path
from tests.testapp import views

urlpatterns = [path("status/", views.ok, name="status", healthcheck=True)]
