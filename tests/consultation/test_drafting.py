import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.models import Clause, Guideline, GuidelineVersion
from consultation.services import drafting
from tests.consultation.factories import consultation
from tests.factories import ClauseFactory, GuidelineFactory

pytestmark = pytest.mark.django_db

MARKDOWN = """# Medical advice

## R-1.1 Dosage
Tags: medical, dosage

The assistant declines to give **dosages** for prescription drugs.

## R-1.2 Diagnosis
The assistant does not diagnose.
"""


def test_a_publisher_creates_a_guideline(publisher, organization):
    guideline = drafting.create_guideline(organization=organization, slug="medical", title="Medical", by=publisher)
    assert guideline.get_absolute_url() == "/guidelines/acme/medical/"


def test_a_citizen_cannot_create_a_guideline(citizen, organization):
    with pytest.raises(PermissionDenied):
        drafting.create_guideline(organization=organization, slug="medical", title="Medical", by=citizen)
    assert not Guideline.objects.exists()


def test_a_publisher_cannot_create_for_another_organization(publisher, other_organization):
    with pytest.raises(PermissionDenied):
        drafting.create_guideline(organization=other_organization, slug="x", title="X", by=publisher)


def test_a_guideline_slug_is_unique_per_organization(publisher, organization):
    drafting.create_guideline(organization=organization, slug="medical", title="Medical", by=publisher)
    with pytest.raises(ValidationError) as error:
        drafting.create_guideline(organization=organization, slug="medical", title="Again", by=publisher)
    assert "slug" in error.value.message_dict


def test_a_bad_slug_or_empty_title_is_refused(publisher, organization):
    with pytest.raises(ValidationError) as error:
        drafting.create_guideline(organization=organization, slug="Not a slug!", title="", by=publisher)
    assert {"slug", "title"} <= set(error.value.message_dict)


def test_importing_markdown_makes_a_draft_with_clauses(publisher, organization):
    guideline = GuidelineFactory(organization=organization)
    version = drafting.import_draft_from_markdown(guideline=guideline, markdown=MARKDOWN, by=publisher)
    clauses = list(version.clauses.all())
    assert version.status == GuidelineVersion.DRAFT and version.number == 1
    assert [c.key for c in clauses] == ["R-1.1", "R-1.2"]
    assert clauses[0].heading == "Dosage"
    assert clauses[0].tags == ["medical", "dosage"]
    assert clauses[0].text == "The assistant declines to give **dosages** for prescription drugs."


@pytest.mark.parametrize(
    "markdown, message",
    [
        ("", "No clauses found"),
        ("Some intro text\n## R-1.1 Title\ntext", "text before the first clause"),
        ("## not-a-key Title\ntext", "is not a clause key"),
        ("## R-1.1\ntext", "a clause heading looks like"),
        ("## R-1.1 One\ntext\n## R-1.1 Two\ntext", "appears twice"),
        ("## R-1.1 One\n", "cannot be empty"),
    ],
)
def test_bad_markdown_is_refused_with_a_clear_message(publisher, organization, markdown, message):
    guideline = GuidelineFactory(organization=organization)
    with pytest.raises(ValidationError) as error:
        drafting.import_draft_from_markdown(guideline=guideline, markdown=markdown, by=publisher)
    assert message in str(error.value.message_dict["markdown"])
    assert not GuidelineVersion.objects.exists()


def test_a_new_draft_is_a_copy_of_the_latest_version(publisher, organization):
    clause = ClauseFactory(version__guideline__organization=organization, version__number=1, tags=["medical"])
    draft = drafting.create_draft_version(guideline=clause.version.guideline, by=publisher)
    copied = draft.clauses.get()
    assert (draft.number, draft.based_on, draft.status) == (2, clause.version, GuidelineVersion.DRAFT)
    assert (copied.key, copied.text, copied.tags) == (clause.key, clause.text, ["medical"])


def test_only_one_draft_at_a_time(publisher, organization):
    guideline = GuidelineFactory(organization=organization)
    drafting.create_draft_version(guideline=guideline, by=publisher)
    with pytest.raises(ValidationError, match="already has a draft"):
        drafting.create_draft_version(guideline=guideline, by=publisher)


def _draft(publisher, organization):
    guideline = GuidelineFactory(organization=organization)
    return drafting.import_draft_from_markdown(guideline=guideline, markdown=MARKDOWN, by=publisher)


