"""The test URLconf: each way to declare a check (``True``, a dict, a ``Healthcheck``) and an include()."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include

from healthcheck_admin import Healthcheck, path, re_path
from tests.testapp import views

#: The seed's PUT example (tests/test_registry.py reads these values back).
LEAD_UPDATE = Healthcheck(
    kwargs={"lead": "12345"},
    name="Lead API Update",
    method="PUT",
    body='{"name": "Spacely Sprockets"}',
    assertions=["response.code = 200"],
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.ok, name="index", healthcheck=True),
    path("tos/", views.ok, name="tos"),
    path("search/<str:query>/", views.ok, name="search", healthcheck={"kwargs": {"query": "Acme"}}),
    re_path(r"^api/leads/(?P<lead>.+)$", views.ok, name="leads-detail", healthcheck=LEAD_UPDATE),
    path("shop/", include(("tests.testapp.urls", "shop"))),
]
