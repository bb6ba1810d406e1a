"""The legacy ``url()`` helper with a seed-style declaration: only the import line changed."""

from __future__ import annotations

from django.urls import include

from healthcheck_admin import Healthcheck, url
from tests.testapp import views

urlpatterns = [
    url(r"^$", views.ok, name="home", healthcheck=True),
    url(
        r"^search/(?P<query>\w+)/$",
        views.ok,
        name="search",
        healthcheck=Healthcheck(
            kwargs={"query": "Acme"},
            querystring={"page": 1},
            tags=["seed"],
            assertions=[{"rule_type": "response_body", "operator": "contains", "value": "Cosmo"}],
        ),
    ),
    url(r"^shop/", include(("tests.testapp.urls", "shop"), namespace="shop")),
]
