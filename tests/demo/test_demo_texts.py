import re
from html import unescape

import pytest
from django.urls import reverse

from demo.cases import CASES, RATIONALES, appeal_texts, rationale
from demo.transparency import ORGANIZATIONS, create_demo_statistics
from tests.appeals.factories import make_reviewer
from tests.factories import UserFactory

PLACEHOLDERS = ["A request under", "I can't help with that.", "The panel read the clause against the request."]
ASKED = re.compile(r"<dt>Asked</dt><dd>(.*?)</dd>", re.S)
RATIONALE = re.compile(r'<p class="rationale-excerpt">(.*?)</p>', re.S)


def test_every_appeal_of_every_organization_reads_differently():
    appeals = [appeal_texts(key, n, org) for key in CASES for n in range(7) for org in range(len(ORGANIZATIONS))]
    assert len({request for request, _, _ in appeals}) == len(appeals)
    assert len({grounds for _, _, grounds in appeals}) == len(appeals)
    rationales = [
        rationale(key, n, org, outcome)
        for key in CASES
        for outcome in RATIONALES[key]
        for n in range(7)
        for org in range(len(ORGANIZATIONS))
    ]
    assert len(set(rationales)) == len(rationales)
    assert all("{" not in text and text[0].isupper() for text in rationales)


@pytest.fixture
def demo_statistics(db, moderator):
    """The demo's statistics history on its own: what seed_demo makes before it, reduced to what it reads."""
    for n in range(4):
        UserFactory(email=f"appellant{n}@demo.whodecides.test")
    for handle in ["rae", "sam"]:
        make_reviewer(handle, capacity=100, expertise=["political", "religious", "medical", "security"])
    create_demo_statistics(password="demo-pass")  # noqa: S106


def test_the_listed_decisions_never_repeat_a_request_or_a_rationale(client, demo_statistics):
    for name in ["home", "decisions"]:
        text = client.get(reverse(name)).content.decode()
        asked = [unescape(a.strip()) for a in ASKED.findall(text)]
        rationales = [unescape(r.strip()) for r in RATIONALE.findall(text)]
        assert len(asked) >= 5 and len(rationales) == len(asked), name
        assert len(set(asked)) == len(asked) and len(set(rationales)) == len(rationales), name
        assert not any(placeholder in text for placeholder in PLACEHOLDERS), name
