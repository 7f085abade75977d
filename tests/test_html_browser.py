"""The notebook HTML of a determination and a comparison, rendered in a real headless browser:
Playwright driving the system Chromium (Playwright's own browser download is not reachable from
these machines; `.ci/run` installs Debian's chromium where it is missing).

With no Chromium this test FAILS and says so, unless IRA30D_NO_BROWSER=1 is set, when it is
skipped with that reason (and the run's summary says the HTML was not checked in a browser)."""

import os
import shutil

import pytest

import ira30d

CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and os.path.exists(p)
    ),
    None,
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page():
    if CHROMIUM is None:
        message = (
            "no Chromium on this machine: the HTML repr was NOT checked in a browser "
            "(install it: apt-get install chromium)"
        )
        if os.environ.get("IRA30D_NO_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message + "; set IRA30D_NO_BROWSER=1 to skip knowingly")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser.new_page()
        browser.close()


def test_statuses_and_the_table_are_visible_and_line_items_fold(page):
    d = ira30d.evaluate(ira30d.example("unknown_supplier_2024"))
    page.set_content(f"<html><body>{d._repr_html_()}</body></html>")
    table = page.locator("table.ira30d-findings")
    assert table.is_visible()
    assert page.locator("tr.ira30d-row").count() == len(d.findings)
    for status, text in (
        ("met", "✓ met"),
        ("undetermined", "? undetermined"),
        ("not_applicable", "– n/a"),
    ):
        badge = page.locator(f"tr[data-status={status}] .ira30d-status").first
        assert badge.is_visible() and badge.inner_text() == text
    colours = {
        s: page.locator(f"tr[data-status={s}] .ira30d-status").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        for s in ("met", "undetermined", "not_applicable")
    }
    assert len(set(colours.values())) == 3  # each status its own colour, besides its word
    verdict = page.locator(".ira30d-determination p .ira30d-status").first
    assert verdict.is_visible() and verdict.inner_text().startswith("? undetermined")
    row = page.locator("tr[data-status=undetermined]").first
    assert "vehicle.battery.entities" in row.inner_text()  # the missing inputs are named
    items = row.locator("details.ira30d-items")
    first_item = items.locator("li").first
    assert not first_item.is_visible()  # folded
    items.locator("summary").click()
    assert first_item.is_visible()


def test_a_comparison_shows_verdicts_with_words(page):
    c = ira30d.compare([ira30d.example("uk_processed_lithium")], ["uk_pact"])
    page.set_content(f"<html><body>{c._repr_html_()}</body></html>")
    cells = page.locator("td .ira30d-status")
    assert [cells.nth(i).inner_text() for i in range(cells.count())] == [
        "✓ eligible $3,750",
        "✓ eligible $7,500",
    ]
    assert page.locator("table").is_visible()
