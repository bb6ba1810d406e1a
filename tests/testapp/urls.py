from __future__ import annotations

from healthcheck_admin import path
from tests.testapp import views

urlpatterns = [
    path("", views.ok, name="home", healthcheck=True),
    path("item/<int:pk>/", views.ok, name="item", healthcheck={"args": [7]}),
]