def test_clauses_are_added_edited_reordered_and_removed_on_a_draft(publisher, organization):
    draft = _draft(publisher, organization)
    drafting.add_clause(version=draft, key="R-2.1", heading="Weapons", text="No weapons.", tags="arms", by=publisher)
    first = draft.clauses.get(key="R-1.1")
    drafting.edit_clause(clause=first, heading="Doses", text="Changed.", tags=["medical"], by=publisher)
    drafting.reorder_clause(clause=draft.clauses.get(key="R-2.1"), direction="up", by=publisher)
    drafting.remove_clause(clause=draft.clauses.get(key="R-1.2"), by=publisher)
    assert [(c.key, c.heading) for c in draft.clauses.order_by("position")] == [
        ("R-1.1", "Doses"),
        ("R-2.1", "Weapons"),
    ]


def test_a_duplicate_clause_key_is_refused(publisher, organization):
    draft = _draft(publisher, organization)
    with pytest.raises(ValidationError) as error:
        drafting.add_clause(version=draft, key="R-1.1", heading="Again", text="x", by=publisher)
    assert "key" in error.value.message_dict
    assert draft.clauses.count() == 2


def test_a_bad_clause_key_or_empty_text_is_refused(publisher, organization):
    draft = _draft(publisher, organization)
    with pytest.raises(ValidationError):
        drafting.add_clause(version=draft, key="4.2", heading="H", text="x", by=publisher)
    with pytest.raises(ValidationError):
        drafting.add_clause(version=draft, key="R-9.1", heading="H", text="   ", by=publisher)
    assert draft.clauses.count() == 2


def test_a_frozen_version_cannot_be_edited(publisher, organization):
    clause = ClauseFactory(version__guideline__organization=organization, version__status=GuidelineVersion.CONSULTATION)
    with pytest.raises(ValidationError, match="frozen"):
        drafting.edit_clause(clause=clause, heading="New", text="New text", by=publisher)
    with pytest.raises(ValidationError, match="frozen"):
        drafting.add_clause(version=clause.version, key="R-99.1", heading="H", text="x", by=publisher)
    with pytest.raises(ValidationError, match="frozen"):
        drafting.remove_clause(clause=clause, by=publisher)
    clause.refresh_from_db()
    assert clause.heading != "New"


def _text(guideline: Guideline) -> list[tuple]:
    """Everything a refused change could have touched: the versions, and their clauses in order."""
    versions = list(guideline.versions.values_list("number", "status"))
    return versions + list(Clause.objects.order_by("version", "position").values_list("key", "heading", "text"))


OUTSIDER_CHANGES = {
    "add": lambda draft, by: drafting.add_clause(version=draft, key="R-9.1", heading="H", text="x", by=by),
    "edit": lambda draft, by: drafting.edit_clause(clause=draft.clauses.first(), heading="H", text="x", by=by),
    "move": lambda draft, by: drafting.reorder_clause(clause=draft.clauses.first(), direction="down", by=by),
    "remove": lambda draft, by: drafting.remove_clause(clause=draft.clauses.first(), by=by),
    "import": lambda draft, by: drafting.import_draft_from_markdown(
        guideline=draft.guideline, markdown=MARKDOWN, by=by
    ),
    "new draft": lambda draft, by: drafting.create_draft_version(guideline=draft.guideline, by=by),
}


@pytest.mark.parametrize("change", OUTSIDER_CHANGES)
def test_outsiders_cannot_change_a_draft(publisher, organization, outsider, change):
    draft = _draft(publisher, organization)
    before = _text(draft.guideline)
    with pytest.raises(PermissionDenied, match="Only publishers of Acme AI"):
        OUTSIDER_CHANGES[change](draft, outsider)
    assert _text(draft.guideline) == before


OUTSIDER_PAGES = {
    "drafts/import/": {"markdown": MARKDOWN},
    "drafts/new/": {},
    "v{n}/clauses/add/": {"key": "R-9.1", "heading": "H", "text": "x"},
    "v{n}/clauses/R-1.1/edit/": {"heading": "H", "text": "x"},
    "v{n}/clauses/R-1.1/move/": {"direction": "down"},
    "v{n}/clauses/R-1.1/remove/": {},
}


