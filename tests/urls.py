from __future__ import annotations

from django.contrib import admin
from django.urls import include

from healthcheck_admin import Healthcheck, path, re_path
from tests.testapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.ok, name="index", healthcheck=True),
    path("tos/", views.ok, name="tos"),
    path("search/<str:query>/", views.ok, name="search", healthcheck=Healthcheck(kwargs={"query": "Acme"})),
    re_path(
        r"^api/leads/(?P<lead>.+)$",
        views.ok,
        name="leads-detail",
        healthcheck={
            "kwargs": {"lead": "12345"},
            "name": "Lead API Update",
            "method": "PUT",
            "body": '{"name": "Spacely Sprockets"}',
            "assertions": ["response.code = 200"],
        },
    ),
    path("shop/", include(("tests.testapp.urls", "shop"))),
]
