"""The webhook pages: publishers of the organization only, the secret shown once, clear refusals that change
nothing, SSRF refusals, replays, and a deliveries page whose queries do not grow with its rows."""

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from core.idempotency import once_token
from tests.appeals.factories import file
from tests.factories import MembershipFactory
from webhooks.models import Delivery, Endpoint
from webhooks.services import delivering

SUBSCRIBE = {"url": "", "description": "Trust and safety", "event_types": ["appeal.filed", "appeal.decided"]}


def endpoints_url(organization):
    return reverse("webhook-endpoints", args=[organization.slug])


def subscribe(client, organization, url, **fields):
    return client.post(endpoints_url(organization), {**SUBSCRIBE, "url": url, **fields})


def test_a_publisher_subscribes_and_sees_the_secret_once(client, organization, publisher, receiver):
    client.force_login(publisher)
    answer = subscribe(client, organization, receiver.url)
    endpoint = Endpoint.objects.get()
    assert answer.status_code == 302 and answer.url == endpoint.get_absolute_url()
    page = client.get(answer.url).text
    assert endpoint.secret in page and "shown this once" in page
    assert endpoint.secret not in client.get(answer.url).text
    assert endpoint.secret not in client.get(endpoints_url(organization)).text
    assert endpoint.event_types == ["appeal.decided", "appeal.filed"]


