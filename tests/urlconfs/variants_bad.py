"""A URLconf with one of each bad variant declaration (tests/test_variants_checks.py)."""

from __future__ import annotations

from healthcheck_admin import Healthcheck, Variant, path
from tests.testapp import views


def broken() -> list[Variant]:
    raise RuntimeError("tenant database down")


urlpatterns = [
    path("h/", views.ok, name="bad-hosts", healthcheck=Healthcheck(hosts="eu.example.com")),  # E030
    path("h2/", views.ok, name="bad-host", healthcheck=Healthcheck(hosts=["https://eu.example.com/"])),
    path("l/", views.ok, name="no-i18n", healthcheck=Healthcheck(locales=True)),  # E032
    path("t/", views.ok, name="not-callable", healthcheck=Healthcheck(targets=["acme"])),  # type: ignore[arg-type]  # E033
    path("t2/", views.ok, name="raises", healthcheck=Healthcheck(targets=broken)),
    path("t3/", views.ok, name="returns-str", healthcheck=Healthcheck(targets=lambda: ["acme"])),  # type: ignore[list-item]
    path(
        "d/",
        views.ok,
        name="dupes",
        healthcheck=Healthcheck(targets=lambda: [Variant("Acme"), Variant("acme")]),  # E034
    ),
    path("c/", views.ok, name="both", healthcheck=Healthcheck(hosts=["a.example.com"], sites=True)),  # E035
    path("fine/", views.ok, name="fine", healthcheck=True),
]
