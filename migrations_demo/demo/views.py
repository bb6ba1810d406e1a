"""Small views for the demo's checks to call."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<h1>Welcome to the healthcheck_admin demo</h1>")


def tos(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Terms of service")


def search(request: HttpRequest, query: str) -> JsonResponse:
    return JsonResponse({"query": query, "results": [{"name": f"{query} Corp"}], "count": 1})


@csrf_exempt
def leads(request: HttpRequest, lead: str) -> JsonResponse:
    if request.method != "PUT":
        return JsonResponse({"error": "use PUT"}, status=405)
    data = json.loads(request.body or b"{}")
    return JsonResponse({"lead": lead, "name": data.get("name", "")})


def status(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"status": "ok", "version": "1.0.0"})
    response["X-App-Version"] = "1.0.0"
    return response
