"""Build the course's instructor slides and static site, both usable offline.

    python site/build.py slides [NOTEBOOK ...] [--out DIR]   # reveal.js decks, site/_build/slides
    python site/build.py site   [NOTEBOOK ...] [--out DIR]   # HTML pages,      site/_build/site

    python site/build.py vendor                             # refresh site/vendor/ (needs npm)

NOTEBOOK defaults to every notebooks/*.ipynb. Nothing is executed: the pages show the outputs
stored in the notebooks. A page has no kernel, so a widget would only look alive: each one is
shown as the picture it stored, captioned as a static picture of a figure that is live in
JupyterLab. In a deck (1280 x 720), a cell's `metadata.slideshow.slide_type` (slide, subslide,
fragment, skip, notes) chooses slides. Links to another notebook point at its page or deck;
images get their alternative text from the cell's `metadata.caption`, else from the markdown
just above them.

nbconvert's pages load require.js, jquery, MathJax and reveal.js from CDNs. Here they load local
copies kept in site/vendor/ (only the files the pages load, with their licences) and copied beside
the pages, so an output folder works opened from disk or served, with no network, and building
needs no npm. `build.py vendor` refreshes those files from the npm registry (site/package.json
and its lock pin the versions). After building, every page is checked: a page that loads a script, style sheet,
image or frame from another host (http://, https:// or //), or refers to a local file that is
not there, fails the build. Links a reader may click (<a href="https://...">) are fine.

Mermaid diagrams are not drawn (no local copy of mermaid): site/offline.html.j2, the template
used, leaves out nbconvert's mermaid loader, which the decks would otherwise fetch from a CDN.
"""

import argparse
import filecmp
import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

SITE = Path(__file__).resolve().parent
ROOT = SITE.parent
VENDOR = SITE / "vendor"  # the files the pages load, committed; `build.py vendor` refreshes them
MARKER = ".site-build"  # marks an output folder this script may wipe and rebuild

# What the pages need from the npm packages, kept in site/vendor/<name>. Only the files the
# pages load (MathJax alone is 70 MB; its CommonHTML output with TeX fonts is what nbconvert's
# configuration, TeX-AMS_CHTML-full, uses).
COPY = {
    "require.js": "requirejs/require.js",
    "jquery.min.js": "jquery/dist/jquery.min.js",
    "reveal.js/dist": "reveal.js/dist",
    "reveal.js/plugin/notes": "reveal.js/plugin/notes",
    "reveal.js/LICENSE": "reveal.js/LICENSE",
    "mathjax/MathJax.js": "mathjax/MathJax.js",
    "mathjax/LICENSE": "mathjax/LICENSE",
    "mathjax/config/TeX-AMS_CHTML-full.js": "mathjax/config/TeX-AMS_CHTML-full.js",
    "mathjax/config/Safe.js": "mathjax/config/Safe.js",
    "mathjax/extensions": "mathjax/extensions",
    "mathjax/jax/input/TeX": "mathjax/jax/input/TeX",
    "mathjax/jax/element": "mathjax/jax/element",
    "mathjax/jax/output/CommonHTML": "mathjax/jax/output/CommonHTML",
    "mathjax/jax/output/PreviewHTML": "mathjax/jax/output/PreviewHTML",
    "mathjax/fonts/HTML-CSS/TeX/woff": "mathjax/fonts/HTML-CSS/TeX/woff",
}
SKIP = shutil.ignore_patterns("*.map", "embed.js", "*.esm.js", "libembed-amd.js")

# nbconvert's URL options (SlidesExporter inherits HTMLExporter's), relative to the pages.
URLS = {
    "HTMLExporter.require_js_url": "vendor/require.js",
    "HTMLExporter.jquery_url": "vendor/jquery.min.js",
    "HTMLExporter.mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "SlidesExporter.reveal_url_prefix": "vendor/reveal.js",
}


