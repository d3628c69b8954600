"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Screenshots of each step, at phone and desktop widths, go to tests/e2e/screenshots/ (git-ignored)
for people and CI to look at.
"""

import os
from pathlib import Path

import pytest

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


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.fixture
def shoot(request):
    """shoot(page, "step-name") saves a full-page screenshot named after the test and width."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, step):
        name = f"{request.node.originalname}-{page.viewport_name}-{step}.png"
        page.screenshot(path=SCREENSHOTS / name, full_page=True)

    return take
