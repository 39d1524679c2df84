"""manage.py seed_scale: large data through bulk paths that keep every invariant of the site and its record."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ReviewerProfile
from appeals.models import Appeal, AppealCounter, Assignment, Decision, DecisionSearch, Vote
from appeals.selectors import search_decisions
from consultation.models import Comment
from ledger.kinds import EntryKind
from ledger.models import Entry
from ledger.services import check_chain
from tests.demo_data import seed_snapshot
from transparency.models import FoldMark

pytestmark = pytest.mark.django_db

SMALL = ["--clauses", "5", "--comments", "200", "--appeals", "20", "--assignments", "60", "--entries", "1500"]


@pytest.fixture(scope="session")
def scale_snapshot(demo_snapshot, django_db_blocker, tmp_path_factory):
    """The demo with seed_scale's SMALL sizes on top, seeded once per test process (tests/demo_data.py)."""
    with django_db_blocker.unblock():
        private_media = tmp_path_factory.mktemp("scale-private")
        return seed_snapshot(private_media, ["seed_scale", *SMALL], base=demo_snapshot)


@pytest.fixture
def seeded(db, scale_snapshot, settings, tmp_path):
    """The site as `seed_scale` SMALL leaves it, in this test's transaction; the lines it printed."""
    settings.DEBUG = True
    settings.APPEALS_PER_DAY = 1000
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    scale_snapshot.load(settings.PRIVATE_MEDIA_ROOT)
    return scale_snapshot.output.splitlines()


def test_it_writes_the_sizes_asked_for(seeded):
    large = Comment.objects.filter(version__guideline__slug="scale-5-clauses-200-comments")
    assert large.count() == 200
    assert large.values("clause").distinct().count() == 5
    assert large.filter(parent__isnull=False).count() == 20
    generated = Appeal.objects.filter(assignments__reason__contains="seed_scale").distinct()
    assert generated.count() == 20
    assert Assignment.objects.filter(appeal__in=generated).count() == 60
    assert Entry.objects.count() == 1500
    assert search_decisions(q="translation").exists()
    assert DecisionSearch.objects.count() == Decision.objects.count()
    assert Vote.objects.filter(decision__isnull=False).count() >= 20


def test_the_record_verifies_and_is_signed(seeded):
    report = check_chain()
    assert report.ok, report.problem
    assert report.entries_checked == 1500
    assert Entry.objects.filter(kind=EntryKind.COMMENT_POSTED).count() >= 200
    assert Entry.objects.filter(
        kind=EntryKind.APPEAL_DECIDED, subject__in=[f"appeal:{a.public_id}" for a in Appeal.objects.all()]
    ).exists()


def test_the_counters_stay_right(seeded):
    numbers = [int(public_id[-6:]) for public_id in Appeal.objects.values_list("public_id", flat=True)]
    assert AppealCounter.objects.get().last == max(numbers) == len(numbers)
    for reviewer in ReviewerProfile.objects.all():
        recount = reviewer.assignments.filter(status__in=Assignment.OPEN_STATUSES).count()
        assert reviewer.open_assignments == recount


def test_the_last_line_is_the_large_version_page(seeded, client):
    path = seeded[-1]
    assert path == "/guidelines/acme-ai/scale-5-clauses-200-comments/v1/"
    response = client.get(path)
    assert response.status_code == 200
    assert "R-1.5" in response.text


def test_running_it_again_keeps_the_record_valid(seeded):
    call_command("seed_scale", "--clauses", "5", "--comments", "200", "--appeals", "3", stdout=io.StringIO())
    assert check_chain().ok
    assert Comment.objects.filter(version__guideline__slug="scale-5-clauses-200-comments").count() == 200


def test_it_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_scale", *SMALL, stdout=io.StringIO())
    assert not Entry.objects.exists()


def test_it_leaves_nothing_to_cluster_or_fold_and_says_so(seeded):
    assert any(line.startswith("Background work waiting: ") and "comments to cluster" in line for line in seeded)
    assert any(line.startswith("Worked off in ") for line in seeded)
    assert not Comment.objects.filter(cluster__isnull=True).exists()
    assert FoldMark.objects.get().seq == Entry.objects.count()
