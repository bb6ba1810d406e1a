"""A URLconf with one declaration of each variant kind (tests/test_variants.py)."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns

from healthcheck_admin import Healthcheck, Variant, path
from tests.testapp import views

#: What ``tenants()`` returns; the tests change it to add and remove variants.
TENANTS: list[Variant] = [
    Variant("acme", host="acme.example.com", kwargs={"slug": "acme"}, headers={"X-Tenant": "acme"}),
    Variant("globex", host="globex.example.com", kwargs={"slug": "globex"}),
]


HOSTS = ["eu.example.com", "us.example.com"]
GROUP = "tenants"


def tenants() -> list[Variant]:
    return list(TENANTS)


urlpatterns = [
    path("status/", views.ok, name="status", healthcheck=Healthcheck(hosts=HOSTS)),
    path("sites/", views.ok, name="on-sites", healthcheck=Healthcheck(sites=True)),
    path("t/<slug:slug>/", views.ok, name="tenant", healthcheck=Healthcheck(targets=tenants, group=GROUP)),
    *i18n_patterns(
        path("about/", views.ok, name="about", healthcheck=Healthcheck(locales=True, name="About")),
        path("shop/", views.ok, name="shop", healthcheck=Healthcheck(locales=True, hosts=["a.example.com"])),
        path(
            "<slug:slug>/home/",
            views.ok,
            name="tenant-home",
            healthcheck=Healthcheck(locales=True, targets=tenants, key="home"),
        ),
    ),
]
