from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultation.models import ClauseChange, CommentPeriod, GuidelineVersion, Suggestion, SuggestionDecision
from consultation.selectors import suggestions_behind, unapplied_adopted
from consultation.services import closing, suggestions
from consultation.services.suggested_drafts import start_draft_from_accepted_suggestions
from consultation.services.suggestions import decide_suggestion, make_suggestion, take_stance
from core.ratelimit import RateLimited
from ledger.kinds import EntryKind
from ledger.models import Entry
from tests.consultation.factories import consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CLAUSE_TEXT = "The assistant declines requests for **dangerous** instructions."


def suggest(
    version,
    by,
    *,
    key="R-1.1",
    kind="replace",
    text="The assistant declines requests for harmful instructions.",
    reason="Clearer.",
):
    return make_suggestion(
        version=version, clause=version.clauses.get(key=key), kind=kind, text=text, reason=reason, by=by
    )


def close(version) -> GuidelineVersion:
    now = timezone.now()
    CommentPeriod.objects.filter(version=version).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1)
    )
    return GuidelineVersion.objects.select_related("guideline__organization", "comment_period").get(pk=version.pk)


# Making a suggestion ------------------------------------------------------------------------------------------------


def test_a_citizen_suggests_new_wording_shown_as_a_word_level_redline(citizen, version):
    made = suggest(version, citizen)
    assert (
        made.redline_html == "The assistant declines requests for <del>dangerous</del><ins>harmful</ins> instructions."
    )
    assert made.cluster_id == made.pk and (made.supporters, made.opponents) == (0, 0)
    entry = Entry.objects.get(kind=EntryKind.SUGGESTION_MADE)
    assert entry.subject == f"suggestion:{made.pk}"
    assert entry.data["clause"] == "R-1.1" and entry.data["kind"] == "replace"
    assert entry.data["text_sha256"] == suggestions.sha256(made.text)
    assert entry.data["reason_sha256"] == suggestions.sha256("Clearer.") and "harmful" not in entry.payload


def test_a_new_clause_is_all_inserted_and_a_deletion_all_struck(citizen, version):
    inserted = suggest(version, citizen, kind="insert_after", text="Say why.")
    deleted = suggest(version, citizen, key="R-2.1", kind="delete", text="")
    assert inserted.redline_html == "<ins>Say why.</ins>"
    assert deleted.redline_html == "<del>The assistant declines requests for dangerous instructions.</del>"
    assert deleted.text == ""


def test_the_redline_escapes_what_the_citizen_wrote(citizen, version):
    made = suggest(version, citizen, text="If a < b then <script>alert(1)</script> & <img src=x onerror=alert(2)>")
    assert "<script" not in made.redline_html and "<img" not in made.redline_html
    assert "&lt;" in made.redline_html and "&amp;" in made.redline_html


