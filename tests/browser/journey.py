"""How a person goes through the site in the browser tests.

A `Person` is one browser context. It either works with the keyboard alone (Tab to each
field, type, Space to tick, Enter to press) with JavaScript on, or with JavaScript off and
ordinary fills and clicks. Every page the keyboard user reaches is checked with axe-core (axe
needs JavaScript, and the pages without it are the same documents), and the pages a test names
are photographed at 1280 and 390 px into var/screenshots/.

Forms are found by their labels and buttons by their names, never by CSS classes, so a
redesign that keeps the words keeps the tests.
"""

import re
from datetime import datetime
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Locator, Page

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {1280: 800, 390: 844}
BLOCKING_IMPACTS = {"serious", "critical"}
# The longest page a test tabs through (a version with its threads) has fewer stops than this.
MAX_TABS = 400
# A check-your-answers page (GOV.UK's pattern, before an irreversible step) is titled "Check ...";
# its answers each have a "Change" button, and the last other button carries out the step.
CHECK_PAGE = re.compile(r"^Check\b")
CARRY_OUT = re.compile(r"^(?!Change\b)")

_axe = Axe()


class Person:
    def __init__(self, page: Page, *, keyboard: bool):
        self.page = page
        self.keyboard = keyboard
        self._audited: set[str] = set()

    # Pages

    def visit(self, path: str, *, shot: str | None = None) -> None:
        self.page.goto(path)
        self.arrived(shot=shot)

    def follow(self, link: Locator, *, shot: str | None = None) -> None:
        with self.page.expect_navigation():
            self.activate(link)
        self.arrived(shot=shot)

    def arrived(self, *, shot: str | None = None) -> None:
        """Check the page the person is on with axe-core (once per address), and photograph it if named."""
        self.page.wait_for_load_state()
        if not self.keyboard:
            return
        if self.page.url not in self._audited:
            self._audited.add(self.page.url)
            audit(self.page)
        if shot:
            screenshot(self.page, shot)

    # Fields

    def fill(self, field: Locator, text: str) -> None:
        if not self.keyboard:
            field.fill(text)
            return
        self.tab_to(field)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)

    def fill_datetime(self, field: Locator, when: datetime) -> None:
        value = when.strftime("%Y-%m-%dT%H:%M")
        if not self.keyboard:
            field.fill(value)
            return
        # Chromium lays the field out in its own UI language (en-US here, whatever the page's locale):
        # month, day and a year that waits for up to six digits, then hours on a 12-hour clock and AM/PM.
        self.tab_to(field)
        self.page.keyboard.type(when.strftime("%m%d%Y"))
        self.page.keyboard.press("ArrowRight")
        self.page.keyboard.type(when.strftime("%I%M") + when.strftime("%p")[0])
        assert field.input_value() == value, f"typed {value}, the field holds {field.input_value()}"

    def choose(self, select: Locator, label: str) -> None:
        if not self.keyboard:
            select.select_option(label=label)
            return
        self.tab_to(select)
        self.page.keyboard.press("Home")
        for _ in range(select.locator("option").count()):
            if select.evaluate("el => el.options[el.selectedIndex].text.trim()") == label:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {label!r} reachable with the arrow keys")

    def tick(self, box: Locator) -> None:
        """Check a checkbox, or pick a radio button (the arrow keys move within a group of radios)."""
        if not self.keyboard:
            box.check()
            return
        if box.get_attribute("type") == "radio":
            name = box.get_attribute("name")
            in_group = "n => document.activeElement?.type === 'radio' && document.activeElement.name === n"
            self._tab_until(lambda: self.page.evaluate(in_group, name), f"the radio group {name}")
            # Tab lands on the first radio of a group where none is chosen yet; Space chooses it.
            self.page.keyboard.press("Space")
            for _ in range(self.page.locator(f'input[name="{name}"]').count()):
                if box.is_checked():
                    return
                self.page.keyboard.press("ArrowDown")
            raise AssertionError("radio button not reachable with the arrow keys")
        self.tab_to(box)
        self.page.keyboard.press("Space")
        assert box.is_checked()

    def attach(self, field: Locator, path) -> None:
        # Neither the mouse nor the keyboard can drive the system's file chooser; both hand the file over alike.
        field.set_input_files(str(path))

    # Buttons and links

    def activate(self, control: Locator) -> None:
        if not self.keyboard:
            control.click()
            return
        self.tab_to(control)
        self.page.keyboard.press("Enter")

    def open(self, summary: Locator) -> None:
        """Open a <details> disclosure by its summary."""
        if not self.keyboard:
            summary.click()
            return
        self.tab_to(summary)
        self.page.keyboard.press("Space")

    def submit(self, button: Locator, *, in_place: bool = False, shot: str | None = None) -> None:
        """Press a form's button; with JavaScript on, an htmx form (`in_place`) answers without a page load.

        If a check-your-answers page comes up, confirm it: journeys stay the same whether or not a step asks.
        """
        if in_place and self.keyboard:
            self.activate(button)
            return
        with self.page.expect_navigation():
            self.activate(button)
        self.arrived()
        if self.page.get_by_role("heading", level=1, name=CHECK_PAGE).count():
            with self.page.expect_navigation():
                self.activate(self.page.get_by_role("main").get_by_role("button", name=CARRY_OUT).last)
            self.arrived()
        if shot:
            screenshot(self.page, shot)

    def tab_to(self, target: Locator) -> None:
        target.wait_for(state="visible")
        self._tab_until(lambda: target.evaluate("el => el === document.activeElement"), str(target))

    def _tab_until(self, arrived, what: str) -> None:
        for _ in range(MAX_TABS):
            if arrived():
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{what} is not reachable with the Tab key")


def audit(page: Page) -> None:
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in blocking
    )


def screenshot(page: Page, name: str) -> None:
    """The page, whole, at each width: var/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(original)


def confirmation_path(body: str) -> str:
    """The path of allauth's confirmation link in an email, whatever host the link names."""
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert found, f"no confirmation link in:\n{body}"
    return found.group(1)


def field(page_or_region, label: str) -> Locator:
    """A field by its whole label, with or without the colon Django adds, in any case."""
    return page_or_region.get_by_label(re.compile(rf"^{re.escape(label)}:?$", re.IGNORECASE))


def signed_in(person: Person, email: str, password: str, *, shot: str | None = None) -> Person:
    """The person signs in from the home page."""
    person.visit("/")
    person.follow(person.page.get_by_role("link", name="Sign in", exact=True), shot=shot)
    person.fill(field(person.page, "Email"), email)
    person.fill(field(person.page, "Password"), password)
    person.submit(person.page.get_by_role("button", name="Sign in"))
    return person
