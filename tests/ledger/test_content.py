"""Every public text is bound to the record: a row edited behind the application's back is named, inside and out."""

import logging
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from appeals import services
from appeals.models import Decision, Recommendation, Vote
from appeals.services import declare_inadmissible, redact_refusal
from consultation.models import Comment
from consultation.services.comments import hide_comment, post_comment
from ledger import tasks
from ledger.checkpoints import publish_checkpoint
from ledger.models import ContentCheck, Head, Witness
from tests.appeals.factories import AISystemFactory, admitted, decided, file, make_reviewer, published_guideline
from tests.appeals.precedent_factories import decide, follows
from tests.consultation.factories import consultation


@pytest.fixture
def published(organization, citizen, moderator):
    """A comment on an open consultation and a decided appeal, each with its entry."""
    comment = post_comment(version=consultation(organization), body="Keep *dosage* facts public.", by=citizen)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = decided(citizen, system, published_guideline(organization), moderator)
    return comment, Decision.objects.get(appeal=appeal)


def forge(table: str, column: str, pk: int) -> None:
    """Raw SQL, as anyone with the database could: no trigger guards these tables, the record is what binds them."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = 'FORGED' WHERE id = %s", [pk])  # noqa: S608  our constants


@pytest.mark.django_db
def test_intact_texts_pass(published, capsys):
    call_command("verify_record", "--content")
    # The factories' clauses have no entry: counted as unbound, not as altered.
    assert "Every served text matches its entry: 11 checked. 6 published before" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_forged_comment_body_is_named(published):
    comment, _ = published
    forge("consultation_comment", "body", comment.pk)
    assert Comment.objects.get(pk=comment.pk).body == "FORGED"  # what the site now serves
    with pytest.raises(CommandError, match=rf"1 served text\(s\) differ .*\n  comment {comment.pk}$"):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_a_forged_decision_rationale_is_named(published):
    _, decision = published
    forge("appeals_decision", "rationale", decision.pk)
    with pytest.raises(CommandError, match=rf"\n  decision {decision.pk}$"):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_a_forged_tombstone_reason_is_named(published, moderator):
    comment, _ = published
    hide_comment(comment=comment, reason="spam", note="Moderators only.", by=moderator)
    call_command("verify_record", "--content")
    forge("consultation_comment", "hidden_reason", comment.pk)
    with pytest.raises(CommandError, match=rf"\n  the tombstone of comment {comment.pk}$"):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_a_forged_inadmissibility_note_or_reason_is_named(organization, citizen, moderator):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = file(citizen, system, published_guideline(organization))
    declare_inadmissible(appeal=appeal, by=moderator, reason="insufficient", public_note="The refusal is not quoted.")
    call_command("verify_record", "--content")
    forge("appeals_appeal", "public_note", appeal.pk)
    forge("appeals_appeal", "inadmissible_reason", appeal.pk)
    named = rf"2 served text\(s\) differ .*\n  the inadmissibility reason of appeal {re.escape(appeal.public_id)}"
    with pytest.raises(CommandError, match=rf"{named}\n  the public note of appeal {re.escape(appeal.public_id)}$"):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_forged_redacted_excerpts_are_named(organization, citizen, moderator):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = admitted(citizen, system, published_guideline(organization), moderator)
    texts = {"public_prompt_excerpt": "Asked [redacted].", "public_refusal_excerpt": "I cannot help with that."}
    redact_refusal(appeal=appeal, by=moderator, public_grounds="The clause allows it.", **texts)
    call_command("verify_record", "--content")
    forge("appeals_refusal", "public_prompt_excerpt", appeal.refusal_id)
    forge("appeals_appeal", "public_grounds", appeal.pk)
    public_id = re.escape(appeal.public_id)
    named = rf"\n  the prompt excerpt of appeal {public_id}\n  the grounds of appeal {public_id}$"
    with pytest.raises(CommandError, match=named):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_a_forged_recommendation_or_answer_note_is_named(organization, citizen, moderator, publisher):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = admitted(citizen, system, published_guideline(organization), moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    decision = services.decide_appeal(
        assignment=assignment,
        by=reviewer.user,
        outcome=Decision.OVERTURNED,
        rationale="Dosage facts are public.",
        cited_clause_keys=["R-1.1"],
        recommendations=["Publish the dosage limits you apply."],
    )
    recommendation = decision.recommendations.get()
    kind, note = Recommendation.DECLINED, "The limits are a trade secret."
    step = services.answer_recommendation(recommendation=recommendation, by=publisher, kind=kind, note=note)
    call_command("verify_record", "--content")
    forge("appeals_recommendation", "text", recommendation.pk)
    forge("appeals_recommendationstep", "note", step.pk)
    public_id = re.escape(recommendation.public_id)
    named = rf"\n  recommendation {public_id}\n  the note of step {step.pk} of recommendation {public_id}$"
    with pytest.raises(CommandError, match=named):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_a_forged_dissent_is_named(organization, citizen, moderator):
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    appeal = admitted(citizen, system, published_guideline(organization), moderator, significant=True)
    reviewers = [make_reviewer(handle) for handle in ("a", "b", "c")]
    services.route_appeal(appeal=appeal)
    for reviewer in reviewers:
        services.accept_assignment(assignment=appeal.assignments.get(reviewer=reviewer), by=reviewer.user)
    for reviewer, outcome in zip(reviewers, [Decision.OVERTURNED, Decision.UPHELD, Decision.OVERTURNED], strict=True):
        assignment = appeal.assignments.get(reviewer=reviewer)
        rationale = f"Reasons for {outcome}."
        services.decide_appeal(
            assignment=assignment, by=reviewer.user, outcome=outcome, rationale=rationale, cited_clause_keys=["R-1.1"]
        )
    dissent = Vote.objects.get(assignment__reviewer__handle="b")
    call_command("verify_record", "--content")
    forge("appeals_vote", "rationale", dissent.pk)
    with pytest.raises(CommandError, match=rf"\n  the dissent of reviewer b on decision {dissent.decision_id}$"):
        call_command("verify_record", "--content")


@pytest.mark.django_db
def test_the_daily_check_reports_a_forgery_until_a_later_run_passes(
    published, client, mailoutbox, caplog, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("", "ops@example.org")]
    comment, _ = published
    forge("consultation_comment", "body", comment.pk)
    logged = caplog.at_level(logging.ERROR, logger="ledger.content_check")
    with logged, django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_record_content.delay().get() is False
    assert f"comment {comment.pk}" in caplog.text
    assert [m.to for m in mailoutbox] == [["ops@example.org"]] and f"comment {comment.pk}" in mailoutbox[0].body
    assert f"1 served text differ from the record: comment {comment.pk}" in client.get("/record/").text
    Comment.objects.filter(pk=comment.pk).update(body="Keep *dosage* facts public.")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.check_record_content.delay().get() is True
    assert ContentCheck.objects.first().ok
    assert "Served texts verified: none of 11 differs from the hash on the record" in client.get("/record/").text
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_head_and_the_witnesses_refuse_deletion_and_rewinding(published, witness):
    for statement in ("DELETE FROM ledger_head", "DELETE FROM ledger_witness", "UPDATE ledger_head SET size = 1"):
        with pytest.raises(DatabaseError, match="refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError, match="keeps its name and key"), transaction.atomic():
        Witness.objects.filter(pk=witness.pk).update(verifier_key="someone+00000000+AAAA")
    Witness.objects.filter(pk=witness.pk).update(active=False, operator="Retired")  # what staff may do
    assert Head.objects.get().size >= 2 and Witness.objects.filter(pk=witness.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_outside_verifier_names_forged_texts(published, live_server, record_key):
    comment, decision = published
    publish_checkpoint()
    command = [sys.executable, str(settings.BASE_DIR / "tools" / "verify_record.py"), "--content", live_server.url]
    command += ["--key", str(record_key.verifier), "--no-witness"]
    intact = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert intact.returncode == 0, intact.stderr
    assert "Texts: every served text matches its entry (2 checked)" in intact.stdout
    forge("consultation_comment", "body", comment.pk)
    forge("appeals_decision", "rationale", decision.pk)
    forged = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert forged.returncode == 1
    named = f"2 served text(s) differ from the hash their entry carries: comment {comment.pk}, decision {decision.pk}"
    assert named in forged.stderr


@pytest.mark.django_db
def test_every_text_the_demo_publishes_matches_its_entry(demo):
    # The services of every app, end to end: comments, answers, suggestions and their decisions, statements,
    # final versions with their clauses, summaries and close-outs, decisions, responses, audit reports.
    check = tasks.check_record_content.delay().get()
    run = ContentCheck.objects.first()
    assert check is True and run.mismatched == [] and run.unbound == 0 and run.checked > 50


@pytest.mark.django_db
def test_a_broken_chain_is_mailed_to_admins_too(published, mailoutbox, settings):
    settings.ADMINS = [("", "ops@example.org")]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_entry DISABLE TRIGGER USER")
        cursor.execute("UPDATE ledger_entry SET subject = 'comment:0' WHERE seq = 1")
        cursor.execute("ALTER TABLE ledger_entry ENABLE TRIGGER USER")
    assert tasks.verify_record.delay().get() is False
    assert [m.to for m in mailoutbox] == [["ops@example.org"]] and "Entry #1" in mailoutbox[0].body


@pytest.mark.django_db
def test_the_outside_verifier_names_a_forged_citation_reason(published, citizen, moderator, live_server, record_key):
    earlier = published[1]
    parts = (citizen, earlier.system, earlier.appeal.guideline, moderator)
    later = decide(*parts, follows(earlier, "Same dosage question."))
    publish_checkpoint()
    command = [sys.executable, str(settings.BASE_DIR / "tools" / "verify_record.py"), "--content", live_server.url]
    command += ["--key", str(record_key.verifier), "--no-witness"]
    assert subprocess.run(command, capture_output=True, text=True, timeout=60).returncode == 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE appeals_decisioncitation SET reason = 'FORGED' WHERE citing_id = %s", [later.pk])
    forged = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert forged.returncode == 1
    assert f"the reason decision {later.pk} gives for citing decision {earlier.pk}" in forged.stderr
