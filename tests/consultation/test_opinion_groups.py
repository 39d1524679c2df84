"""Opinion groups by the Pol.is method: planted camps are found, the published groups can be checked from the open
data, and the API serves them to the right people."""

import gzip
import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from consultation.models import GroupMembership, OpinionGroups
from consultation.opinion_groups import Votes, compute
from consultation.services.grouping import publish_opinion_groups
from consultation.services.opinions import cast_vote, submit_statement
from opendata.files import open_data_storage, path_of
from opendata.writing import export_open_data
from tests.consultation.factories import auth
from tests.factories import UserFactory
from tests.ledger.conftest import record_key, record_signer  # noqa: F401  the open data is signed with a known key

API = "/api/v1/guidelines/acme/medical/versions/1/opinion-groups/"
WORDS = {1: "agree", -1: "disagree", 0: "pass"}
CONSENSUS = range(5)  # every camp agrees with these


def planted(*, people: int, statements: int, camps: int = 3, noise: float = 0.1, seed: int = 7):
    """Votes of `people` in `camps` camps: each camp agrees or disagrees with each statement (all agree with the
    first five; the camps differ on every other one), a tenth of the votes are random, each person skips some."""
    rng = np.random.default_rng(seed)
    stance = rng.choice([-1, 1], size=(camps, statements))
    stance[:, CONSENSUS] = 1
    for s in range(len(CONSENSUS), statements):
        if len(set(stance[:, s])) == 1:
            stance[rng.integers(camps), s] *= -1
    camp_of = np.arange(people) % camps
    rows = []
    for person in range(people):
        for s in rng.choice(statements, size=int(statements * 0.7), replace=False):
            value = rng.choice([-1, 0, 1]) if rng.random() < noise else stance[camp_of[person], s]
            rows.append((f"p{person:04d}", int(s), WORDS[int(value)]))
    return rows, camp_of


def test_three_planted_camps_are_recovered_with_their_consensus():
    rows, camp_of = planted(people=300, statements=40)
    groups = compute(Votes.from_rows(rows))
    assert groups.k == 3 and groups.participants == len(groups.clustered) == 300
    found = groups.assignments()
    assert adjusted_rand_score(camp_of, [found[f"p{p:04d}"] for p in range(300)]) >= 0.9
    consensus = {entry["statement"] for entry in groups.consensus}
    assert set(CONSENSUS) <= consensus, "every planted consensus statement is found"
    assert consensus <= set(CONSENSUS), "no divisive statement is called consensus"
    assert {entry["statement"] for entry in groups.divisive}.isdisjoint(CONSENSUS)
    assert all(group for group in groups.representative), "every group has representative statements"


def test_too_few_votes_are_counted_but_not_clustered():
    rows = [(f"p{p}", s, "agree") for p in range(10) for s in range(3)]
    groups = compute(Votes.from_rows(rows))
    assert (groups.participants, groups.votes_seen, groups.clustered, groups.k) == (10, 30, [], 0)


def test_the_order_of_the_votes_never_changes_the_groups():
    rows, _ = planted(people=60, statements=12, seed=3)
    assert compute(Votes.from_rows(rows)).assignments() == compute(Votes.from_rows(rows[::-1])).assignments()


@pytest.fixture
def voted(version, publisher):
    """Two camps of twelve citizens voting on eight statements on Acme's open consultation."""
    statements = [submit_statement(version=version, text=f"Statement {n}.", by=publisher) for n in range(8)]
    for person in range(24):
        citizen = UserFactory()
        for n, statement in enumerate(statements):
            agrees = (n < 2) or (n % 2 == person % 2)
            cast_vote(statement=statement, vote="agree" if agrees else "disagree", by=citizen)
    publish_opinion_groups(version=version)  # a test's transaction never commits, so the votes' request never runs
    return version


@pytest.mark.usefixtures("record_key")
def test_the_published_groups_are_computed_again_from_the_open_data(settings, tmp_path, voted):
    settings.STORAGES = {
        **settings.STORAGES,
        "open_data": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    published = OpinionGroups.objects.latest("computed_at")
    done = export_open_data()
    with open_data_storage().open(path_of(done.tree_size, "votes.jsonl.gz"), "rb") as handle:
        _, *lines = gzip.decompress(handle.read()).decode().splitlines()
    votes = [json.loads(line) for line in lines]
    again = compute(Votes.from_rows((v["participant"], v["statement"], v["vote"]) for v in votes))
    stored = GroupMembership.objects.filter(computation=published).values_list("participant__pseudonym", "group")
    assert again.k == 2 and again.assignments() == dict(stored)


def test_the_api_serves_the_published_groups_and_every_assignment(client, voted):
    body = client.get(API).json()
    assert (body["participants"], body["clustered"], body["votes_seen"]) == (24, 24, 192)
    assert sorted(group["size"] for group in body["groups"]) == [12, 12]
    assert {entry["statement"] for entry in body["consensus"]} <= set(voted.statements.values_list("pk", flat=True))
    assert body["method"]["min_votes"] == 7
    page = client.get(f"{API}participants/?page_size=200").json()
    assert len(page["results"]) == 24 and {row["group"] for row in page["results"]} == {0, 1}


def test_never_computed_is_a_clear_404(client, version):
    response = client.get(API)
    assert response.status_code == 404 and "No opinion groups" in response.json()["detail"]


@pytest.mark.parametrize("who, status", [("publisher", 202), ("moderator", 202), ("citizen", 403)])
def test_publishers_and_moderators_may_ask_for_a_recomputation(
    client, request, version, who, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}recompute/", **auth(request.getfixturevalue(who)))
    assert response.status_code == status
    assert OpinionGroups.objects.exists() == (status == 202), "eager Celery: computed when it answers"


def test_a_computation_stands_until_a_vote_changes(voted, publisher, citizen):
    from consultation.tasks import compute_opinion_groups

    first = OpinionGroups.objects.count()
    compute_opinion_groups(voted.pk)
    assert OpinionGroups.objects.count() == first, "running twice stores nothing twice"
    cast_vote(statement=voted.statements.first(), vote="pass", by=citizen)
    compute_opinion_groups(voted.pk)
    assert OpinionGroups.objects.count() == first + 1


def test_votes_ask_for_a_computation_at_most_once_per_window(monkeypatch, version):
    from consultation.services import opinions

    queued = []
    monkeypatch.setattr(opinions, "enqueue", lambda name, *args: queued.append((name, args)))
    for _ in range(3):
        opinions.request_recompute(version.pk)
    assert queued == [("consultation.tasks.compute_opinion_groups", (version.pk,))]


def test_the_sweep_computes_only_consultations_with_new_votes(voted, citizen):
    from consultation.tasks import recompute_stale_opinion_groups

    assert recompute_stale_opinion_groups() == 0
    cast_vote(statement=voted.statements.first(), vote="pass", by=citizen)
    assert recompute_stale_opinion_groups() == 1
    assert OpinionGroups.objects.latest("computed_at").votes_seen == 193