@pytest.mark.parametrize(
    ("kind", "text", "reason", "field"),
    [
        ("rewrite", "New.", "Why.", "kind"),
        ("replace", "", "Why.", "text"),
        ("replace", "   ", "Why.", "text"),
        ("insert_after", "", "Why.", "text"),
        ("replace", "x" * 20_001, "Why.", "text"),
        ("replace", CLAUSE_TEXT, "Why.", "text"),
        ("delete", "Some text.", "Why.", "text"),
        ("replace", "New.", "", "reason"),
        ("replace", "New.", "y" * 5001, "reason"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(citizen, version, kind, text, reason, field):
    with pytest.raises(ValidationError) as error:
        suggest(version, citizen, kind=kind, text=text, reason=reason)
    assert field in error.value.message_dict
    assert not Suggestion.objects.exists() and not Entry.objects.filter(kind=EntryKind.SUGGESTION_MADE).exists()


def test_a_clause_of_another_version_is_refused(citizen, version, other_organization):
    other = consultation(other_organization)
    with pytest.raises(ValidationError, match="not part of this version"):
        make_suggestion(version=version, clause=other.clauses.first(), kind="delete", reason="Why.", by=citizen)


@pytest.mark.parametrize("who", ["unverified", "visitor"])
def test_only_citizens_suggest(request, version, who):
    person = AnonymousUser() if who == "visitor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        suggest(version, person)


@pytest.mark.parametrize("state", ["scheduled", "closed"])
def test_suggestions_are_taken_only_while_the_period_is_open(citizen, organization, state):
    version = consultation(
        organization, opens_in=timedelta(days=2) if state == "scheduled" else None, closed=state == "closed"
    )
    with pytest.raises(ValidationError, match="not open for suggestions"):
        suggest(version, citizen)
    assert not Suggestion.objects.exists()


def test_suggestions_have_the_rate_limits_of_comments(citizen, version, settings):
    settings.CONSULTATION_COMMENT_LIMIT = 1
    suggest(version, citizen)
    with pytest.raises(RateLimited, match="from your account"):
        suggest(version, citizen, text="Another wording.")
    assert Suggestion.objects.count() == 1


def test_same_and_nearly_the_same_wording_joins_one_cluster(citizen, version):
    first = suggest(version, citizen, text="The assistant refuses only instructions that could hurt many people today.")
    same = suggest(
        version, UserFactory(), text="the assistant REFUSES only instructions that could hurt many people, today!"
    )
    near = suggest(
        version,
        UserFactory(),
        text="The assistant refuses only instructions that could hurt many people today, please.",
    )
    other = suggest(version, UserFactory(), text="Publish every refusal with its clause.")
    elsewhere = suggest(version, UserFactory(), key="R-2.1", text=first.text)
    assert (same.cluster_id, near.cluster_id) == (first.pk, first.pk)
    assert other.cluster_id == other.pk and elsewhere.cluster_id == elsewhere.pk


# Stances --------------------------------------------------------------------------------------------------------------


def test_one_changeable_stance_per_person_with_counts_on_the_row(citizen, version):
    made = suggest(version, UserFactory())
    assert (take_stance(suggestion=made, stance="support", by=citizen).supporters, made.opponents) == (1, 0)
    take_stance(suggestion=made, stance="support", by=citizen)  # the same again changes nothing
    take_stance(suggestion=made, stance="support", by=UserFactory())
    assert (made.supporters, made.opponents) == (2, 0)
    take_stance(suggestion=made, stance="oppose", by=citizen)
    assert (made.supporters, made.opponents) == (1, 1)
    take_stance(suggestion=made, stance="none", by=citizen)
    made.refresh_from_db()
    assert (made.supporters, made.opponents) == (1, 0) and made.stances.count() == 1


def test_stances_are_refused_on_ones_own_suggestion_bad_input_and_non_citizens(citizen, unverified, version):
    made = suggest(version, citizen)
    with pytest.raises(ValidationError, match="your own"):
        take_stance(suggestion=made, stance="support", by=citizen)
    with pytest.raises(ValidationError):
        take_stance(suggestion=made, stance="love", by=UserFactory())
    with pytest.raises(PermissionDenied):
        take_stance(suggestion=made, stance="support", by=unverified)
    made.refresh_from_db()
    assert (made.supporters, made.opponents) == (0, 0)


def test_stances_cannot_change_after_the_period_closed(citizen, version):
    made = suggest(version, UserFactory())
    take_stance(suggestion=made, stance="support", by=citizen)
    close(version)
    with pytest.raises(ValidationError, match="only while the period is open"):
        take_stance(suggestion=made, stance="oppose", by=citizen)


# Decisions ------------------------------------------------------------------------------------------------------------


def test_the_publisher_decides_after_the_close_and_author_and_supporters_are_told(
    publisher, citizen, version, mailoutbox, django_capture_on_commit_callbacks
):
    made = suggest(version, citizen)
    supporter, opponent = UserFactory(), UserFactory()
    take_stance(suggestion=made, stance="support", by=supporter)
    take_stance(suggestion=made, stance="oppose", by=opponent)
    close(version)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide_suggestion(suggestion=made, outcome="accepted", by=publisher)
    assert (decision.supporters_at_close, decision.opponents_at_close, decision.reason) == (1, 1, "")
    entry = Entry.objects.get(kind=EntryKind.SUGGESTION_DECIDED)
    assert (entry.data["outcome"], entry.data["supporters"], entry.data["opponents"]) == ("accepted", 1, 1)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([citizen.email, supporter.email])
    assert "Accepted" in mailoutbox[0].body


def test_a_decision_needs_a_reason_unless_accepted_and_is_never_rewritten(publisher, citizen, version):
    made = suggest(version, citizen)
    version = close(version)
    for outcome in ("declined", "accepted_with_changes"):
        with pytest.raises(ValidationError, match="reason cannot be empty"):
            decide_suggestion(suggestion=made, outcome=outcome, reason=" ", by=publisher)
    with pytest.raises(ValidationError):
        decide_suggestion(suggestion=made, outcome="maybe", reason="Hm.", by=publisher)
    decide_suggestion(suggestion=made, outcome="declined", reason="Too narrow.", by=publisher)
    with pytest.raises(ValidationError, match="already been decided"):
        decide_suggestion(suggestion=made, outcome="accepted", by=publisher)
    assert SuggestionDecision.objects.get().outcome == "declined"


def test_decisions_are_refused_while_open_and_to_anyone_but_the_organizations_publishers(
    publisher, other_publisher, citizen, moderator, version
):
    made = suggest(version, citizen)
    with pytest.raises(ValidationError, match="once the period has closed"):
        decide_suggestion(suggestion=made, outcome="accepted", by=publisher)
    close(version)
    for outsider in (other_publisher, citizen, moderator):
        with pytest.raises(PermissionDenied):
            decide_suggestion(suggestion=made, outcome="accepted", by=outsider)
    assert not SuggestionDecision.objects.exists()


# The next draft -------------------------------------------------------------------------------------------------------


def decided(version, by, outcome="accepted", supporters=0, **made):
    suggestion = suggest(version, UserFactory(), **made)
    for _ in range(supporters):
        take_stance(suggestion=suggestion, stance="support", by=UserFactory())
    return suggestion, outcome


def test_the_next_draft_applies_the_accepted_suggestions_and_the_diff_names_them(publisher, organization):
    version = consultation(organization, clauses=3)
    plan = [
        decided(version, publisher, text="Harmful instructions are refused."),
        decided(version, publisher, "accepted_with_changes", kind="insert_after", text="Say which clause."),
        decided(version, publisher, key="R-2.1", kind="delete", text=""),
        decided(version, publisher, "declined", key="R-3.1", text="Declined wording."),
    ]
    version = close(version)
    for suggestion, outcome in plan:
        decide_suggestion(suggestion=suggestion, outcome=outcome, reason="Because.", by=publisher)
    started = start_draft_from_accepted_suggestions(version=version, by=publisher)
    draft = started.version
    assert [(c.key, c.text) for c in draft.clauses.order_by("position")] == [
        ("R-1.1", "Harmful instructions are refused."),
        ("R-1.1.1", "Say which clause."),
        ("R-3.1", CLAUSE_TEXT),
    ]
    assert draft.clauses.get(key="R-1.1.1").heading == "New clause after R-1.1"
    assert list(draft.clauses.get(key="R-1.1").from_suggestions.all()) == [plan[0][0]]
    behind = suggestions_behind(version, draft)
    assert {key: [s.pk for s in found] for key, found in behind.items()} == {
        "R-1.1": [plan[0][0].pk],
        "R-1.1.1": [plan[1][0].pk],
        "R-2.1": [plan[2][0].pk],
    }
    assert started.conflicts == []


def test_conflicting_accepted_suggestions_apply_the_most_supported_and_list_the_others(publisher, version):
    weak, _ = decided(version, publisher, text="Weak wording.", supporters=1)
    strong, _ = decided(version, publisher, text="Strong wording.", supporters=2)
    version = close(version)
    for suggestion in (weak, strong):
        decide_suggestion(suggestion=suggestion, outcome="accepted", by=publisher)
    started = start_draft_from_accepted_suggestions(version=version, by=publisher)
    assert started.version.clauses.get(key="R-1.1").text == "Strong wording."
    assert [(left.pk, applied.pk) for left, applied in started.conflicts] == [(weak.pk, strong.pk)]
    assert unapplied_adopted(started.version) == [weak]  # listed on the draft's page until settled


def test_the_next_draft_is_refused_while_open_to_outsiders_and_with_nothing_accepted(
    publisher, other_publisher, version
):
    with pytest.raises(ValidationError, match="once the consultation has closed"):
        start_draft_from_accepted_suggestions(version=version, by=publisher)
    version = close(version)
    with pytest.raises(PermissionDenied):
        start_draft_from_accepted_suggestions(version=version, by=other_publisher)
    with pytest.raises(ValidationError, match="No suggestion"):
        start_draft_from_accepted_suggestions(version=version, by=publisher)
    assert version.guideline.versions.count() == 1


def test_a_published_final_links_each_change_to_its_suggestions(publisher, citizen, version):
    made = suggest(version, citizen)
    version = close(version)
    decide_suggestion(suggestion=made, outcome="accepted", by=publisher)
    draft = start_draft_from_accepted_suggestions(version=version, by=publisher).version
    final = closing.publish_final_version(version=draft, summary_of_changes="As suggested.", by=publisher)
    suggestions.link_suggestions(final)
    change = ClauseChange.objects.get(version=final, clause_key="R-1.1")
    assert list(change.suggestions.all()) == [made]
    assert not ClauseChange.objects.get(version=final, clause_key="R-2.1").suggestions.exists()
