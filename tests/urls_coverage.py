"""A URLconf for ``tests/test_coverage.py``: 40-odd routes of every kind the coverage sorts.

Namespaced includes (nested), converters, regex groups, an admin, routes with ``healthcheck=``,
POST-only function and class-based views, routes that need kwargs, and static and media routes
built as ``static()`` and ``staticfiles_urlpatterns()`` build them (they return [] unless DEBUG).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.staticfiles.views import serve as staticfiles_serve
from django.http import HttpRequest, HttpResponse
from django.urls import include
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve as static_serve

from healthcheck_admin import Healthcheck, path, re_path
from tests.testapp.views import ok


@require_POST
def post_only(request: HttpRequest, **kwargs: str) -> HttpResponse:
    return HttpResponse("posted")


@require_GET
def get_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("got")


@require_http_methods(["PUT", "DELETE"])
def put_or_delete(request: HttpRequest) -> HttpResponse:
    return HttpResponse("changed")


@require_POST
async def async_post_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("posted")


class PostView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("posted")


class ReadView(View):
    def get(self, request: HttpRequest, **kwargs: str) -> HttpResponse:
        return HttpResponse("read")


class FormView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("form")

    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("posted")


api_patterns = [
    path("status/", ok, name="status", healthcheck=True),
    path("users/", ok, name="users"),
    path("users/<int:pk>/", ok, name="user"),
    path("users/<int:pk>/ping/", ok, name="user-ping", healthcheck={"args": [1]}),
    path("orders/", PostView.as_view(), name="orders-create"),
    path("orders/<uuid:order>/", ReadView.as_view(), name="order"),
    path("export/", FormView.as_view(http_method_names=["post"]), name="export"),
    path("docs/", TemplateView.as_view(template_name="x.html"), name="docs"),
    path("v2/", include(([path("health/", ok, name="health"), path("echo/", post_only, name="echo")], "v2"))),
]

shop_patterns = [
    path("", ok, name="catalogue", healthcheck=True),
    path("cart/", get_only, name="cart"),
    path("checkout/", post_only, name="checkout"),
    path("product/<slug:slug>/", ok, name="product", healthcheck={"kwargs": {"slug": "cog"}}),
    path("offers/", require_safe(ok), name="offers"),
]

# Under a converter in the include: every route inside needs ``lang``.
intl_patterns = [path("", ok, name="home"), path("faq/", ok, name="faq")]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", ok, name="index", healthcheck=True),
    path("about/", ok, name="about"),
    path("tos/", ok, name="tos"),
    path("contact/", post_only, name="contact"),
    path("webhook/", async_post_only, name="webhook"),
    path("items/", put_or_delete, name="items"),
    path("old/", RedirectView.as_view(url="/"), name="old"),
    path("feed/", ok),  # unnamed: no check can name it
    path("archive/<int:year>/", ok),  # unnamed, with an argument
    path("blog/<int:year>/<slug:slug>/", ok, name="blog-post"),
    path("blog/", ok, name="blog", healthcheck=Healthcheck(tags=["blog"])),
    re_path(r"^legacy/(\d+)/$", ok, name="legacy"),
    re_path(r"^pages/(?P<page>[a-z]+)/$", ok, name="page"),
    re_path(r"^sitemap\.xml$", ok, name="sitemap"),
    path("api/", include((api_patterns, "api"))),
    path("shop/", include((shop_patterns, "shop"))),
    path("<str:lang>/", include((intl_patterns, "intl"))),
    path("debug/", include(([path("sql/", ok, name="sql")], "debug"))),
    path("media/<path:path>", ok, name="media-like"),  # a plain view: not static, just a kwarg
    # What staticfiles_urlpatterns() and static(MEDIA_URL, document_root=...) return under DEBUG.
    re_path(r"^static/(?P<path>.*)$", staticfiles_serve),
    re_path(r"^uploads/(?P<path>.*)$", static_serve, {"document_root": "/nonexistent"}),
]
