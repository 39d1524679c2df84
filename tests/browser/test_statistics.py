import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import ReviewerProfile
from appeals.models import Decision
from consultation.models import Guideline
from tests.appeals.factories import AISystemFactory, decided, published_guideline
from tests.browser.journey import audit
from tests.consultation.factories import CommentFactory
from tests.factories import UserFactory
from transparency.fold import fold_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def statistics_site(organization, moderator, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT, settings.APPEALS_PER_DAY = tmp_path / "private", 1000
    guideline = published_guideline(organization)
    system = AISystemFactory(organization=organization, slug="helper", name="Acme Helper")
    for handle, outcome in [("rae", Decision.OVERTURNED), ("sam", Decision.UPHELD), ("kit", Decision.PARTIAL)]:
        decided(UserFactory(), system, guideline, moderator, handle=handle, outcome=outcome)
        # Routing runs on commit here: stand the reviewer down so the next appeal goes to the next reviewer.
        ReviewerProfile.objects.filter(handle=handle).update(active=False)
    fold_record()


def test_a_visitor_reads_the_statistics_at_desktop_and_phone_widths(new_person, statistics_site):
    visitor = new_person()
    page = visitor.page
    visitor.visit("/")
    visitor.follow(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics"), shot="statistics"
    )
    expect(page.get_by_role("heading", name="Statistics: All organizations")).to_be_visible()
    expect(
        page.get_by_role("table", name="Outcomes of the 3 decisions in force since the platform began")
    ).to_be_visible()
    if visitor.keyboard:
        page.set_viewport_size(PHONE)
        audit(page)
    visitor.follow(page.get_by_role("link", name="Acme AI"), shot="statistics-organization")
    expect(page.get_by_role("heading", name="Statistics: Acme AI")).to_be_visible()
    if visitor.keyboard:
        page.set_viewport_size(PHONE)
        audit(page)

    visitor.fill(page.get_by_label("From", exact=True), "spring")
    visitor.submit(page.get_by_role("button", name="Show"))
    expect(page.get_by_text("'spring' is not a month or a quarter.").first).to_be_visible()

    visitor.follow(page.locator('[data-figure="decided"] a'), shot="statistics-decisions")
    expect(page.locator(".decision-item")).to_have_count(3)


# The outermost elements that stick out past the viewport, to name in a failure.
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > innerWidth)
  .filter(e => e.parentElement.getBoundingClientRect().right <= innerWidth)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().width)}px`)"""
NARROW_PAGES = [
    "/statistics/",
    "/statistics/organizations/acme/",
    "/statistics/topics/medical/",
    "/statistics/organizations/acme/guidelines/assistant-refusals/",
    "/organizations/acme/reports/{year}-Q{quarter}/",
    "/appeals/",
    "/decisions/",
    "/comments/",
    "/record/",
    "/data/",
    "/organizations/",
    "/search/?q=dosage",
]


def test_no_list_or_statistics_page_is_wider_than_a_phone(page, statistics_site, organization):
    CommentFactory(version=Guideline.objects.get().versions.get(), author=UserFactory())
    today = timezone.now()
    page.set_viewport_size(PHONE)
    too_wide = {}
    for path in NARROW_PAGES:
        response = page.goto(path.format(year=today.year, quarter=(today.month - 1) // 3 + 1))
        assert response.status == 200, path
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            too_wide[path] = page.evaluate(WIDEST)
    assert too_wide == {}


def test_the_statistics_print_without_the_site_shell(page, statistics_site):
    page.goto("/statistics/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.get_by_role("heading", name="Statistics: All organizations")).to_be_visible()
