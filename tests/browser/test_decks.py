"""Every slide of every offline deck, walked in headless Chromium at 1280 x 720.

A deck fails on a slide taller than 720 px, a code or output line cut off at the right edge, a
section without speaker notes, a link to a local file that is not there, a control a learner
could focus (it would take the arrow keys from the deck), a first slide that does not show whole
on load, or any request that leaves the machine. The same link check runs on every site page.
tools/fit_slides.py chooses the slides so that this holds; run it after changing a notebook.

    pytest -m browser tests/browser/test_decks.py
"""
import importlib.util
import os
import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LOCAL = ("file:", "data:", "blob:", "about:")


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fit = load("fit_slides", ROOT / "tools" / "fit_slides.py")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if sync_playwright is None or not Path("/usr/bin/chromium").exists():
        message = "needs Debian's Chromium and Playwright: apt-get install -y chromium && pip install -e .[test]"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("decks")
    build = load("site_build", ROOT / "site" / "build.py")
    build.main(["slides", "--out", str(out / "slides"), *map(str, NOTEBOOKS)])
    build.main(["site", "--out", str(out / "site"), *map(str, NOTEBOOKS)])
    return out


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as p:
        chromium = fit.browser(p)
        page = chromium.new_page(viewport={"width": fit.SLIDE_W, "height": fit.SLIDE_H})
        outside = []

        def only_local(route):
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        page.outside = outside
        yield page
        chromium.close()


def dead_links(page_file, hrefs):
    dead = []
    for href in hrefs:
        if re.match(r"(https?:|mailto:|#)", href):
            continue
        target = href.split("#")[0].split("?")[0]
        if target and not (page_file.parent / target).exists():
            dead.append(href)
    return dead


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_fits_and_has_notes(built, page, notebook):
    deck = built / "slides" / f"{notebook.stem}.slides.html"
    page.outside.clear()
    page.goto(deck.as_uri())
    fit.wait_until_typeset(page)
    first = page.evaluate("""() => { const s = Reveal.getCurrentSlide(), r = s.getBoundingClientRect();
        return {h: Reveal.getIndices().h, top: r.top, bottom: r.bottom, height: s.scrollHeight}; }""")
    assert first["h"] == 0 and first["top"] >= -1 and first["height"] <= fit.SLIDE_H, \
        f"the first slide does not show whole on load: {first}"
    report = fit.walk(page, deck)
    assert (report["width"], report["height"]) == (fit.SLIDE_W, fit.SLIDE_H)
    rows = report["rows"]
    bad = [f"slide {r['h']}.{r['v']} {r['title'][:40]!r}: {r['height']} px, {r['cut']} lines cut"
           for r in fit.overflowing(report)]
    assert not bad, "slides that do not fit 1280 x 720:\n" + "\n".join(bad)
    sections = {r["h"] for r in rows}
    without = sorted({r["h"] for r in rows if not r["notes"]} - {0})
    assert not without, f"sections without speaker notes: {without} of {len(sections)}"
    dead = [h for r in rows for h in dead_links(deck, r["links"])]
    assert not dead, f"dead links: {dead}"
    controls = page.evaluate("document.querySelectorAll('.reveal .slides input, .reveal .slides select,"
                             " .reveal .slides [role=slider], .reveal .slides textarea').length")
    assert controls == 0, "a focusable control would take the arrow keys from the deck"
    assert not page.outside, f"requests that left the machine: {page.outside[:5]}"
    print(f"{notebook.stem}: {len(rows)} slides in {len(sections)} sections, all within "
          f"{fit.SLIDE_W} x {fit.SLIDE_H}, max {max(r['height'] for r in rows)} px")


def test_site_pages_have_no_dead_links_and_load_nothing_from_outside(built, page):
    pages = sorted((built / "site").glob("*.html"))
    assert len(pages) == len(NOTEBOOKS) + 1  # and the index
    for html_page in pages:
        page.outside.clear()
        page.goto(html_page.as_uri())
        page.wait_for_load_state("load")
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
        assert not dead_links(html_page, hrefs), (html_page.name, dead_links(html_page, hrefs))
        assert not page.outside, (html_page.name, page.outside[:5])
