"""Choose each notebook's slides so that every slide of its deck fits 1280 x 720.

    python tools/fit_slides.py                         # every notebook in notebooks/
    python tools/fit_slides.py notebooks/02_softmax.ipynb --check   # only report, change nothing

Each cell is measured in a real deck (headless Chromium, as built by site/build.py), then the
cells are grouped: a `#` or `##` heading starts a slide, a `###` heading a subslide, and a cell
that would not fit below the ones before it starts a subslide of its own. A code cell too tall
by itself is shown in the deck by its output alone (the notebook shows its code) (tag deck-hide-input), a text output too long
is cut to the lines that fit (tag deck-trim-output, metadata deck.keep_lines); figures are scaled to fit by the
deck's style sheet. Cells the notebook marks "skip" or "notes" stay so. The notebook's outputs
are not touched, so nbval still holds; only metadata changes. Then the decks are built again and
walked slide by slide (`walk`, which tests/browser/test_decks.py uses too).

Needs Debian's Chromium and Playwright for Python (the test extra).
"""
import argparse
import copy
import importlib.util
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLIDE_W, SLIDE_H = 1280, 720
ROOM = 660          # px of a slide's height for cells: reveal.js keeps a margin around it
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def load_build():
    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def browser(playwright):
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)


def wait_until_typeset(page):
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30000)
    page.wait_for_function("!window.MathJax || !MathJax.Hub || MathJax.Hub.queue.pending === 0",
                           timeout=60000)


def slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


# ---------------------------------------------------------------------------------------------
# Measuring: every shown cell on a slide of its own
# ---------------------------------------------------------------------------------------------

MEASURE_JS = """
() => {
  const out = {};
  const slides = Reveal.getSlides();
  for (const section of slides) {
    Reveal.slide(...Object.values(Reveal.getIndices(section)));
    for (const cell of section.querySelectorAll('.jp-Cell')) {
      const id = (cell.id || '').replace('cell-id=', '');
      const input = cell.querySelector('.jp-Cell-inputWrapper');
      const output = cell.querySelector('.jp-Cell-outputWrapper');
      // printed text (a stream) is a RenderedText output that is not a cell's result value
      const streams = [...cell.querySelectorAll('.jp-RenderedText.jp-OutputArea-output:not(.jp-OutputArea-executeResult)')];
      out[id] = {height: cell.offsetHeight,
                 text: streams.reduce((h, s) => h + s.offsetHeight, 0),
                 input: input ? input.offsetHeight : 0,
                 output: output ? output.offsetHeight : 0};
    }
  }
  return out;
}
"""


def measure(build, nb, page):
    """{cell id: {'height', 'input', 'output'}} in px, each cell alone on a slide."""
    alone = copy.deepcopy(nb)
    for cell in alone.cells:
        if slide_type(cell) not in ("skip", "notes"):
            cell.metadata["slideshow"] = {"slide_type": "slide"}
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if not t.startswith("deck-")]
    return render(build, alone, page, MEASURE_JS)


