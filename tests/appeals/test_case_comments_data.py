"""Public comments on appeals in the open data: the calls, the comments (hidden ones as tombstones), and how each
decision considered them."""

import pytest

from appeals import services
from appeals.models import Decision
from appeals.services import case_comments
from opendata.writing import export_open_data
from tests.appeals.case_factories import close_window, selected
from tests.appeals.factories import make_reviewer
from tests.factories import UserFactory
from tests.ledger.conftest import record_key, record_signer  # noqa: F401 (fixtures used by name)
from tests.opendata.test_open_data import open_data_root, rows  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.django_db


def test_calls_comments_and_the_consideration_are_exported(citizen, system, guideline, moderator):
    appeal = selected(citizen, system, guideline, moderator)
    kept = case_comments.post_case_comment(appeal=appeal, body="Overturn.", on_behalf_of="EFF", by=citizen)
    hidden = case_comments.post_case_comment(appeal=appeal, body="Spam!", by=UserFactory())
    case_comments.hide_case_comment(comment=hidden, reason="spam", by=moderator)
    reviewer = make_reviewer("rae")
    services.route_appeal(appeal=appeal)
    assignment = appeal.assignments.get(reviewer=reviewer)
    services.accept_assignment(assignment=assignment, by=reviewer.user)
    close_window(appeal)
    services.decide_appeal(
        assignment=assignment, by=reviewer.user, outcome=Decision.OVERTURNED, rationale="Public.",
        cited_clause_keys=["R-1.1"], comments_considered="EFF's point weighed.",
    )  # fmt: skip
    done = export_open_data()
    (call,) = rows(done, "appeal-comment-calls")
    assert (call["appeal"], call["criteria"], call["comments"]) == (appeal.public_id, ["public_interest"], 2)
    comments = {row["id"]: row for row in rows(done, "appeal-comments")}
    assert (comments[kept.pk]["body"], comments[kept.pk]["on_behalf_of"]) == ("Overturn.", "EFF")
    assert comments[hidden.pk]["body"] == "Hidden by moderators: Spam or advertising"
    assert comments[hidden.pk]["author"] is None and comments[hidden.pk]["hidden_reason"] == "spam"
    (decision,) = rows(done, "decisions")
    assert decision["comments_considered"] == "EFF's point weighed."
