"""A NUL in a header value beside a valid check: the bad one is E001, the good one still syncs."""

from __future__ import annotations

from healthcheck_admin import path
from tests.testapp import views

urlpatterns = [
    path("nul/", views.ok, name="nul-header", healthcheck={"headers": {"X-A": "a\x00b"}}),
    path("fine/", views.ok, name="nul-fine", healthcheck=True),
]
