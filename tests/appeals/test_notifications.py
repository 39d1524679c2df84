from datetime import timedelta

from django.utils import timezone

from appeals import services, tasks
from appeals.models import Appeal
from tests.appeals.factories import file, make_reviewer


def test_the_appellant_hears_of_each_status_change(
    citizen, system, guideline, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("rae")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
        services.admit_appeal(appeal=appeal, by=moderator)
    assignment = appeal.assignments.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_assignment(assignment=assignment, by=reviewer.user)
        services.decide_appeal(
            assignment=assignment,
            by=reviewer.user,
            outcome="upheld",
            rationale="r",
            cited_clause_keys=["R-1.1"],
        )
    to_appellant = [m.subject for m in mailoutbox if m.to == [citizen.email]]
    assert to_appellant == [
        f"Your appeal {appeal.public_id} was received",
        f"Appeal {appeal.public_id}: screening",
        f"Appeal {appeal.public_id}: awaiting review",
        f"Appeal {appeal.public_id}: in review",
        f"Appeal {appeal.public_id}: decided",
    ]


def test_reviewers_hear_of_offers_and_expiry(
    citizen, system, guideline, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("rae", expertise=["medical"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
        services.admit_appeal(appeal=appeal, by=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_offers(now=timezone.now() + timedelta(days=3))
    to_reviewer = [m for m in mailoutbox if m.to == [reviewer.user.email]]
    assert [m.subject for m in to_reviewer] == [
        f"You are asked to review appeal {appeal.public_id}",
        f"Appeal {appeal.public_id} was given to another reviewer",
    ]
    assert "expertise match: medical" in to_reviewer[0].body
    assert "&amp;" not in to_reviewer[0].body


def test_the_appellants_name_is_shown_only_with_consent(client, citizen, system, guideline):
    hidden = file(citizen, system, guideline, refusal_excerpt="one")
    shown = file(citizen, system, guideline, refusal_excerpt="two", show_name=True)
    assert citizen.display_name not in client.get(hidden.get_absolute_url()).text
    assert citizen.display_name in client.get(shown.get_absolute_url()).text


def test_reviewers_hear_when_the_appellant_withdraws(
    citizen, system, guideline, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("rae")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
        services.admit_appeal(appeal=appeal, by=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_appeal(appeal=appeal, by=citizen)
    last = [m for m in mailoutbox if m.to == [reviewer.user.email]][-1]
    assert last.subject == f"Appeal {appeal.public_id} was withdrawn: no review is needed"
    assert "your offer of it has ended" in last.body


def test_a_redelivered_mail_task_mails_nobody_twice(
    citizen, system, guideline, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("rae")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
        services.admit_appeal(appeal=appeal, by=moderator)
    sent = len(mailoutbox)
    admitted = appeal.events.get(kind="admitted")
    assert tasks.notify_appellant(appeal.pk, Appeal.AWAITING_REVIEW, admitted.pk) == 0
    assert tasks.notify_reviewer(appeal.assignments.get(reviewer=reviewer).pk, "offer") == 0
    assert len(mailoutbox) == sent


def test_an_appeal_back_in_a_status_it_had_is_news_again(
    citizen, system, guideline, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = make_reviewer("rae"), make_reviewer("sam")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file(citizen, system, guideline)
        services.admit_appeal(appeal=appeal, by=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_assignment(assignment=appeal.assignments.get(reviewer=first), by=first.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_and_expire_reviews(now=timezone.now() + timedelta(days=60))
    subjects = [m.subject for m in mailoutbox if m.to == [citizen.email]]
    assert subjects.count(f"Appeal {appeal.public_id}: awaiting review") == 2
    assert appeal.assignments.get(reviewer=second).status == "offered"
