"""Open every course notebook in JupyterLab in headless Chromium and check what a learner sees.

One JupyterLab server and one browser serve the whole module; each notebook gets one page.
For each notebook: run all cells from the Run menu, then check that every code cell finished
without an error, that figures and widget views rendered, and that moving a slider makes the
kernel redraw something (a round trip through the widget comm).

    pytest -m browser tests/browser                      # the course's notebooks/
    DLTUTOR_NOTEBOOKS=/some/dir pytest tests/browser     # another folder of notebooks
    DLTUTOR_SCREENSHOTS=shots pytest tests/browser       # keep one screenshot per notebook

Needs Debian's Chromium (apt-get install -y chromium) and Playwright for Python
(pip install -e .[test]); Playwright's own browser download is not used.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = Path(os.environ.get("DLTUTOR_NOTEBOOKS") or ROOT / "notebooks").resolve()
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = "install it with: apt-get install -y chromium && pip install -e .[test]"

# Lab settings for a test server: no news pop-up over the notebook, no autosave (running the
# cells must never rewrite the course's notebooks), and every cell attached to the page even when
# scrolled out of view, so that all outputs can be inspected.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# An error output is rendered as stderr text; a traceback, not a warning, is what fails a cell.
TRACEBACK = r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b"

# Everything about the page is read in one round trip; cells are listed in notebook order.
READ_PAGE = """([widgetMime, traceback]) => {
  const isTraceback = new RegExp(traceback, 'm');
  const panel = document.querySelector('.jp-NotebookPanel');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const widgetOutputs = [...panel.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${widgetMime}"]`)];
  return {
    prompts: cells.map(c => (c.querySelector(':scope .jp-InputArea-prompt') || {}).textContent || ''),
    errors: cells.map(c => [...c.querySelectorAll(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
      .map(e => e.textContent).filter(t => isTraceback.test(t))),
    images: [...panel.querySelectorAll('.jp-RenderedImage img')].map(i => i.naturalWidth),
    widgetOutputs: widgetOutputs.length,
    widgetViews: widgetOutputs.filter(o => o.querySelector('.jupyter-widgets')).length,
    text: panel.innerText,
  };
}"""

# What a slider can change next to it: the text and images of its cell's outputs, sliders aside
# (a slider's own readout changes in the browser alone, without the kernel).
SNAPSHOT = """area => {
  const copy = area.cloneNode(true);
  copy.querySelectorAll('.widget-slider').forEach(s => s.remove());
  return copy.textContent + [...copy.querySelectorAll('img')].map(i => i.src).join(' ');
}"""


def missing(what):
    """Skip on a developer's machine; in CI (CI set) a missing browser is a failure."""
    message = f"{what} not found; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def stored(path):
    """What the stored notebook promises: its cells, and whether it shows images and widgets."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    return cells, {
        "images": sum(any(m.startswith("image/") for m in o.get("data", {})) for o in outputs),
        "widgets": sum(WIDGET_MIME in o.get("data", {}) for o in outputs),
    }


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        missing(CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (Python package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """A JupyterLab server on loopback, its root the notebooks folder, its state in a temp dir."""
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # Agg would hide figures
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "matplotlib"))
    # Overrides of the default settings are read from <config dir>/labconfig, so the venv's
    # share/jupyter/lab/settings stays untouched.
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "default_setting_overrides.json").write_text(json.dumps(LAB_SETTINGS))

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    log = open(home / "jupyterlab.log", "w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={NOTEBOOK_DIR}",
         "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(server, url, token, log)
        yield url, token
    finally:
        server.send_signal(signal.SIGTERM)  # shuts its kernels down too
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the server and any kernel left behind
            server.wait()
        log.close()


def wait_until_up(server, url, token, log, timeout=90):
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    log.seek(0)
    pytest.fail(f"JupyterLab did not start (exit code {server.poll()}):\n{log.read()[-3000:]}")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = os.environ.get("DLTUTOR_SCREENSHOTS")
    if not folder:
        return tmp_path_factory.mktemp("screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def run_all_cells(page, prompts):
    """Run > Run All Cells; the first run after a server start sometimes does nothing: retry."""
    for _ in range(3):
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(f"p => ({prompts}) !== p", arg=page.evaluate(prompts),
                                   timeout=10_000)
            return
        except Exception:
            pass
    pytest.fail("Run All Cells started no cell in 3 tries")


def move_a_slider(page):
    """ArrowRight on slider handles until one changes an output beside it; return which."""
    sliders = page.locator(".jupyter-widgets.widget-slider .noUi-handle")
    for i in range(sliders.count()):
        handle = sliders.nth(i)
        area = handle.evaluate_handle("h => h.closest('.jp-Cell-outputArea')")
        before = area.evaluate(SNAPSHOT)
        value = handle.get_attribute("aria-valuenow")
        handle.press("ArrowRight")
        if handle.get_attribute("aria-valuenow") == value:  # already at its maximum
            handle.press("ArrowLeft")
        try:
            page.wait_for_function(f"([a, b]) => ({SNAPSHOT})(a) !== b", arg=[area, before],
                                   timeout=10_000)
            return i
        except Exception:
            continue
    return None


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_renders(notebook, lab, chromium, screenshots):
    url, token = lab
    cells, expect = stored(notebook)
    before = notebook.read_bytes()
    # Cells that run: non-empty code cells. Cells allowed to fail carry the raises-exception tag.
    runs = [c["cell_type"] == "code" and "".join(c["source"]).strip() != "" for c in cells]
    may_fail = ["raises-exception" in c.get("metadata", {}).get("tags", []) for c in cells]

    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    try:
        page.goto(f"{url}/lab/tree/{notebook.name}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=60_000)
        prompts = ("[...document.querySelectorAll('.jp-NotebookPanel .jp-InputArea-prompt')]"
                   ".map(e => e.textContent).join()")
        run_all_cells(page, prompts)
        # Done when every cell that runs shows a number, or when the kernel is idle and
        # some cell failed (Run All stops at an error: the rest would never get a number).
        page.wait_for_function(
            """([runs, mayFail, traceback]) => {
                 const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
                 const done = cells.every((c, i) => !runs[i] ||
                   /^\\[\\d+\\]:$/.test(c.querySelector('.jp-InputArea-prompt').textContent.trim()));
                 const failed = cells.some((c, i) => !mayFail[i] && [...c.querySelectorAll(
                   ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
                   .some(e => new RegExp(traceback, 'm').test(e.textContent)));
                 const idle = document.querySelector(
                   ".jp-Notebook-ExecutionIndicator[data-status='idle']");
                 return done || (failed && idle);
               }""", arg=[runs, may_fail, TRACEBACK], timeout=180_000, polling=500)
        # Widget views and images render after their cell finished: give them a moment.
        page.wait_for_function(
            """([n, mime]) => {
                 const panel = document.querySelector('.jp-NotebookPanel');
                 const views = [...panel.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${mime}"]`)];
                 return views.filter(v => v.querySelector('.jupyter-widgets')).length >= n &&
                   [...panel.querySelectorAll('img')].every(i => i.complete);
               }""", arg=[expect["widgets"], WIDGET_MIME], timeout=30_000)
        seen = page.evaluate(READ_PAGE, [WIDGET_MIME, TRACEBACK])

        assert len(seen["prompts"]) == len(cells), "the page shows a different number of cells"
        numbers = [int(m.group(1)) for p, r in zip(seen["prompts"], runs) if r
                   for m in [re.match(r"\[(\d+)\]:", p.strip())] if m]
        assert len(numbers) == sum(runs), f"unfinished cells; prompts: {seen['prompts']}"
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), \
            f"cells did not run once each, in order: {numbers}"
        errors = {i: e for i, e in enumerate(seen["errors"]) if e and not may_fail[i]}
        assert not errors, f"errors in cells {list(errors)}:\n" + "\n".join(
            e[0][-1500:] for e in errors.values())

        if expect["images"]:
            assert len(seen["images"]) >= expect["images"], \
                f"{len(seen['images'])} figures shown, {expect['images']} stored"
            assert all(w > 0 for w in seen["images"]), f"empty figures: {seen['images']}"
        if expect["widgets"]:
            assert seen["widgetViews"] > 0
            assert seen["widgetViews"] == seen["widgetOutputs"] >= expect["widgets"], \
                f"{seen['widgetViews']} of {seen['widgetOutputs']} widget outputs rendered"
        for broken in ("Loading widget...", "Error displaying widget"):
            assert broken not in seen["text"]

        if page.locator(".jupyter-widgets.widget-slider").count():
            assert move_a_slider(page) is not None, \
                "no slider changed a figure or text beside it (no round trip to the kernel)"
    finally:
        page.screenshot(path=str(screenshots / f"{notebook.stem}.png"))
        page.close()
    assert notebook.read_bytes() == before, "the test changed the notebook on disk"
