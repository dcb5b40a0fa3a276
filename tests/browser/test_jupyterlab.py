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
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright
except ImportError:  # reported by the chromium fixture: a skip, or a failure in CI
    sync_playwright = PlaywrightTimeout = None

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

# The page, read in one round trip: for each cell in notebook order, its prompt, its tracebacks,
# its figures' widths and its rendered widget views (outputs of the cell itself, not the ones
# nested in an Output widget).
READ_CELLS = """traceback => [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')].map(c => {
  const area = c.querySelector('.jp-Cell-outputArea');
  const outputs = area ? [...area.querySelectorAll('.jp-OutputArea-output')] : [];
  return {
    prompt: c.querySelector('.jp-InputArea-prompt').textContent.trim(),
    errors: outputs.filter(o => o.dataset.mimeType === 'application/vnd.jupyter.stderr')
      .map(o => o.textContent).filter(t => new RegExp(traceback, 'm').test(t)),
    images: [...c.querySelectorAll('.jp-RenderedImage img')].map(i => i.complete && i.naturalWidth),
    widgets: outputs.filter(o => o.parentElement.closest('.jp-OutputArea') === area &&
                                 o.querySelector(':scope > .jupyter-widgets')).length,
  };
})"""

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
    """What each cell of the stored notebook promises: does it run, may it fail, how many
    figures and widget views does it show."""
    cells = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        outputs = cell.get("outputs", [])
        cells.append({
            "runs": cell["cell_type"] == "code" and "".join(cell["source"]).strip() != "",
            "may_fail": "raises-exception" in cell.get("metadata", {}).get("tags", []),
            "images": sum(any(m.startswith("image/") for m in o.get("data", {})) for o in outputs),
            "widgets": sum(WIDGET_MIME in o.get("data", {}) for o in outputs),
        })
    return cells


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        missing(CHROMIUM)
    if sync_playwright is None:
        missing("playwright (Python package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # One context for all pages: they share the HTTP cache, so JupyterLab's scripts load
        # once rather than once a notebook.
        yield browser.new_context(viewport={"width": 1280, "height": 1000})
        browser.close()


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """A JupyterLab server on loopback, its root the notebooks folder, its state in a temp dir.
    (It asks for chromium first, so that no server starts when the browser is missing.)"""
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
         # checkpoints (written when a notebook opens) go to the temp dir, not beside the course
         f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
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


def shut_down_kernels(url, token):
    """End the sessions (and kernels) a notebook page started, so that kernels do not pile up."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/sessions", headers=headers)) as r:
        sessions = json.load(r)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            f"{url}/api/sessions/{session['id']}", headers=headers, method="DELETE")).close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = os.environ.get("DLTUTOR_SCREENSHOTS")
    if not folder:
        return tmp_path_factory.mktemp("screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def menu(page, name, item):
    page.click(f".lm-MenuBar-itemLabel:text-is('{name}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def run_all_cells(page):
    """Clear the stored outputs (so that only what this run shows is checked), then
    Run > Run All Cells; the first run after a server start sometimes does nothing: retry."""
    prompts = "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-InputArea-prompt')]"
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"{prompts}.every(p => !/\\d/.test(p.textContent))", timeout=10_000)
    for _ in range(3):
        menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(f"{prompts}.some(p => p.textContent.trim() !== '[ ]:' "
                                   "&& p.textContent.trim() !== '')", timeout=10_000)
            return
        except PlaywrightTimeout:
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
        except PlaywrightTimeout:
            continue
    return None


# From a control change to the new picture (spec: median <= 150 ms, 95th percentile <= 400 ms).
LATENCY_MEDIAN_MS, LATENCY_P95_MS = 150, 400
LATENCIES = []  # (notebook, control, milliseconds) over the whole module, for the table


def _changed(page, area, before, timeout=10_000):
    page.wait_for_function(f"([a, b]) => ({SNAPSHOT})(a) !== b", arg=[area, before],
                           timeout=timeout, polling="raf")


def measure_controls(page, notebook):
    """Every slider (ArrowRight, or ArrowLeft at its maximum) and every dropdown (its next
    option) found on the page: the time from the change to a new picture or text beside it.
    Controls are discovered, not listed, so the measurement follows the notebooks as they change.
    Returns the names of controls that changed nothing."""
    dead = []
    handles = page.locator(".jupyter-widgets.widget-slider .noUi-handle")
    selects = page.locator(".jupyter-widgets.widget-dropdown select")
    controls = [("slider", handles.nth(i)) for i in range(handles.count())] + \
               [("dropdown", selects.nth(i)) for i in range(selects.count())]
    for kind, control in controls:
        area = control.evaluate_handle("h => h.closest('.jp-Cell-outputArea')")
        name = control.evaluate("h => { const w = h.closest('.jupyter-widgets.widget-inline-hbox');"
                                " const l = w && w.querySelector('.widget-label');"
                                " return l ? l.textContent.trim() : '?'; }")
        if control.evaluate("h => h.closest('.dltutor-playground') !== null"):
            continue  # the playground trains only on Play; it is tested headless
        control.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let an earlier redraw settle
        before = area.evaluate(SNAPSHOT)
        start = time.perf_counter()
        if kind == "slider":
            value = control.get_attribute("aria-valuenow")
            control.press("ArrowRight")
            if control.get_attribute("aria-valuenow") == value:  # already at its maximum
                start = time.perf_counter()
                control.press("ArrowLeft")
        else:
            options = control.evaluate("s => [...s.options].map(o => o.value)")
            current = control.evaluate("s => s.value")
            if len(options) < 2:
                continue
            start = time.perf_counter()
            control.select_option(options[(options.index(current) + 1) % len(options)])
        try:
            _changed(page, area, before)
            LATENCIES.append((notebook.stem, f"{kind} '{name}'", (time.perf_counter() - start) * 1000))
        except PlaywrightTimeout:
            dead.append(f"{kind} '{name}'")
    return dead


def latency_table():
    ms = sorted(t for _, _, t in LATENCIES)
    lines = [f"{'notebook':<32}{'control':<60}{'ms':>8}"]
    lines += [f"{nb:<32}{name[:58]:<60}{t:>8.0f}" for nb, name, t in LATENCIES]
    median, p95 = float(np.median(ms)), float(np.percentile(ms, 95))
    lines.append(f"{len(ms)} changes: median {median:.0f} ms, 95th percentile {p95:.0f} ms, "
                 f"range {ms[0]:.0f}-{ms[-1]:.0f} ms")
    return "\n".join(lines), median, p95


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_renders(notebook, lab, chromium, screenshots):
    url, token = lab
    cells = stored(notebook)
    before = notebook.read_bytes()
    page = chromium.new_page()
    try:
        page.goto(f"{url}/lab/tree/{notebook.name}?reset&token={token}")
        # Ready when every cell is on the page and the kernel is idle (the indicator alone
        # turns idle before the notebook's content has loaded).
        page.wait_for_function(
            """n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === n &&
                    document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']")""",
            arg=len(cells), timeout=60_000)
        run_all_cells(page)
        # Finished when every cell that runs shows a number, or when the kernel is idle after a
        # traceback (Run All stops at an error); then figures and widget views get a moment more.
        # A wait that times out is not an error here: the assertions below say what is missing.
        finished = f"""([cells, traceback]) => {{
            const seen = ({READ_CELLS})(traceback);
            const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
            return cells.every((c, i) => !c.runs || /^\\[\\d+\\]:$/.test(seen[i].prompt)) ||
                   (idle && seen.some((s, i) => s.errors.length && !cells[i].may_fail));
        }}"""
        rendered = f"""([cells, traceback]) => ({READ_CELLS})(traceback).every((s, i) =>
            s.images.filter(w => w > 0).length >= cells[i].images && s.widgets >= cells[i].widgets)"""
        for condition, seconds in ((finished, 180), (rendered, 30)):
            try:
                page.wait_for_function(condition, arg=[cells, TRACEBACK], timeout=seconds * 1000,
                                       polling=500)
            except PlaywrightTimeout:
                pass
        seen = page.evaluate(READ_CELLS, TRACEBACK)

        assert len(seen) == len(cells), "the page shows a different number of cells"
        errors = [f"cell {i}:\n{s['errors'][0][-1500:]}"
                  for i, (s, c) in enumerate(zip(seen, cells)) if s["errors"] and not c["may_fail"]]
        assert not errors, "\n".join(errors)
        numbers = [int(m.group(1)) for s, c in zip(seen, cells) if c["runs"]
                   for m in [re.match(r"\[(\d+)\]:$", s["prompt"])] if m]
        assert len(numbers) == sum(c["runs"] for c in cells), \
            f"unfinished cells; prompts: {[s['prompt'] for s in seen]}"
        assert numbers == sorted(set(numbers)), f"cells did not run once each, in order: {numbers}"
        for i, (s, c) in enumerate(zip(seen, cells)):
            assert all(s["images"]) and len(s["images"]) >= c["images"], \
                f"cell {i}: figures of widths {s['images']}, {c['images']} stored"
            assert s["widgets"] >= c["widgets"], \
                f"cell {i}: {s['widgets']} widget views rendered, {c['widgets']} stored"
        text = page.inner_text(".jp-NotebookPanel")
        for broken in ("Loading widget...", "Error displaying widget"):
            assert broken not in text

        if page.locator(".jupyter-widgets.widget-slider").count():
            assert move_a_slider(page) is not None, \
                "no slider changed a figure or text beside it (no round trip to the kernel)"
        dead = measure_controls(page, notebook)
        assert not dead, f"controls that changed no picture or text: {dead}"
        for img in page.query_selector_all(".dltutor-interactive img"):
            assert img.get_attribute("alt"), "a widget picture without alt text"
            natural, shown = img.evaluate("i => [i.naturalWidth / 2, i.getBoundingClientRect().width]")
            assert shown <= natural + 1, f"a widget picture stretched from {natural} to {shown} px"
        for handle in page.query_selector_all(".dltutor-interactive .noUi-handle"):
            assert handle.get_attribute("aria-label"), "a slider without an accessible name"
    finally:
        page.screenshot(path=str(screenshots / f"{notebook.stem}.png"))
        page.close()
        shut_down_kernels(url, token)
    # Autosave is off and nothing here saves: the course's notebooks must stay as they are.
    assert notebook.read_bytes() == before, "the notebook on disk changed while the test ran"


def test_control_latency():
    """Runs after the notebooks (it is defined last): the table of every control change."""
    if not LATENCIES:
        pytest.skip("no control was measured (the notebook tests did not run or found none)")
    # Reported, not asserted: a shared machine's speed is no property of the course (the
    # targets, LATENCY_MEDIAN_MS and LATENCY_P95_MS, are printed beside the measurement).
    table, median, p95 = latency_table()
    met = "met" if median <= LATENCY_MEDIAN_MS and p95 <= LATENCY_P95_MS else "NOT met"
    print(f"\n{table}\ntargets (median <= {LATENCY_MEDIAN_MS} ms, 95th percentile <= {LATENCY_P95_MS} ms): {met}")
