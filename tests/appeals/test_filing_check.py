"""The check page before filing an appeal: it lists every answer, files nothing, and only its button files, once;
the answers cross it signed, the attachments wait checked in the private storage and are cleaned after a day."""

import os
import re
from datetime import timedelta
from html import unescape

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from appeals import pending_uploads, tasks
from appeals.models import Appeal, private_storage
from tests.appeals.factories import PDF_BYTES, screenshot, upload

TITLE = "Check your answers before filing your appeal"


def answers(**overrides) -> dict:
    happened_at = (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    values = {
        "happened_at": happened_at,
        "prompt_excerpt": "Is ibuprofen safe with coffee?",
        "refusal_excerpt": "I cannot give medical advice.",
        "language": "en",
        "clause_keys": ["R-1.1"],
        "grounds": "General facts printed on the leaflet.",
        "requested_outcome": "overturned",
    }
    return {**values, **overrides}


def url(system) -> str:
    return f"{reverse('file-appeal')}?organization={system.organization.slug}&system={system.slug}"


def hidden(page: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def check_page(client, system, **overrides):
    return client.post(url(system), {**answers(**overrides), "attachments": [screenshot("refusal.png")]})


def pending_files() -> list[str]:
    storage = private_storage()
    return storage.listdir(pending_uploads.PENDING_DIR)[1] if storage.exists(pending_uploads.PENDING_DIR) else []


def test_the_check_page_lists_every_answer_and_files_nothing(client, citizen, system, guideline):
    client.force_login(citizen)
    response = check_page(client, system)
    page = response.text
    assert response.status_code == 200 and f"<h1>{TITLE}</h1>" in page
    for shown in [
        "Acme Helper",
        system.organization.name,
        "Assistant refusals v1, the version in force on that date",
        "R-1.1 Heading R-1.1",
        "Is ibuprofen safe with coffee?",
        "I cannot give medical advice.",
        "General facts printed on the leaflet.",
        "refusal.png (",
        "File this appeal",
    ]:
        assert shown in page, shown
    assert page.count(">Change<") == 13  # four answers of the earlier steps, eight of the appeal, the attachments
    assert not Appeal.objects.exists()
    assert len(pending_files()) == 1


def test_confirming_files_once_with_the_attachment(client, citizen, system, guideline):
    client.force_login(citizen)
    page = check_page(client, system).text
    confirm = {"answers": hidden(page, "answers"), "once": hidden(page, "once"), "confirm": "1"}
    first, second = client.post(url(system), confirm), client.post(url(system), confirm)
    appeal = Appeal.objects.get()
    assert first.url == second.url == reverse("appeal-filed", args=[appeal.public_id])
    assert appeal.attachments.get().original_name == "refusal.png"
    assert appeal.refusal.prompt_excerpt == "Is ibuprofen safe with coffee?"
    assert pending_files() == []  # filed, so no longer pending


def test_change_returns_to_the_question_with_the_answers_and_attachment_kept(client, citizen, system, guideline):
    client.force_login(citizen)
    page = check_page(client, system).text
    back = client.post(url(system), {"answers": hidden(page, "answers"), "change": "id_grounds"})
    assert back.status_code == 200 and 'name="grounds"' in back.text
    assert "General facts printed on the leaflet.</textarea>" in back.text
    assert "Already attached" in back.text and "refusal.png" in back.text
    changed = answers(grounds="Printed on every box.", pending=hidden(back.text, "pending"))
    again = client.post(url(system), changed)
    assert TITLE in again.text and "Printed on every box." in again.text and "refusal.png (" in again.text
    client.post(url(system), {"answers": hidden(again.text, "answers"), "confirm": "1"})
    appeal = Appeal.objects.get()
    assert appeal.grounds == "Printed on every box." and appeal.attachments.count() == 1


def test_a_tampered_signed_answer_is_refused_and_files_nothing(client, citizen, system, guideline, django_user_model):
    client.force_login(citizen)
    token = hidden(check_page(client, system).text, "answers")
    payload = signing.loads(token, salt=pending_uploads.ANSWERS_SALT)
    forged_data = {**payload, "data": {**payload["data"], "grounds": ["Something else"]}}
    forged = token.split(":")[0] + "x" + token[token.index(":") :]
    forged_by_another = signing.dumps({**payload, "by": citizen.pk + 1}, salt=pending_uploads.ANSWERS_SALT)
    for bad in [forged, forged_by_another, signing.dumps(forged_data, salt="another"), "nonsense"]:
        response = client.post(url(system), {"answers": bad, "confirm": "1"})
        assert response.status_code == 400 and "These answers were altered" in response.text
    assert not Appeal.objects.exists()


def test_a_refused_attachment_never_reaches_the_check_page(client, citizen, system, guideline):
    client.force_login(citizen)
    response = client.post(url(system), {**answers(), "attachments": [upload("renamed.png", PDF_BYTES)]})
    assert response.status_code == 400 and "its name says otherwise" in response.text
    assert TITLE not in response.text and pending_files() == []


def test_pending_uploads_are_deleted_after_a_day_and_never_served(client, citizen, system, guideline, settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "appeals.tasks.delete_stale_pending_uploads" in scheduled
    client.force_login(citizen)
    check_page(client, system)
    check_page(client, system, grounds="A second try.")
    old, new = sorted(pending_files())[:2]
    storage = private_storage()
    day_ago = (timezone.now() - timedelta(days=1, minutes=1)).timestamp()
    os.utime(storage.path(f"{pending_uploads.PENDING_DIR}/{old}"), (day_ago, day_ago))
    assert tasks.delete_stale_pending_uploads() == 1
    assert tasks.delete_stale_pending_uploads() == 0  # idempotent
    assert pending_files() == [new]
    for address in [f"/media/{pending_uploads.PENDING_DIR}/{new}", f"/private/{pending_uploads.PENDING_DIR}/{new}"]:
        assert client.get(address).status_code == 404


def test_change_on_an_earlier_answer_asks_that_question_again_with_the_answer_chosen(
    client, citizen, system, guideline
):
    client.force_login(citizen)
    page = check_page(client, system).text
    happened_at = answers()["happened_at"]
    links = {unescape(link) for link in re.findall(r'<a href="([^"]*change=[^"]*)"', page)}
    by_step = {re.search(r"change=(\w+)", link).group(1): link for link in links}
    assert set(by_step) == {"organization", "system", "date"}
    organization = client.get(by_step["organization"]).text
    assert 'aria-current="step"><span class="step-number">1.</span>' in organization
    assert f'<option value="{system.organization.slug}" selected>' in organization
    assert f'<option value="{system.slug}" selected>' in client.get(by_step["system"]).text
    date = client.get(by_step["date"]).text
    assert 'aria-current="step"><span class="step-number">3.</span>' in date
    assert f'value="{happened_at}"' in date and 'name="grounds"' not in date


def test_a_duplicate_found_on_confirming_asks_again_with_the_answers_and_attachment_kept(
    client, citizen, system, guideline
):
    client.force_login(citizen)
    first = check_page(client, system).text
    client.post(url(system), {"answers": hidden(first, "answers"), "confirm": "1"})
    again = check_page(client, system).text  # the same refusal once more
    refused = client.post(url(system), {"answers": hidden(again, "answers"), "confirm": "1"})
    assert refused.status_code == 400 and "You already appealed this refusal" in refused.text
    assert "File it anyway" in refused.text and "refusal.png" in refused.text
    anyway = client.post(url(system), answers(confirm_duplicate="on", pending=hidden(refused.text, "pending")))
    client.post(url(system), {"answers": hidden(anyway.text, "answers"), "confirm": "1"})
    assert Appeal.objects.count() == 2 and Appeal.objects.latest("pk").attachments.count() == 1
