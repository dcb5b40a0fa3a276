"""Build the course's instructor slides and static site, both usable offline.

    python site/build.py slides [NOTEBOOK ...] [--out DIR]   # reveal.js decks, site/_build/slides
    python site/build.py site   [NOTEBOOK ...] [--out DIR]   # HTML pages,      site/_build/site

NOTEBOOK defaults to every notebooks/*.ipynb. Nothing is executed: the pages show the outputs
stored in the notebooks, widgets included (from the widget state the notebook stores). In a deck,
a cell's `metadata.slideshow.slide_type` (slide, subslide, fragment, skip, notes) chooses slides;
a notebook without it becomes a single scrolling slide.

nbconvert's pages load require.js, jquery, MathJax, reveal.js and the widget renderer from CDNs.
Here they load local copies, fetched once with npm (site/package.json and its lock pin them) into
site/vendor/ and copied beside the pages, so an output folder works opened from disk or served,
with no network. After building, every page is checked: a page that loads a script, style sheet,
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
VENDOR = SITE / "vendor"
NODE_MODULES = VENDOR / "node_modules"
MARKER = ".site-build"  # marks an output folder this script may wipe and rebuild

# What the pages need from node_modules, copied to <out>/vendor/<name>. Only the files the
# pages load (MathJax alone is 70 MB; its CommonHTML output with TeX fonts is what nbconvert's
# configuration, TeX-AMS_CHTML-full, uses).
COPY = {
    "require.js": "requirejs/require.js",
    "jquery.min.js": "jquery/dist/jquery.min.js",
    "reveal.js/dist": "reveal.js/dist",
    "reveal.js/plugin/notes": "reveal.js/plugin/notes",
    "reveal.js/LICENSE": "reveal.js/LICENSE",
    "html-manager": "@jupyter-widgets/html-manager/dist",  # embed-amd.js and its fonts
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
    "HTMLExporter.widget_renderer_url": "vendor/html-manager/embed-amd.js",
    "SlidesExporter.reveal_url_prefix": "vendor/reveal.js",
}


def fetch_vendor():
    """npm ci into site/vendor/ unless it already holds what site/package-lock.json pins."""
    lock = SITE / "package-lock.json"
    if (NODE_MODULES / ".package-lock.json").exists() and (VENDOR / lock.name).exists() \
            and filecmp.cmp(lock, VENDOR / lock.name, shallow=False):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found: the build fetches reveal.js, MathJax and friends with it "
                 "(apt-get install -y npm)")
    VENDOR.mkdir(exist_ok=True)
    shutil.copy(SITE / "package.json", VENDOR)
    shutil.copy(lock, VENDOR)
    # --ignore-scripts: only files are needed, no package runs code at install time.
    subprocess.run([npm, "ci", "--prefix", str(VENDOR), "--no-audit", "--no-fund",
                    "--ignore-scripts", "--loglevel=error"], check=True)


def prepare(out, kind):
    """An empty output folder holding the local copies the pages load."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            sys.exit(f"{out} is not empty and was not made by this script: choose another --out")
        shutil.rmtree(out)
    (out / "vendor").mkdir(parents=True)
    (out / MARKER).touch()
    for name, source in COPY.items():
        if kind == "site" and name.startswith("reveal.js"):
            continue  # only decks use reveal.js
        source, target = NODE_MODULES / source, out / "vendor" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=SKIP, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)


def convert(kind, notebooks, out):
    """nbconvert (as `jupyter nbconvert --to slides|html` with the options below, in process:
    one import of nbconvert for every notebook and the index), pages pointed at the local copies."""
    from nbconvert import HTMLExporter, SlidesExporter
    from traitlets.config import Config

    config = Config()
    for option, value in URLS.items():
        exporter, trait = option.split(".")
        config[exporter][trait] = value
    # Tall slides scroll rather than clip. The theme is reveal.js's own default: most other
    # themes @import their fonts from Google.
    config.SlidesExporter.update(reveal_scroll=True, reveal_theme="white")
    exporter = (SlidesExporter if kind == "slides" else HTMLExporter)(
        config=config, template_file=str(SITE / "offline.html.j2"))
    for notebook in notebooks:
        page, _ = exporter.from_filename(str(notebook))
        (out / (notebook.stem + exporter.file_extension)).write_text(page, encoding="utf-8")


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
    fetch_vendor()
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
    parser.add_argument("kind", choices=["slides", "site"])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to build (default: every notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, help="output folder (default: site/_build/KIND)")
    args = parser.parse_intermixed_args(argv)  # notebooks before or after --out
    notebooks = sorted(args.notebooks or (ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        sys.exit("no notebooks to build")
    build(args.kind, notebooks, (args.out or SITE / "_build" / args.kind).resolve())


if __name__ == "__main__":
    main()
