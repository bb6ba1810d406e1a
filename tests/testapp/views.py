from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def ok(request: HttpRequest, **kwargs: str) -> HttpResponse:
    return HttpResponse("ok Spacely")
