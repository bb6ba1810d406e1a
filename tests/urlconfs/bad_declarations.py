"""A URLconf with one of each declaration problem the system checks report."""

from __future__ import annotations

from django.urls import include

from healthcheck_admin import Healthcheck, path
from tests.testapp import views

urlpatterns = [
    path("bad-dict/", views.ok, name="bad-dict", healthcheck={"method": "DELETE"}),  # E001
    path("needs-arg/<int:pk>/", views.ok, name="needs-arg", healthcheck=True),  # E002: no args given
    path("inc/", include("tests.testapp.urls"), healthcheck=True),  # E003
    path("nameless/", views.ok, healthcheck=True),  # E004
    path("one/", views.ok, name="one", healthcheck=Healthcheck(key="same-key")),  # E005 ...
    path("two/", views.ok, name="two", healthcheck=Healthcheck(key="same-key")),  # ... twice
    path("fine/", views.ok, name="fine", healthcheck=True),
]
