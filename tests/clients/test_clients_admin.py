"""Client screens in the admin: lists, search, inlines, the GDPR action and register."""

from __future__ import annotations

import pytest

from clients import services
from clients.models import Client
from jetops.roles import SUPER_ADMIN_LEVEL
from tests.conftest import make_user
from tests.jetops.test_admin import admin_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return admin_login(client, make_user("root", SUPER_ADMIN_LEVEL))


def test_client_admin_pages_load(admin_client, client_a):
    services.passenger_create(client=client_a, actor=None, first_name="Pax", last_name="One")
    services.payment_method_add(
        client=client_a,
        actor=None,
        provider="stripe",
        token="tok_x",
        last4="4242",
        exp_month=1,
        exp_year=2035,
    )
    services.data_request_create(client=client_a, kind="access", actor=None)
    for url in [
        "/admin/clients/client/",
        "/admin/clients/client/?q=alice",
        "/admin/clients/client/?vip_status__exact=standard",
        f"/admin/clients/client/{client_a.pk}/change/",
        "/admin/clients/client/add/",
        "/admin/clients/passenger/",
        "/admin/clients/datarequest/?deadline=overdue",
        f"/admin/clients/client/{client_a.pk}/history/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(f"/admin/clients/client/{client_a.pk}/change/").content.decode()
    assert "4242" in page
    assert "tok_x" not in page


def test_admin_erase_action_respects_legal_hold(admin_client, client_a, client_b):
    services.client_update(client=client_b, actor=None, legal_hold=True, legal_hold_reason="audit")
    response = admin_client.post(
        "/admin/clients/client/",
        {"action": "erase_personal_data", "_selected_action": [client_a.pk, client_b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Client.objects.get(pk=client_a.pk).erased_at is not None
    assert Client.objects.get(pk=client_b.pk).erased_at is None


def _form_values(form) -> dict[str, str]:
    """A bound-as-shown form's fields as a browser posts them (unchecked boxes left out)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is False or value is None:
            continue
        data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


def unchanged_post(page) -> dict[str, str]:
    """The change page's main form and inline rows, posted as they are shown."""
    data = _form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for row in formset.initial_forms:
            data.update(_form_values(row))
    return data


def test_admin_refuses_a_portal_user_as_account_manager(admin_client, client_a, client_a_user):
    url = f"/admin/clients/client/{client_a.pk}/change/"
    data = unchanged_post(admin_client.get(url))
    assert admin_client.post(url, {**data, "vip_status": "vip"}).status_code == 302  # the form posts

    response = admin_client.post(url, {**data, "account_manager": str(client_a_user.pk)})

    assert response.status_code == 200
    assert "account_manager" in response.context["adminform"].form.errors
    client_a.refresh_from_db()
    assert client_a.account_manager is None
