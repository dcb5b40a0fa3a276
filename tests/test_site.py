"""The offline build (site/build.py): one notebook's slides and the whole site, into a temp dir.

Checks that the index lists every notebook in order under its title, that no page needs the
network (nothing loaded from another host, every local script and style sheet present), that
widgets become captioned static pictures, that every image has its alternative text and that
links between notebooks point at the built pages. The build needs no npm: site/vendor/ holds
the files the pages load. (tests/browser/test_decks.py walks the decks slide by slide.)
"""

import html
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "site" / "build.py"
NOTEBOOK_DIR = Path(os.environ.get("DLTUTOR_NOTEBOOKS") or ROOT / "notebooks")
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
OUTSIDE = re.compile(r"(https?:)?//", re.I)


def load_build():
    # site/ is not a package (and `site` is a standard module's name): load the script by path.
    spec = importlib.util.spec_from_file_location("site_build", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    if not NOTEBOOKS:
        pytest.skip(f"no notebooks in {NOTEBOOK_DIR}")
    out = tmp_path_factory.mktemp("build")
    build = load_build()  # in process, so both builds share one import of nbconvert
    build.main(["slides", "--out", str(out / "slides"), str(NOTEBOOKS[0])])
    build.main(["site", "--out", str(out / "site"), *map(str, NOTEBOOKS)])
    return out


def pages(out):
    return sorted(out.glob("*/*.html"))


def first_heading(notebook):
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            heading = re.search(r"^#+\s+(.+)$", "".join(cell["source"]), re.M)
            if heading:
                return heading.group(1).strip()
    return notebook.stem


def test_index_lists_every_notebook_in_order_with_its_title(out):
    index = (out / "site" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">([^<]*)</a>', index)
    assert [href for href, _ in links] == [nb.stem + ".html" for nb in NOTEBOOKS]
    assert [title for _, title in links] == [html.escape(first_heading(nb)) for nb in NOTEBOOKS]
    for nb in NOTEBOOKS:
        assert (out / "site" / f"{nb.stem}.html").is_file()
    assert (out / "slides" / f"{NOTEBOOKS[0].stem}.slides.html").is_file()


def test_no_page_loads_anything_from_outside(out):
    build = load_build()
    assert len(pages(out)) == len(NOTEBOOKS) + 3  # the site's pages and index, a deck and its index
    outside = {page.name: [u for u in build.loaded_urls(page) if OUTSIDE.match(u)]
               for page in pages(out)}
    assert not any(outside.values()), outside
    assert build.problems(out / "site") == build.problems(out / "slides") == []


def test_local_scripts_and_style_sheets_exist(out):
    for page in pages(out):
        text = page.read_text(encoding="utf-8")
        local = [u for u in re.findall(r'<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"', text)
                 if not OUTSIDE.match(u)]
        assert any("mathjax/MathJax.js" in u for u in local), f"{page.name} loads no MathJax"
        for url in local:
            assert (page.parent / url.split("?")[0]).is_file(), f"{page.name}: {url} is missing"


def test_slides_are_a_reveal_deck(out):
    deck = (out / "slides" / f"{NOTEBOOKS[0].stem}.slides.html").read_text(encoding="utf-8")
    assert '<div class="reveal">' in deck and "<section" in deck
    assert '"vendor/reveal.js/dist/reveal.js"' in deck  # loaded by require.js
    assert (out / "slides" / "vendor" / "reveal.js" / "dist" / "reveal.js").is_file()


def widget_views(notebook):
    return sum(WIDGET_VIEW in output.get("data", {})
               for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
               for output in cell.get("outputs", []))


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_widgets_become_captioned_static_pictures(out):
    for nb in NOTEBOOKS:
        page = (out / "site" / f"{nb.stem}.html").read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="static-widget">(.*?)</figure>', page, flags=re.S)
        assert len(figures) == widget_views(nb), nb.name
        for figure in figures:
            img = re.search(r"<img\b[^>]*>", figure).group(0)
            assert re.search(r"""src=["']data:image/png;base64,[A-Za-z0-9+/=]{100,}""", img)
            assert re.search(r"""alt=(["'])[^"']+""", img)
            assert "A static picture of an interactive figure" in figure
            assert "JupyterLab" in figure
        # no widget renderer and no widget state: nothing on the page only looks alive
        assert "widget-state+json" not in page and "embed-amd" not in page


def test_every_image_has_alternative_text(out):
    for page in pages(out):
        text = page.read_text(encoding="utf-8")
        for img in re.findall(r"<img\b[^>]*>", text):
            alt = re.search(r"""alt=(["'])(.*?)\1""", img, flags=re.S)
            assert alt and alt.group(2).strip(), f"{page.name}: an image without alt text"
        assert "No description has been provided" not in text


def test_links_between_notebooks_point_at_the_built_pages(out):
    for page in sorted((out / "site").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'href="[^"]*\.ipynb', text), f"{page.name} links to a notebook file"
        for href in re.findall(r'href="([^"#]+\.html)', text):
            if not OUTSIDE.match(href):
                assert (page.parent / href).is_file(), f"{page.name}: {href} is a dead link"
