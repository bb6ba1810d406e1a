"""The seed's example ported to healthcheck_admin, plus an include() and a put()."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include

from demo import views
from healthcheck_admin import Healthcheck, path, put, re_path, url

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "",
        views.index,
        name="index",
        healthcheck={"assertions": ["response.code = 200", "response.body contains Welcome"]},
    ),
    path("tos/", views.tos, name="tos"),  # no healthcheck
    path(
        "search/<str:query>/",
        views.search,
        name="search",
        healthcheck=Healthcheck(kwargs={"query": "Acme"}, assertions=["response.json count > 0"]),
    ),
    re_path(
        r"^api/leads/(?P<lead>.+)$",
        views.leads,
        name="leads-detail",
        healthcheck={
            "kwargs": {"lead": "12345"},
            "name": "Lead API Update",
            "method": "PUT",
            "body": '{"name": "Spacely Sprockets"}',
            "headers": {"Content-Type": "application/json", "X-Demo-Token": "env:DEMO_TOKEN"},
            "assertions": ["response.code = 200", "response.body contains Spacely"],
        },
    ),
    url(
        r"^status/$",
        views.status,
        name="status",
        healthcheck=Healthcheck(
            assertions=["response.code = 200", "response.header X-App-Version = 1.0.0", "response.time < 2s"],
            interval_seconds=30,
        ),
    ),
    path("shop/", include(("demo.shop.urls", "shop"))),
]

# A check for a route this project does not own: the admin's login page.
put(
    [
        Healthcheck(
            route="admin:login", name="Admin login page", assertions=["response.body contains Username"]
        )
    ]
)