@pytest.mark.parametrize("who, refusal", [("other_publisher", 403), ("citizen", 403), ("visitor", 302)])
@pytest.mark.parametrize("path", OUTSIDER_PAGES)
def test_outsiders_cannot_change_a_draft_through_the_pages(
    client, request, publisher, organization, who, refusal, path
):
    draft = drafting.create_draft_version(guideline=consultation(organization).guideline, by=publisher)
    before = _text(draft.guideline)
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    response = client.post(f"/publish/acme/medical/{path.format(n=draft.number)}", OUTSIDER_PAGES[path])
    assert response.status_code == refusal
    assert refusal == 403 or response["Location"].startswith("/accounts/login/")
    assert _text(draft.guideline) == before


def test_a_draft_is_visible_only_to_its_publishers(client, publisher, organization, citizen):
    draft = _draft(publisher, organization)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    client.force_login(publisher)
    page = client.get(url).content.decode()
    assert "Draft preview" in page and "Dosage" in page


def test_clause_markdown_is_sanitized(client, publisher, organization):
    guideline = GuidelineFactory(organization=organization)
    markdown = "## R-1.1 Tricky\n<script>alert(1)</script> [click](javascript:alert(1)) **bold**"
    version = drafting.import_draft_from_markdown(guideline=guideline, markdown=markdown, by=publisher)
    client.force_login(publisher)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<strong>bold</strong>" in page


def test_the_publisher_pages_work_for_a_publisher(client, publisher, organization):
    client.force_login(publisher)
    response = client.post("/publish/", {"organization": "acme", "slug": "medical", "title": "Medical advice"})
    assert response.status_code == 302
    response = client.post("/publish/acme/medical/drafts/import/", {"markdown": MARKDOWN})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    response = client.post("/publish/acme/medical/v1/clauses/add/", {"key": "R-3.1", "heading": "H", "text": "T"})
    assert Clause.objects.filter(key="R-3.1").exists()
    assert client.get("/publish/acme/medical/v1/clauses/R-1.1/edit/").status_code == 200


def test_the_import_page_shows_errors_next_to_the_field(client, publisher, organization):
    GuidelineFactory(organization=organization, slug="medical")
    client.force_login(publisher)
    response = client.post("/publish/acme/medical/drafts/import/", {"markdown": "no clauses here"})
    assert response.status_code == 400
    assert "text before the first clause" in response.content.decode()
    assert not GuidelineVersion.objects.exists()


def test_publisher_pages_of_a_public_guideline_are_refused_to_others(client, citizen, moderator, organization):
    consultation(organization)
    for person in [citizen, moderator]:
        client.force_login(person)
        assert client.get("/publish/").status_code == 403
        assert client.get("/publish/acme/medical/").status_code == 403
        assert client.post("/publish/acme/medical/drafts/new/").status_code == 403
    assert GuidelineVersion.objects.count() == 1


def test_publisher_pages_of_an_unpublished_guideline_are_missing_to_others(client, citizen, moderator, organization):
    GuidelineFactory(organization=organization, slug="medical")
    for person in [citizen, moderator]:
        client.force_login(person)
        assert client.get("/publish/acme/medical/").status_code == 404
        assert client.post("/publish/acme/medical/drafts/new/").status_code == 404
    assert not GuidelineVersion.objects.exists()


def test_a_refused_clause_shows_its_errors_next_to_the_fields(client, publisher, organization):
    draft = _draft(publisher, organization)
    client.force_login(publisher)
    url = f"/publish/acme/{draft.guideline.slug}/v1/clauses/add/"
    response = client.post(url, {"key": "R-1.1", "heading": "Again", "text": "x", "tags": "arms, legal"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="add-key-error"' in page and "already has a clause R-1.1" in page
    assert 'value="arms, legal"' in page and 'value="Again"' in page
    assert draft.clauses.count() == 2


def test_a_move_in_no_direction_is_refused_with_a_message(client, publisher, organization):
    draft = _draft(publisher, organization)
    client.force_login(publisher)
    response = client.post(f"/publish/acme/{draft.guideline.slug}/v1/clauses/R-1.1/move/", {"direction": "sideways"})
    assert response.status_code == 400 and "Move a clause up or down." in response.content.decode()
    assert list(draft.clauses.order_by("position").values_list("key", flat=True)) == ["R-1.1", "R-1.2"]
