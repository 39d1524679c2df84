"""Which events an organization's endpoints get: recommendations past their deadline, consultations opening and
closing on its own guidelines, each once, and nothing for types an endpoint did not choose."""

from datetime import timedelta

from django.utils import timezone
from standardwebhooks import Webhook

from appeals import services
from tests.appeals.factories import admitted, make_reviewer
from tests.consultation.factories import consultation
from webhooks.events import emit_consultation_events
from webhooks.models import Delivery, Event
from webhooks.services.endpoints import subscribe_endpoint


def listen(organization, publisher, receiver, *event_types):
    return subscribe_endpoint(organization=organization, url=receiver.url, event_types=list(event_types), by=publisher)


def recommended(citizen, system, guideline, moderator):
    appeal = admitted(citizen, system, guideline, moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    decision = services.decide_appeal(
        assignment=assignment,
        by=reviewer.user,
        outcome="overturned",
        rationale="Reasons.",
        cited_clause_keys=["R-1.1"],
        recommendations=["Publish the dosage limits you apply."],
    )
    return decision.recommendations.get()


def test_a_recommendation_past_its_deadline_is_due(
    django_capture_on_commit_callbacks, citizen, system, guideline, moderator, organization, publisher, receiver
):
    _, secret = listen(organization, publisher, receiver, "recommendation.due")
    recommendation = recommended(citizen, system, guideline, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_recommendation_deadlines(now=recommendation.respond_by + timedelta(hours=1))
    [message] = receiver.received
    body = Webhook(secret).verify(message.body, message.headers)
    assert body["type"] == "recommendation.due"
    assert body["data"]["public_id"] == recommendation.public_id and body["data"]["state"] == "awaiting_response"
    assert body["data"]["url"].endswith(f"#{recommendation.public_id}")


def test_an_endpoint_gets_only_the_types_it_chose(
    citizen, system, guideline, moderator, organization, publisher, receiver
):
    listen(organization, publisher, receiver, "recommendation.due")
    recommended(citizen, system, guideline, moderator)
    assert not Event.objects.exists()


def test_a_consultation_opening_and_closing_are_sent_once(
    django_capture_on_commit_callbacks, organization, publisher, receiver
):
    listen(organization, publisher, receiver, "consultation.opened", "consultation.closed")
    version = consultation(organization)
    with django_capture_on_commit_callbacks(execute=True):
        assert emit_consultation_events(now=timezone.now()) == 1
        assert emit_consultation_events(now=timezone.now()) == 0
    later = version.comment_period.closes_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert emit_consultation_events(now=later) == 1
    assert list(Event.objects.values_list("type", flat=True).order_by("pk")) == [
        "consultation.opened",
        "consultation.closed",
    ]
    assert Delivery.objects.filter(state=Delivery.SUCCEEDED).count() == 2 and len(receiver.received) == 2


def test_other_organizations_consultations_are_not_sent(organization, other_organization, publisher, receiver):
    listen(organization, publisher, receiver, "consultation.opened")
    consultation(other_organization)
    assert emit_consultation_events(now=timezone.now()) == 0