def render(build, nb, page, script, built=()):
    """Build nb as a deck in a temporary folder, open it in `page`, run `script` there."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck"
        build.prepare(out, "slides")
        exporter = build.exporter_for("slides")
        (out / "deck.slides.html").write_text(build.page_of(exporter, nb, set(built)), encoding="utf-8")
        page.goto((out / "deck.slides.html").as_uri())
        wait_until_typeset(page)
        return page.evaluate(script)


# ---------------------------------------------------------------------------------------------
# Grouping cells into slides
# ---------------------------------------------------------------------------------------------

def heading_level(cell):
    if cell.cell_type != "markdown":
        return None
    match = re.match(r"\s*(#+)\s", cell.source)
    return len(match.group(1)) if match else None


def plan(nb, sizes):
    """Set every cell's slide type (and deck tags) in place; return the cells that cannot fit."""
    used, too_tall = None, []
    for cell in nb.cells:
        kept = slide_type(cell)
        tags = [t for t in cell.metadata.get("tags", []) if not t.startswith("deck-")]
        cell.metadata.pop("deck", None)
        if kept in ("skip", "notes"):
            cell.metadata["tags"] = tags
            if not tags:
                cell.metadata.pop("tags")
            continue
        size = sizes.get(cell.get("id"), {"height": 0, "input": 0, "output": 0})
        height = size["height"]
        if height > ROOM and cell.cell_type == "code" and size["input"] and size["output"]:
            tags.append("deck-hide-input")
            height -= size["input"]
        lines = sum(len(o["text"].splitlines()) for o in cell.get("outputs", [])
                    if o.get("output_type") == "stream")
        if height > ROOM and lines and size.get("text"):
            # keep as many printed lines as the room left by the rest of the cell allows
            per_line = size["text"] / lines
            keep = max(1, int((ROOM - (height - size["text"])) / per_line) - 1)
            if keep < lines:
                tags.append("deck-trim-output")
                cell.metadata["deck"] = {"keep_lines": keep}
                height -= size["text"] - (keep + 1) * per_line
        if height > SLIDE_H - 10:  # over ROOM but under this it still fits a slide of its own
            too_tall.append((cell.get("id"), height))
        level = heading_level(cell)
        if used is None or level in (1, 2):
            kind, used = "slide", height
        elif level == 3 or used + height > ROOM:
            kind, used = "subslide", height
        else:
            kind, used = "-", used + height
        cell.metadata["slideshow"] = {"slide_type": kind}
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return too_tall


# ---------------------------------------------------------------------------------------------
# Walking a built deck: every slide's size, cut-off lines, links and notes
# ---------------------------------------------------------------------------------------------

WALK_JS = """
() => {
  const rows = [];
  for (const section of Reveal.getSlides()) {
    const idx = Reveal.getIndices(section);
    Reveal.slide(idx.h, idx.v);
    let cut = 0;
    for (const pre of section.querySelectorAll('pre')) {
      if (pre.offsetParent && pre.scrollWidth > pre.clientWidth + 1) cut += 1;
    }
    const horizontal = section.parentElement.closest('section') || section;
    rows.push({h: idx.h, v: idx.v || 0, height: section.scrollHeight, cut: cut,
               notes: horizontal.querySelectorAll('aside.notes').length,
               links: Array.from(section.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
               title: (section.querySelector('h1, h2, h3') || {}).textContent || ''});
  }
  return {rows: rows, width: Reveal.getConfig().width, height: Reveal.getConfig().height};
}
"""


def walk(page, deck):
    """Open a built deck (a path) and report every slide: {'rows': [...], 'width', 'height'}."""
    page.goto(Path(deck).as_uri())
    wait_until_typeset(page)
    return page.evaluate(WALK_JS)


def overflowing(report, slack=4):
    return [r for r in report["rows"] if r["height"] > report["height"] + slack or r["cut"]]


# ---------------------------------------------------------------------------------------------

def fit(paths, check=False):
    import nbformat
    from playwright.sync_api import sync_playwright

    build = load_build()
    failures = 0
    with sync_playwright() as p:
        chromium = browser(p)
        page = chromium.new_page(viewport={"width": SLIDE_W, "height": SLIDE_H})
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            if not check:
                too_tall = plan(nb, measure(build, nb, page))
                for cell_id, height in too_tall:
                    print(f"{path.name}: cell {cell_id} is {height} px tall on its own: split it")
                text = nbformat.writes(nb) + "\n"
                if text != path.read_text(encoding="utf-8"):
                    path.write_text(text, encoding="utf-8")
            report = render(build, nbformat.read(path, as_version=4), page, WALK_JS)
            bad = overflowing(report)
            failures += len(bad)
            print(f"{path.name}: {len(report['rows'])} slides, {len(bad)} too tall or cut off"
                  + "".join(f"\n    slide {r['h']}.{r['v']} ({r['title'][:40]!r}): "
                            f"{r['height']} px, {r['cut']} lines cut" for r in bad))
        chromium.close()
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args(argv)
    paths = sorted(args.notebooks or (ROOT / "notebooks").glob("*.ipynb"))
    sys.exit(1 if fit(paths, args.check) else 0)


if __name__ == "__main__":
    main()