def refresh_vendor():
    """npm ci the pinned packages into a temporary folder, then keep only the files in COPY."""
    import tempfile

    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found: refreshing site/vendor/ fetches the pinned packages with it "
                 "(apt-get install -y npm). Building the pages does not need it.")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(SITE / "package.json", tmp)
        shutil.copy(SITE / "package-lock.json", tmp)
        # --ignore-scripts: only files are needed, no package runs code at install time.
        subprocess.run([npm, "ci", "--prefix", tmp, "--no-audit", "--no-fund",
                        "--ignore-scripts", "--loglevel=error"], check=True)
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        for name, source in COPY.items():
            source, target = Path(tmp) / "node_modules" / source, VENDOR / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=SKIP)
            else:
                shutil.copy(source, target)
    print(f"vendor: {sum(1 for f in VENDOR.rglob('*') if f.is_file())} files in {VENDOR}")


def prepare(out, kind):
    """An empty output folder holding the local copies the pages load."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            sys.exit(f"{out} is not empty and was not made by this script: choose another --out")
        shutil.rmtree(out)
    (out / "vendor").mkdir(parents=True)
    (out / MARKER).touch()
    for name in COPY:
        if kind == "site" and name.startswith("reveal.js"):
            continue  # only decks use reveal.js
        source, target = VENDOR / name, out / "vendor" / name
        if not source.exists():
            sys.exit(f"{source} is missing: run `python site/build.py vendor` (needs npm)")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)


def exporter_for(kind):
    """nbconvert's exporter (as `jupyter nbconvert --to slides|html` with the options below),
    its pages pointed at the local copies."""
    from nbconvert import HTMLExporter, SlidesExporter
    from traitlets.config import Config

    config = Config()
    for option, value in URLS.items():
        exporter, trait = option.split(".")
        config[exporter][trait] = value
    # A projector's 16:9 slide. The theme is reveal.js's own default: most other themes @import
    # their fonts from Google.
    config.SlidesExporter.update(reveal_width="1280", reveal_height="720", reveal_scroll=False,
                                 reveal_theme="white")
    return (SlidesExporter if kind == "slides" else HTMLExporter)(
        config=config, template_file=str(SITE / "offline.html.j2"))


def page_of(exporter, nb, built):
    """One notebook (a NotebookNode, changed in place) as a page; `built`: the stems of the
    notebooks built beside it, which its links may point at."""
    static_widgets(nb)
    alt_texts(nb)
    if exporter.file_extension == ".slides.html":
        deck_only(nb)
    page, _ = exporter.from_notebook_node(nb)
    return relink(page, built, exporter.file_extension)


def convert(kind, notebooks, out):
    """Every notebook as a page (in process: one import of nbconvert for all of them)."""
    import nbformat

    exporter = exporter_for(kind)
    built = {notebook.stem for notebook in notebooks}
    for notebook in notebooks:
        page = page_of(exporter, nbformat.read(notebook, as_version=4), built)
        (out / (notebook.stem + exporter.file_extension)).write_text(page, encoding="utf-8")


def deck_only(nb):
    """What a deck leaves out, as tools/fit_slides.py marked it: printed lines past a cell's
    metadata deck.keep_lines, in a cell tagged deck-trim-output (the page and the notebook keep
    them all). The code of a cell tagged deck-hide-input is hidden by the deck's style sheet (its
    output stays)."""
    for cell in nb.cells:
        if "deck-trim-output" in cell.metadata.get("tags", []):
            left = cell.metadata.get("deck", {}).get("keep_lines", 12)  # over all printed outputs
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    lines = output["text"].splitlines()
                    if len(lines) > left:
                        output["text"] = "\n".join(lines[:left] + [
                            f"... ({len(lines) - left} more lines in the notebook)"]) + "\n"
                        left = 0
                    else:
                        left -= len(lines)


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_widgets(nb):
    """Each widget view becomes the picture it stored, with its controls' start values and a
    caption saying it is live in JupyterLab; the widget state (and its renderer) is dropped."""
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                output["data"] = {"text/html": static_widget(view["model_id"], state)}


def widget_parts(model_id, state, seen=None):
    """(model name, state, buffers) of a widget and every widget inside it, in display order."""
    seen = set() if seen is None else seen
    model = state.get(model_id)
    if model is None or model_id in seen:
        return []
    seen.add(model_id)
    parts = [(model["model_name"], model["state"], model.get("buffers", []))]
    for child in model["state"].get("children", []):
        parts += widget_parts(child.removeprefix("IPY_MODEL_"), state, seen)
    return parts


def static_widget(model_id, state):
    images, tags, controls, texts, described = [], [], [], [], []
    for name, values, buffers in widget_parts(model_id, state):
        if name == "ImageModel":
            images += [b["data"] for b in buffers if b.get("path") == ["value"]]
        elif name == "HTMLModel" and values.get("value"):
            value = values["value"]
            # a picture drawn as an <img> inside an HTML widget, with its alt text
            # (without its event handlers: a page has no widget for them to reach)
            tags += [re.sub(r"""\son\w+=("[^"]*"|'[^']*')""", "", tag) for tag in re.findall(r"<img\b[^>]*>", value)]
            text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<img\b[^>]*>", "", value))).strip()
            (described if "aria-live" in value else texts).append(" ".join(text.split()))
        elif "description" in values and ("value" in values or "index" in values):
            labels = values.get("_options_labels")
            value = labels[values["index"]] if labels and values.get("index") is not None \
                else values.get("value")
            controls.append(f"{values['description']} = {value}")
    caption = " ".join(t for t in texts if t)
    alt = " ".join(described) or caption or "the figure at its start"
    parts = [f'<img src="data:image/png;base64,{b}" alt="{html.escape(alt, quote=True)}">'
             for b in images]
    parts += [tag if re.search(r'\balt=["\'][^"\']', tag) else tag.replace("<img", f'<img alt="{html.escape(alt, quote=True)}"', 1)
              for tag in tags]
    start = f" Shown at its start: {html.escape('; '.join(controls))}." if controls else ""
    note = (f"<figcaption><strong>A static picture of an interactive figure.</strong>{start} "
            "Run the notebook in JupyterLab to move its controls.</figcaption>")
    text = f"<p class='widget-caption'>{html.escape(caption)}</p>" if caption else ""
    return f'<figure class="static-widget">{"".join(parts)}{text}{note}</figure>'


