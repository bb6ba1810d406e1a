"""A namespaced app, included under /shop/ as ``shop``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from healthcheck_admin import Healthcheck, path


def catalogue(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Catalogue: sprockets, cogs")


def product(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"Product {pk}: Spacely sprocket")


urlpatterns = [
    path("", catalogue, name="catalogue", healthcheck={"assertions": ["response.body contains sprockets"]}),
    path(
        "product/<int:pk>/",
        product,
        name="product",
        healthcheck=Healthcheck(args=[42], name="Shop product page", tags=["shop"]),
    ),
]
