"""``env:NAME`` references are secrets: masked in every display, kept by the admin form's mask.

The admin shows a reference as the mask, in any header (sensitive or not) and any cookie;
posting the mask back keeps the stored reference, and a newly typed reference is stored as
written. A declaration whose value is the mask is refused (the mask is never a value).
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from healthcheck_admin.declarations import Healthcheck, HealthcheckError
from healthcheck_admin.forms import HealthcheckDefinitionForm
from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import MASK, mask_monitor
from tests.utils import edit_form, secret_row

pytestmark = pytest.mark.django_db

REFERENCE = "env:HC_REF_KEPT_NAME_Z"


@pytest.fixture
def ref_row() -> HealthcheckDefinition:
    return secret_row(
        "ref-row", {"X-Trace": REFERENCE, "Accept": "json"}, {"sid": "env:HC_REF_COOKIE_NAME_Z"}
    )


def test_the_change_form_masks_references_and_the_mask_keeps_them(ref_row):
    unbound = HealthcheckDefinitionForm(instance=ref_row)
    shown = html.unescape(str(unbound))
    assert "HC_REF_" not in shown
    assert json.loads(unbound["headers"].value())["X-Trace"] == MASK  # shown as the row X-Trace = MASK
    assert f'value="{MASK}"' in shown
    form = edit_form(ref_row, f'{{"X-Trace": "{MASK}", "Accept": "json"}}', f'{{"sid": "{MASK}"}}')
    assert form.is_valid(), form.errors
    form.save()
    ref_row.refresh_from_db()
    assert ref_row.headers == {"X-Trace": REFERENCE, "Accept": "json"}
    assert ref_row.cookies == {"sid": "env:HC_REF_COOKIE_NAME_Z"}


def test_a_newly_typed_reference_is_stored_as_written(ref_row):
    form = edit_form(ref_row, '{"X-Trace": "env:HC_REF_NEW", "Authorization": "env:HC_REF_AUTH"}', "{}")
    assert form.is_valid(), form.errors
    form.save()
    ref_row.refresh_from_db()
    assert ref_row.headers == {"X-Trace": "env:HC_REF_NEW", "Authorization": "env:HC_REF_AUTH"}


def test_the_mask_under_a_header_that_held_no_reference_is_refused(ref_row):
    form = edit_form(ref_row, f'{{"X-Trace": "{MASK}", "Accept": "{MASK}"}}', "{}")
    assert not form.is_valid()
    assert "stands only for the value already stored" in str(form.errors["headers"])
    ref_row.refresh_from_db()
    assert ref_row.headers == {"X-Trace": REFERENCE, "Accept": "json"}


def test_the_changelist_and_history_never_show_a_reference(ref_row, client):
    client.force_login(User.objects.create_superuser("ref-root", "r@example.com", None))
    admin = "admin:healthcheck_admin_healthcheckdefinition"
    for url in (
        reverse(f"{admin}_changelist"),
        reverse(f"{admin}_change", args=[ref_row.pk]),
        reverse(f"{admin}_history", args=[ref_row.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "HC_REF_" not in page.content.decode(), url


@pytest.mark.parametrize("field", ["headers", "cookies"])
def test_a_declaration_whose_value_is_the_mask_is_refused(field):
    with pytest.raises(HealthcheckError, match="contains the mask") as caught:
        Healthcheck.coerce({field: {"Authorization": MASK}})
    assert caught.value.field == field


def test_a_copy_read_from_cronitor_masks_headers_stored_as_references():
    headers = {"x-trace": "resolved-secret-1", "Accept": "json"}
    remote: dict[str, Any] = {"key": "k", "request": {"headers": headers}}
    masked = mask_monitor(remote, stored={"X-Trace": REFERENCE, "Accept": "json"})
    assert masked["request"]["headers"] == {"x-trace": MASK, "Accept": "json"}
    assert remote["request"]["headers"]["x-trace"] == "resolved-secret-1"  # a copy