def alt_texts(nb):
    """Alternative text for every image: the cell's metadata.caption, else the first sentence
    of the markdown just above it (what the notebook says the figure shows)."""
    above = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text = re.sub(r"[#*`$\\]|\[([^\]]*)\]\([^)]*\)", r"\1", cell.source)
            above = re.split(r"(?<=[.:!?])\s", " ".join(text.split()), maxsplit=1)[0][:300]
            continue
        caption = cell.metadata.get("caption") or above
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}) and caption:
                output.setdefault("metadata", {})["alt"] = caption


def relink(page, built, suffix):
    """Links to a notebook that is built point at its page (or deck); others stay as written."""
    def repl(match):
        stem, anchor = match.group(2), match.group(3) or ""
        return f"{match.group(1)}{stem}{suffix}{anchor}" if stem in built else match.group(0)
    return re.sub(r'(href=")(?:\./)?([\w-]+)\.ipynb(#[^"]*)?', repl, page)


def summary(notebook):
    """The notebook's title (its first markdown heading) and its first paragraph (markdown)."""
    title, paragraph = None, None
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for block in re.split(r"\n\s*\n", "".join(cell["source"])):
            block = block.strip()
            heading = re.match(r"#+\s+(.*)", block)
            if heading and title is None:
                title = heading.group(1).strip()
                block = block[heading.end():].strip()  # a paragraph may follow on the next line
            if title and block and not block.startswith(("#", "<!--", "![")):
                paragraph = block
                break
        if paragraph:
            break
    return title or notebook.stem, paragraph or ""


