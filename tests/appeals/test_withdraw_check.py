"""Withdrawing an appeal first shows a check page: what withdrawing means and that it stays on the public record.
Only its confirmation withdraws."""

from django.urls import reverse

from appeals.models import Appeal
from tests.appeals.factories import file
from tests.factories import UserFactory


def withdraw_url(appeal):
    return reverse("withdraw-appeal", args=[appeal.public_id])


def test_the_appeal_page_leads_to_the_check_page_not_to_a_withdrawal(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(citizen)
    page = client.get(appeal.get_absolute_url()).text
    assert f'<form method="get" action="{withdraw_url(appeal)}">' in page


def test_the_check_page_says_what_withdrawing_means_and_changes_nothing(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(citizen)
    for response in (client.get(withdraw_url(appeal)), client.post(withdraw_url(appeal))):
        assert response.status_code == 200
        assert f"Check before you withdraw appeal {appeal.public_id}" in response.text
        assert "stay on the public record" in response.text and "You cannot undo this." in response.text
        assert 'name="confirm" value="1"' in response.text
    appeal.refresh_from_db()
    assert appeal.status == Appeal.SUBMITTED


def test_the_confirmation_withdraws(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(citizen)
    response = client.post(withdraw_url(appeal), {"confirm": "1"}, follow=True)
    assert f"Appeal {appeal.public_id} is withdrawn." in response.text
    appeal.refresh_from_db()
    assert appeal.status == Appeal.WITHDRAWN


def test_someone_else_gets_no_check_page_and_cannot_withdraw(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(UserFactory())
    assert client.get(withdraw_url(appeal)).url == appeal.get_absolute_url()
    assert client.post(withdraw_url(appeal), {"confirm": "1"}).status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == Appeal.SUBMITTED


def test_a_withdrawn_appeal_has_no_check_page(client, citizen, system, guideline):
    appeal = file(citizen, system, guideline)
    client.force_login(citizen)
    client.post(withdraw_url(appeal), {"confirm": "1"})
    assert client.get(withdraw_url(appeal)).url == appeal.get_absolute_url()
