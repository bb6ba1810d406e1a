"""The admin form's widgets, posted the way the browser posts them (Django test client, real DB).

Key/value rows for headers and cookies, one assertion a line, region checkboxes and comma lists;
the JSON text under the plain field names keeps working (see tests/test_bad_input_corpus.py).
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from healthcheck_admin.models import HealthcheckDefinition
from healthcheck_admin.redaction import MASK
from tests.utils import admin_form

pytestmark = pytest.mark.django_db
ADD = "admin:healthcheck_admin_healthcheckdefinition_add"
CHANGE = "admin:healthcheck_admin_healthcheckdefinition_change"
WIDGET_FIELDS = ("headers", "cookies", "assertions", "regions", "tags", "notify")


@pytest.fixture
def widget_client() -> Client:
    user = User.objects.create_superuser("widgets", "widgets@example.com", "widgets-pass-1")
    client = Client()
    client.force_login(user)
    return client


def widget_post(**fields: Any) -> dict[str, Any]:
    """The add form as the browser posts it: rows, lines, checkboxes and comma lists."""
    data: dict[str, Any] = {k: v for k, v in admin_form().items() if k not in WIDGET_FIELDS}
    data.update(
        {
            "headers__present": "1",
            "headers__key": ["Accept", ""],
            "headers__value": ["application/json", ""],
            "cookies__present": "1",
            "cookies__key": [""],
            "cookies__value": [""],
            "assertions__lines": "response.code = 200",
            "regions__present": "1",
            "tags__csv": "ops",
            "notify__csv": "",
        }
    )
    data.update(fields)
    return data


def page_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_header_rows_are_saved_as_a_dict_and_blank_rows_dropped(widget_client: Client) -> None:
    data = widget_post(
        headers__key=["Accept", "", "Authorization"],
        headers__value=["application/json", "", "env:HC_WIDGET_TOKEN"],
        cookies__key=["session"],
        cookies__value=["abc123"],
    )
    response = widget_client.post(reverse(ADD), data)
    assert response.status_code == 302, page_of(response)
    row = HealthcheckDefinition.objects.get(key="adm-new")
    assert row.headers == {"Accept": "application/json", "Authorization": "env:HC_WIDGET_TOKEN"}
    assert row.cookies == {"session": "abc123"}


def test_the_change_page_shows_rows_masked_and_the_mask_keeps_the_stored_value(widget_client: Client) -> None:
    widget_client.post(
        reverse(ADD),
        widget_post(
            headers__key=["Authorization", "Accept"], headers__value=["Bearer s3cr3t-widget", "text/html"]
        ),
    )
    row = HealthcheckDefinition.objects.get(key="adm-new")
    page = page_of(widget_client.get(reverse(CHANGE, args=[row.pk])))
    assert "s3cr3t-widget" not in page
    assert 'name="headers__key" value="Authorization"' in page
    assert f'name="headers__value" value="{MASK}"' in page
    assert 'name="headers__value" value="text/html"' in page
    response = widget_client.post(
        reverse(CHANGE, args=[row.pk]),
        widget_post(headers__key=["Authorization", "Accept"], headers__value=[MASK, "application/xml"]),
    )
    assert response.status_code == 302, page_of(response)
    row.refresh_from_db()
    assert row.headers == {"Authorization": "Bearer s3cr3t-widget", "Accept": "application/xml"}


def test_the_mask_under_a_renamed_header_is_refused_and_nothing_is_lost(widget_client: Client) -> None:
    row = HealthcheckDefinition.objects.create(
        key="adm-mask", name="Mask", url="https://example.com/", headers={"Authorization": "Bearer kept-1"}
    )
    response = widget_client.post(
        reverse(CHANGE, args=[row.pk]),
        widget_post(key="adm-mask", headers__key=["X-Auth"], headers__value=[MASK]),
    )
    assert response.status_code == 200
    assert "stands only for the value already stored" in page_of(response)
    assert "kept-1" not in page_of(response)
    row.refresh_from_db()
    assert row.headers == {"Authorization": "Bearer kept-1"}


def test_a_typed_secret_is_masked_when_the_form_comes_back_with_errors(widget_client: Client) -> None:
    response = widget_client.post(
        reverse(ADD),
        widget_post(
            headers__key=["Authorization"], headers__value=["Bearer typed-secret-9"], url="not a url"
        ),
    )
    assert response.status_code == 200
    page = page_of(response)
    assert "typed-secret-9" not in page
    assert f'name="headers__value" value="{MASK}"' in page


def test_each_bad_assertion_line_gets_its_own_error_with_its_number(widget_client: Client) -> None:
    lines = "response.code = 200\n\nresponse.code == 200\nresponse.time < 2s\nfoo.bar = 1\n"
    response = widget_client.post(reverse(ADD), widget_post(assertions__lines=lines))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["assertions"]
    assert len(errors) == 2, errors
    assert errors[0].startswith("Line 3: ")
    assert "unknown operator '=='" in errors[0]
    assert errors[1].startswith("Line 5: ")
    assert "unknown subject 'foo.bar'" in errors[1]
    assert "use one of response.code" in errors[1]  # says what the grammar expected
    assert "response.time &lt; 2s" in response.content.decode()  # the lines are shown back as typed
    assert not HealthcheckDefinition.objects.filter(key="adm-new").exists()


def test_good_assertion_lines_are_stored_in_canonical_form(widget_client: Client) -> None:
    lines = "response.code = 200\r\n  response.time < 2s  \r\nresponse.body contains ok"
    response = widget_client.post(reverse(ADD), widget_post(assertions__lines=lines))
    assert response.status_code == 302, page_of(response)
    stored = HealthcheckDefinition.objects.get(key="adm-new").assertions
    assert stored == ["response.code = 200", "response.time < 2s", "response.body contains ok"]


def test_every_bad_field_shows_its_error_at_once(widget_client: Client) -> None:
    data = widget_post(
        url="ftp://example.com/",
        headers__key=["", "Accept", "Accept"],
        headers__value=["orphan", "a", "b"],
        assertions__lines="nonsense",
        regions__choice=["mars-1"],
        timeout_seconds="99",
    )
    response = widget_client.post(reverse(ADD), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"url", "headers", "assertions", "regions", "timeout_seconds"} <= set(errors), errors
    assert errors["headers"][0].startswith("Row 1: a value without a header name")
    assert errors["headers"][1].startswith("Row 3: header 'Accept' is already in an earlier row")
    assert errors["assertions"][0].startswith("Line 1: ")


def test_region_checkboxes_round_trip(widget_client: Client) -> None:
    data = widget_post(regions__choice=["us-east-1", "eu-west-1"])
    assert widget_client.post(reverse(ADD), data).status_code == 302
    row = HealthcheckDefinition.objects.get(key="adm-new")
    assert row.regions == ["us-east-1", "eu-west-1"]
    page = widget_client.get(reverse(CHANGE, args=[row.pk])).content.decode()
    assert page.count('name="regions__choice"') >= 8
    assert 'value="eu-west-1"' in page
    assert page.count("checked") >= 2
    none_ticked = {k: v for k, v in widget_post().items() if k != "regions__choice"}
    assert widget_client.post(reverse(CHANGE, args=[row.pk]), none_ticked).status_code == 302
    row.refresh_from_db()
    assert row.regions == []


def test_comma_lists_for_tags_and_notify(widget_client: Client) -> None:
    data = widget_post(tags__csv=" api, critical,,api ", notify__csv="default, on-call")
    response = widget_client.post(reverse(ADD), data)
    assert response.status_code == 302, page_of(response)
    row = HealthcheckDefinition.objects.get(key="adm-new")
    assert row.tags == ["api", "critical"]
    assert row.notify == ["default", "on-call"]
    page = page_of(widget_client.get(reverse(CHANGE, args=[row.pk])))
    assert 'name="tags__csv" value="api, critical"' in page


def test_json_under_the_plain_names_still_works(widget_client: Client) -> None:
    response = widget_client.post(reverse(ADD), admin_form(regions='["us-west-1"]', tags='["a", "b"]'))
    assert response.status_code == 302, page_of(response)
    row = HealthcheckDefinition.objects.get(key="adm-new")
    assert (row.regions, row.tags, row.headers) == (["us-west-1"], ["a", "b"], {"Accept": "application/json"})


def test_regions_left_out_of_the_post_keep_the_stored_value(widget_client: Client) -> None:
    assert widget_client.post(reverse(ADD), widget_post(regions__choice=["us-west-1"])).status_code == 302
    row = HealthcheckDefinition.objects.get(key="adm-new")
    without = {k: v for k, v in widget_post(note="edited").items() if not k.startswith("regions")}
    response = widget_client.post(reverse(CHANGE, args=[row.pk]), without)
    assert response.status_code == 302, page_of(response)
    row.refresh_from_db()
    assert (row.note, row.regions) == ("edited", ["us-west-1"])


def test_a_form_bound_to_a_plain_dict_reads_the_widget_sub_fields() -> None:
    from healthcheck_admin.forms import HealthcheckDefinitionForm

    data = widget_post(
        headers__key=["Accept", "X-Team"],
        headers__value=["text/html", "ops"],
        cookies__key="session",
        cookies__value="abc",
        regions__choice="eu-west-1",
    )
    form = HealthcheckDefinitionForm(data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["headers"] == {"Accept": "text/html", "X-Team": "ops"}
    assert form.cleaned_data["cookies"] == {"session": "abc"}
    assert form.cleaned_data["regions"] == ["eu-west-1"]
    del data["cookies__key"], data["cookies__value"]
    form = HealthcheckDefinitionForm(data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cookies"] == {}
