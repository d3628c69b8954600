"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

They run with the production cache configuration: the Redis cache and the page cache for
anonymous visitors, as careerboard/settings.py sets them up. Screenshots of each step, at phone
and desktop widths, go to tests/e2e/screenshots/ (git-ignored) for people and CI to look at.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from careerboard import settings as project_settings
from tests.caches import caches_as_in_production

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `apt-get install chromium` (make test does)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = request.param
    # What the browser showed when the test failed, beside the steps' screenshots.
    failed = SCREENSHOTS / f"{request.node.originalname}-{request.param}-FAILED.png"
    failed.unlink(missing_ok=True)
    yield page
    if getattr(request.node, "call_failed", False):
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=failed, full_page=True)
    context.close()


@pytest.fixture
def shoot(request):
    """shoot(page, "step-name") saves a full-page screenshot named after the test and width."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, step):
        name = f"{request.node.originalname}-{page.viewport_name}-{step}.png"
        page.screenshot(path=SCREENSHOTS / name, full_page=True)

    return take


@pytest.fixture(autouse=True)
def production_caches(_isolated_settings, settings, live_server):
    """The caches as production has them, under a key prefix of this test's own.

    Redis holds the shared cache, sessions, rate limits, counters and pages (PAGE_CACHE_SECONDS
    as configured, at least a minute); see tests/caches.py.
    """
    page_seconds = max(project_settings.PAGE_CACHE_SECONDS, 60)
    settings.SITE_URL = live_server.url
    with caches_as_in_production(settings, name="e2e", page_seconds=page_seconds):
        yield


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user): the browser context gets a session for `user` (no login form)."""

    def sign(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign


@pytest.fixture
def visitor(browser, live_server):
    """visitor() opens a page in a browser context of its own: another person, no cookies.

    visitor("phone", user_agent=...) takes the width and Playwright's context options.
    """
    contexts = []

    def new_page(width="desktop", **options):
        context = browser.new_context(
            viewport=VIEWPORTS[width], base_url=live_server.url, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.viewport_name = width
        return page

    yield new_page
    for context in contexts:
        context.close()


def message(page, text):
    """The status message the site shows after an action."""
    return page.locator(".messages").get_by_text(text)


def pick_skill(page, box, name):
    """Type into a skill picker's box (named by its label) and click the skill in its list."""
    page.get_by_role("combobox", name=box).fill(name)
    page.get_by_role("option", name=name, exact=True).click()


def add_skill(page, name, *, level="3", years=""):
    """Add a skill to the seeker's profile with the picker: pick it, set level and years, Add."""
    pick_skill(page, "Add a skill", name)
    page.get_by_label("Level", exact=True).select_option(level)
    page.get_by_label("Years", exact=True).fill(years)
    page.get_by_role("button", name="Add skill").click()
    expect(page.get_by_role("status").get_by_text(f"{name} added")).to_be_visible()