def test_a_new_secret_is_shown_once_and_signs(client, organization, publisher, subscribed):
    endpoint, old = subscribed
    client.force_login(publisher)
    client.post(reverse("webhook-rotate", args=[organization.slug, endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in client.get(endpoint.get_absolute_url()).text
    assert endpoint.secret not in client.get(endpoint.get_absolute_url()).text


@pytest.mark.parametrize("who", ["other_publisher", "citizen", "moderator"])
def test_others_are_refused(request, client, organization, other_organization, subscribed, who):
    endpoint, _ = subscribed
    people = {"other_publisher": lambda: MembershipFactory(organization=other_organization).user}
    client.force_login(people[who]() if who in people else request.getfixturevalue(who))
    assert client.get(endpoints_url(organization)).status_code == 403
    assert client.get(endpoint.get_absolute_url()).status_code == 403
    assert subscribe(client, organization, "https://example.com/x").status_code == 403
    assert client.post(reverse("webhook-rotate", args=[organization.slug, endpoint.pk])).status_code == 403
    assert Endpoint.objects.count() == 1 and Endpoint.objects.get().secret == subscribed[1]


def test_anonymous_visitors_are_sent_to_sign_in(client, organization, subscribed):
    endpoint, _ = subscribed
    for url in (endpoints_url(organization), endpoint.get_absolute_url()):
        assert client.get(url).url.startswith(reverse("account_login"))
    assert subscribe(client, organization, "https://example.com/x").status_code == 302
    assert Endpoint.objects.count() == 1


def test_a_publisher_cannot_reach_another_organizations_endpoint_through_theirs(
    client, organization, other_organization, subscribed
):
    endpoint, _ = subscribed
    other = MembershipFactory(organization=other_organization).user
    client.force_login(other)
    assert client.get(reverse("webhook-endpoint", args=[other_organization.slug, endpoint.pk])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": ""}, "Enter the endpoint&#x27;s URL."),
        ({"url": "not a url"}, "Enter a full URL"),
        ({"url": "ftp://example.com/x"}, "must be an https:// URL"),
        ({"url": "http://example.com/hooks"}, "must be an https:// URL"),
        ({"url": "https://user:pw@example.com/x"}, "Leave user names and passwords out"),
        ({"event_types": []}, "Choose at least one event"),
        ({"event_types": ["appeal.eaten"]}, "Unknown event type: appeal.eaten."),
        ({"url": "https://no-such-host.invalid/x"}, "does not resolve"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(client, organization, publisher, fields, message):
    client.force_login(publisher)
    answer = client.post(endpoints_url(organization), {**SUBSCRIBE, "url": "https://127.0.0.1/x", **fields})
    assert answer.status_code == 400 and message in answer.text
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
    ],
)
def test_private_addresses_are_refused_outside_debug(settings, client, organization, publisher, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(publisher)
    answer = subscribe(client, organization, url)
    assert answer.status_code == 400 and "we only call public ones" in answer.text
    assert not Endpoint.objects.exists()


def test_local_http_is_refused_outside_debug(settings, client, organization, publisher, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(publisher)
    assert "must be an https:// URL" in subscribe(client, organization, receiver.url).text


def test_an_endpoint_that_became_private_is_not_called(settings, citizen, system, guideline, subscribed, receiver):
    file(citizen, system, guideline)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    attempt = delivering.attempt_delivery(delivery_id=Delivery.objects.get().pk)
    assert attempt.status_code is None and "https://" in attempt.error and receiver.received == []


def test_the_same_url_twice_is_refused(client, organization, publisher, subscribed, receiver):
    client.force_login(publisher)
    assert "already has an endpoint at this URL" in subscribe(client, organization, receiver.url).text
    assert Endpoint.objects.count() == 1


def test_a_publisher_replays_a_delivery_from_its_page(
    django_capture_on_commit_callbacks,
    client,
    citizen,
    system,
    guideline,
    organization,
    publisher,
    subscribed,
    receiver,
):
    endpoint, secret = subscribed
    with django_capture_on_commit_callbacks(execute=True):
        file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    client.force_login(publisher)
    page = client.get(delivery.get_absolute_url()).text
    assert delivery.message_id in page and "HTTP 200" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook-replay", args=[organization.slug, endpoint.pk, delivery.pk]))
    assert [message.headers["webhook-id"] for message in receiver.received] == [delivery.message_id] * 2
    Webhook(secret).verify(receiver.received[1].body, receiver.received[1].headers)
    assert "Replay" in client.get(delivery.get_absolute_url()).text


def test_a_disabled_endpoint_is_not_replayed_and_says_why(
    client, citizen, system, guideline, organization, publisher, subscribed
):
    endpoint, _ = subscribed
    file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    client.force_login(publisher)
    client.post(reverse("webhook-state", args=[organization.slug, endpoint.pk]), {"action": "disable"})
    answer = client.post(reverse("webhook-replay", args=[organization.slug, endpoint.pk, delivery.pk]), follow=True)
    assert "Enable it again before replaying" in answer.text and not delivery.attempt_rows.exists()


def test_the_deliveries_page_costs_the_same_for_many_rows(
    client, django_assert_max_num_queries, citizen, system, guideline, organization, publisher, subscribed
):
    endpoint, _ = subscribed
    for _ in range(3):
        file(citizen, system, guideline)
    client.force_login(publisher)
    with django_assert_max_num_queries(10) as few:
        client.get(endpoint.get_absolute_url())
    for _ in range(12):
        file(citizen, system, guideline)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(endpoint.get_absolute_url()).text
    assert page.count("msg_") == 15


def test_the_deliveries_page_is_paged_by_cursor(client, citizen, system, guideline, publisher, subscribed, monkeypatch):
    endpoint, _ = subscribed
    monkeypatch.setattr("webhooks.views.PAGE_SIZE", 2)
    for _ in range(3):
        file(citizen, system, guideline)
    client.force_login(publisher)
    first = client.get(endpoint.get_absolute_url())
    newest, _, oldest = Delivery.objects.order_by("-pk")
    assert newest.message_id in first.text and oldest.message_id not in first.text
    older = client.get(endpoint.get_absolute_url(), {"before": first.context["older"]})
    assert oldest.message_id in older.text and newest.message_id not in older.text
    assert client.get(endpoint.get_absolute_url(), {"before": "x"}).status_code == 400


def test_a_second_submit_of_the_form_makes_no_second_endpoint_nor_shows_the_secret_again(
    client, organization, publisher, receiver
):
    client.force_login(publisher)
    form = {**SUBSCRIBE, "url": receiver.url, "once": once_token()}
    first = client.post(endpoints_url(organization), form)
    client.get(first.url)
    second = client.post(endpoints_url(organization), form, follow=True)
    assert second.redirect_chain[0][0] == first.url and "You had already sent this" in second.text
    assert Endpoint.objects.count() == 1 and Endpoint.objects.get().secret not in second.text


def test_a_replay_sent_twice_is_one_attempt(
    django_capture_on_commit_callbacks, client, citizen, system, guideline, organization, publisher, subscribed
):
    endpoint, _ = subscribed
    file(citizen, system, guideline)
    delivery = Delivery.objects.get()
    client.force_login(publisher)
    form = {"once": once_token()}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(reverse("webhook-replay", args=[organization.slug, endpoint.pk, delivery.pk]), form)
    assert delivery.attempt_rows.count() == 1


def test_a_publisher_removes_an_endpoint_and_others_cannot(
    client, citizen, system, guideline, organization, other_organization, publisher, subscribed
):
    endpoint, _ = subscribed
    file(citizen, system, guideline)
    remove = reverse("webhook-remove", args=[organization.slug, endpoint.pk])
    client.force_login(MembershipFactory(organization=other_organization).user)
    assert client.post(remove).status_code == 403 and Endpoint.objects.exists()
    client.force_login(publisher)
    answer = client.post(remove, follow=True)
    assert "is removed, with its deliveries" in answer.text
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_an_organization_has_at_most_so_many_endpoints(settings, client, organization, publisher, subscribed):
    settings.WEBHOOK_ENDPOINTS_MAX = 1
    client.force_login(publisher)
    answer = subscribe(client, organization, "http://localhost:9/other")
    assert answer.status_code == 400 and "at most 1 endpoints. Remove one first." in answer.text
    assert Endpoint.objects.count() == 1