def write_index(notebooks, out, suffix, heading):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    items = []
    for notebook in notebooks:
        title, paragraph = summary(notebook)
        items.append(f'<li><a href="{html.escape(notebook.stem + suffix)}">{html.escape(title)}'
                     f"</a>\n{markdown2html_mistune(paragraph)}</li>")
    # MathJax typesets maths in the paragraphs, with the same local copy as the pages.
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<script>MathJax = {{tex2jax: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']]}}}};</script>
<script src="{URLS['HTMLExporter.mathjax_url']}"></script>
<style>body {{font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.5}}
li {{margin-bottom: 1em}} li p {{margin: 0.2em 0}}</style></head>
<body><h1>{heading}</h1>
<ol>
{chr(10).join(items)}
</ol>
</body></html>
""", encoding="utf-8")


class Resources(HTMLParser):
    """The URLs a page loads by itself: those of scripts, style sheets, images, frames and
    media, plus, in its inline scripts, every quoted URL of another host or of vendor/ (what
    require(), import and the widget loader fetch), and in its styles url() and @import."""
    LOADED = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
              "video": "src", "audio": "src", "embed": "src", "object": "data", "track": "src"}
    RUNS = {"", "text/javascript", "module", "application/javascript"}

    def __init__(self):
        super().__init__()
        self.urls, self._inline = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get(self.LOADED.get(tag)):
            self.urls.append(attrs[self.LOADED[tag]])
        # Data blocks (widget state, MathJax configuration) are not fetched; scripts may be.
        runs = tag == "script" and attrs.get("type", "") in self.RUNS
        self._inline = tag if (runs or tag == "style") and not attrs.get("src") else None

    def handle_data(self, data):
        if self._inline == "script":
            self.urls += re.findall(r"""["'`]((?:https?:)?//[^"'`\s]+|vendor/[^"'`\s]+)""", data)
        elif self._inline == "style":
            self.urls += css_urls(data)

    def handle_endtag(self, tag):
        self._inline = None


def loaded_urls(page):
    parser = Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def css_urls(css):
    """What a style sheet loads: url() and @import, comments aside."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return re.findall(r"""(?:@import\s+(?:url\()?|url\()\s*["']?([^"')\s]+)""", css)


def problems(out):
    """Loaded resources from outside, or local ones that are missing, in every page of out,
    following the local style sheets they load (fonts, @import of more style sheets)."""
    found = []
    for page in sorted(out.glob("*.html")):
        todo, seen = [(page, url) for url in loaded_urls(page)], set()
        while todo:
            source, url = todo.pop()
            if url.startswith(("data:", "#", "blob:")):
                continue
            if re.match(r"(https?:)?//", url, re.I):
                found.append(f"{page.name}: {source.name} loads {url} from outside")
                continue
            path = (source.parent / re.split(r"[?#]", url)[0]).resolve()
            if not path.exists():
                found.append(f"{page.name}: {source.name} refers to {url}, which is missing")
            elif path.suffix == ".css" and path not in seen:
                seen.add(path)
                todo += [(path, u) for u in css_urls(path.read_text(encoding="utf-8", errors="replace"))]
    return found


def build(kind, notebooks, out):
    prepare(out, kind)
    convert(kind, notebooks, out)
    if kind == "slides":
        write_index(notebooks, out, ".slides.html", "Deep learning tutorial: slides")
    else:
        write_index(notebooks, out, ".html", "Deep learning tutorial")
    found = problems(out)
    if found:
        sys.exit("The build is not self-contained:\n  " + "\n  ".join(found))
    print(f"{kind}: {len(notebooks)} notebooks -> {out / 'index.html'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["slides", "site", "vendor"])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to build (default: every notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, help="output folder (default: site/_build/KIND)")
    args = parser.parse_intermixed_args(argv)  # notebooks before or after --out
    if args.kind == "vendor":
        return refresh_vendor()
    notebooks = sorted(args.notebooks or (ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        sys.exit("no notebooks to build")
    build(args.kind, notebooks, (args.out or SITE / "_build" / args.kind).resolve())


if __name__ == "__main__":
    main()
