import os

import pytest

from tests.browser.journey import Person
from tests.real_services import chromium_path

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KEYBOARD, WITHOUT_JAVASCRIPT = "keyboard", "without_javascript"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Contexts (one per person) on the live server, closed after the test."""
    contexts = []

    def new_context(**options):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800}, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context()


@pytest.fixture
def page_without_js(new_context):
    return new_context(java_script_enabled=False)


@pytest.fixture(params=[KEYBOARD, WITHOUT_JAVASCRIPT])
def new_person(request, new_context):
    """Each journey runs twice: by keyboard alone with JavaScript on, and with JavaScript off."""
    keyboard = request.param == KEYBOARD

    def new_person() -> Person:
        return Person(new_context(java_script_enabled=keyboard), keyboard=keyboard)

    return new_person


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
