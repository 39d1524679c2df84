from django.urls import reverse

from ledger.services import check_chain
from tests.transparency.test_pages import figures
from transparency.fold import fold_record


def test_the_demo_gives_the_statistics_months_organizations_and_topics(demo, client):
    fold_record()  # seeding committed in a test's transaction (tests/demo_data.py), so its on-commit fold waits
    page = client.get(reverse("statistics"))
    text = page.content.decode()
    assert all(name in text for name in ["Acme AI", "Globex Labs", "Initech", "political", "religious"])
    assert text.count('<th scope="row">20') >= 6  # months
    shown = figures(page)
    assert shown["decided"][0] >= 30 and shown["overdue_now"][0] >= 1 and shown["answered"][0] >= 6
    assert check_chain().ok


def test_the_demo_shows_refusals_reported_beside_appeals_filed(demo, client):
    fold_record()
    acme = client.get(reverse("api-statistics-organization", args=["acme-ai"])).json()["figures"]["appeals"]
    assert acme["refused"] > acme["filed"] > 0 and 0 < acme["appeal_share_of_refusals"] < 1
