"""The static edition (issue 10): the site ``make static`` builds, served on loopback, with the network shut.

Chromium resolves no host but 127.0.0.1 and every request to anything but the site's server is aborted
and recorded, so "nothing blocked" means nothing was attempted. Python runs in the page (Pyodide):
the dashboard must become interactive, a slider step must give the verdict ``sg.assess`` gives, the
console must stay free of errors, at a phone and a desktop width; the chapters must run and link to each
other; chapter 6 judges a class file in the page (no pandas there) to the table the Voila page shows.

Every page starts Python in the tab (~10 s of CPU on a quiet machine), so this file boots each page once and
runs several checks per boot (the desktop dashboard carries the situation link, the exports, the email, the
programs and the theme). One boot at a time: on 2 cores the boots are CPU-bound, so booting pages side by side
gains nothing and starves the suite's other worker (a Voila page there timed out; benchmarks/README.md).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import stepguide as sg
from conftest import CHROMIUM, CHROMIUM_ARGS
from dashboard_page import VIEWPORTS, wait_for_state
from program_pages import walk_case_book
from stepguide.cohort import read_cohort
from stepguide.rules.words import label
from stepguide.ui.cohort_html import rows_html
from stepguide.ui.pages.guide import CHAPTERS
from testing.static_site import BLOCK_OUTSIDE, BUILD, DASHBOARD, StaticServer, build_site

pytestmark = pytest.mark.browser

START: dict[str, Any] = {"step1": 228, "step2": 248, "specialty": "Internal Medicine", "month": "Oct"}
#: Warnings Voici 0.10's own front end prints on every page (its shared notebook model, and the widget
#: manager asking a kernel that does not answer the control comm before it falls back); anything else fails.
VOICI_OWN = ("[yjs#509] Not same Y.Doc", 'through the "jupyter.widget.control" comm channel')
BOOT = 120_000  # ms: a cold Pyodide start on a busy 2-core CI machine


def build_site_module() -> Any:
    """deploy/static/build_site.py as a module (for its constants)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_site", BUILD)
    assert spec is not None and spec.loader is not None, BUILD
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    out = build_site(tmp_path_factory.mktemp("static") / "_site")
    with StaticServer(out) as server:
        yield server


@pytest.fixture(scope="module")
def shut_browser(browser: Any) -> Iterator[Any]:
    """Chromium that can reach 127.0.0.1 and nothing else (launched by the session's Playwright)."""
    shut = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, BLOCK_OUTSIDE])
    try:
        yield shut
    finally:
        shut.close()


class Visit:
    """One browser context (fresh: empty cache and storage) with its tabs: what they logged, threw and tried to
    fetch from outside the site."""

    def __init__(self, browser: Any, server: StaticServer, size: str = "desktop") -> None:
        width, height = VIEWPORTS[size]
        phone = size == "phone"
        self.context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone,
                                           has_touch=phone)
        self.blocked: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []

        def route(request_route: Any) -> None:
            if request_route.request.url.startswith(server.url):
                request_route.continue_()
            else:
                self.blocked.append(request_route.request.url)
                request_route.abort()

        self.context.route("**/*", route)
        self.url = server.url
        self.page = self._new_page()

    def _new_page(self) -> Any:
        page = self.context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page

    def open(self, path: str) -> Any:
        """Go to ``path`` in the first tab (returns once the page has loaded; its kernel starts in the tab)."""
        self.page.goto(self.url + path)
        return self.page

    def tab(self, path: str) -> Any:
        """Open ``path`` in a new tab of the same context, so its Python starts beside the other tabs'."""
        page = self._new_page()
        page.goto(self.url + path)
        return page

    def problems(self) -> list[str]:
        """Console errors and warnings, less Voici's own two, and uncaught exceptions."""
        return [f"{kind}: {text}" for kind, text in self.console
                if kind in ("error", "warning") and not any(s in text for s in VOICI_OWN)] + self.errors

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(shut_browser: Any, site: StaticServer) -> Iterator[Any]:
    opened: list[Visit] = []

    def make(size: str = "desktop") -> Visit:
        opened.append(Visit(shut_browser, site, size))
        return opened[-1]

    yield make
    for v in opened:
        v.close()


SITUATION = "#step1_mode=Score&step1=250&step2=230&specialty=Internal%20Medicine&month=Oct"
START_LINK = "step1_mode=Score&step1=228&step2=248&specialty=Internal%20Medicine&month=Oct"


def interactive(page: Any) -> None:
    """The kernel has run the notebook and answered the page: main region, C5 chart drawn, situation link written."""
    page.locator(".sg-main[role=main]").wait_for(timeout=BOOT)
    page.locator(".sg-chart-c5 .js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=BOOT)
    page.wait_for_function("() => location.hash.includes('step2=') && location.hash.includes('month=Oct')")


def step2_left(page: Any, steps: int) -> None:
    """Move the Step 2 CK slider down ``steps`` points with the keyboard."""
    page.locator(".sg-step2 [role=slider]").focus()
    for _ in range(steps):
        page.keyboard.press("ArrowLeft")


def check_slider(page: Any) -> None:
    """From the example's situation, ten steps down the Step 2 CK slider give ``sg.assess``'s verdict and link."""
    wait_for_state(page, sg.assess(**START))
    step2_left(page, 10)
    lower = sg.assess(**{**START, "step2": 238})
    assert lower.trend != sg.assess(**START).trend
    wait_for_state(page, lower)
    page.wait_for_function("() => location.hash.includes('step2=238')")


def test_dashboard_runs_in_the_browser_alone_on_a_phone(visit, site: StaticServer) -> None:
    v = visit("phone")
    page = v.open(DASHBOARD + "#month=Oct")  # the page starts in today's month; the example's is October
    interactive(page)
    check_slider(page)
    assert v.blocked == [], "the page tried to reach outside the site"
    assert site.failed() == [], "the site is missing files the page asked for"
    assert v.problems() == []


def check_situation_link_and_plan(page: Any) -> None:
    """The link's situation is applied in the page, and the plan it exports (made in the page) says so."""
    drop = sg.assess(**{**START, "step1": 250, "step2": 230})
    wait_for_state(page, drop)
    with page.expect_download() as info:
        page.locator(".sg-export a").click()
    plan = Path(info.value.path()).read_text(encoding="utf-8")
    assert f"**Score trend:** {drop.trend_label} ({drop.delta:+d} points)" in plan


def check_email(page: Any) -> None:
    """The example's situation set through the address; the typed name reaches the email draft as text, and its
    download. The name is cleared again: it signs the program notes' drafts too, which check_programs reads."""
    from playwright.sync_api import expect

    page.evaluate(f"location.hash = '{START_LINK}'")
    first = sg.assess(**START)
    wait_for_state(page, first)
    page.locator(".sg-field-name input").fill("Jordan <b>Lee</b>")
    expected = sg.draft_email(first, name="Jordan <b>Lee</b>")
    draft = page.locator(".sg-email-draft")
    expect(draft).to_contain_text(f"Template {first.template}")
    expect(draft).to_contain_text("Jordan <b>Lee</b>")  # the typed name, as text
    with page.expect_download() as info:
        page.locator(".sg-download a").click()
    assert Path(info.value.path()).read_text(encoding="utf-8") == expected.as_text()
    page.locator(".sg-field-name input").fill("")
    expect(draft).not_to_contain_text("Jordan")


def check_programs(page: Any) -> None:
    """Issue 21, from the example's situation set through the address: the sample list becomes 12 cards that
    follow the slider (as do the verdict and the situation link); its CSV is made in the page's Python
    when clicked; then the program case book, as on the dashboard (program_pages.py): each of its 28 situations
    opened through the page's situation link with its cases' programs pasted, every card read back."""
    from playwright.sync_api import expect

    from stepguide.cohort.program_report import programs_csv
    from stepguide.rules.programs import plan_programs, sample_programs

    page.evaluate(f"location.hash = '{START_LINK}'")
    wait_for_state(page, sg.assess(**START))
    page.get_by_role("button", name=label("button", "programs_sample")).click()
    actions = page.locator(".sg-program-action strong")
    expect(actions).to_have_count(12, timeout=BOOT)
    expect(actions).to_have_text([p.action_label for p in plan_programs(sg.assess(**START), sample_programs())])
    step2_left(page, 30)
    lowest = sg.assess(**{**START, "step2": 218})
    wait_for_state(page, lowest)
    page.wait_for_function("() => location.hash.includes('step2=218')")
    expect(actions).to_have_text([p.action_label for p in plan_programs(lowest, sample_programs())])
    with page.expect_download() as saved:
        page.get_by_role("button", name=label("button", "programs_csv")).click()
    assert Path(saved.value.path()).read_bytes() == programs_csv(plan_programs(lowest, sample_programs()))
    assert walk_case_book(page, timeout=BOOT) == []
    # That much work keeps the in-browser kernel busy for seconds, and its control channel stops answering: the
    # "not answering" it may have shown meanwhile clears once the kernel answers (on the shell channel), and no
    # input stays inert.
    expect(page.locator(".sg-banner")).to_be_hidden(timeout=BOOT)
    expect(page.locator(".sg-main [inert]")).to_have_count(0)


def test_dashboard_runs_in_the_browser_alone_on_a_desktop(visit, site: StaticServer) -> None:
    """One boot, every check the dashboard's page offers offline: the situation link it was opened from, the plan's
    export, the email, the programs (issue 21) and the slider, and the theme."""
    v = visit("desktop")
    page = v.open(DASHBOARD + SITUATION)
    interactive(page)
    check_situation_link_and_plan(page)
    check_email(page)
    check_programs(page)  # its slider run checks the desktop's slider (the phone's test: check_slider)
    page.get_by_role("button", name="Dark theme").click()
    page.wait_for_function("() => document.documentElement.dataset.sgTheme === 'dark'")
    assert v.blocked == [], "the page tried to reach outside the site"
    assert site.failed() == [], "the site is missing files the page asked for"
    assert v.problems() == []


CLASS_FILE = ("Step 1;Step 2 CK;Specialty;Month;Stage;Credible reason\r\n245;233;IM;Oct;before invites;yes\r\n"
              "250;238;Internal Medicine;Dec;interviewed;no\r\nPass;;peds;Jan;before invites;no\r\n"
              "=cmd;230;IM;Oct;on hold;no\r\n228;248;IM;Oct;x;no;extra\r\n228;226;derm;Sep;;no\r\n").encode("utf-16")


def _cells(html: str) -> list[list[str]]:
    """The text of each cell of each row of an HTML table, as a browser's ``textContent`` gives it."""
    from html.parser import HTMLParser

    rows: list[list[str]] = []

    class Cells(HTMLParser):
        cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "tr":
                rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                rows[-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    Cells(convert_charrefs=True).feed(html)
    return rows


def test_front_page_chapters_and_links(visit, site: StaticServer) -> None:
    from playwright.sync_api import expect

    v = visit()
    page = v.open("")
    titles = [t.strip() for t in page.locator("ol a").all_inner_texts()]
    assert titles == ["Start here", *[title for _, title in CHAPTERS]]
    assert page.locator("a.open").get_attribute("href") == DASHBOARD

    page = v.open("voici/render/03_score_trends.html")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=BOOT)
    page.locator("a[href='00_start_here.html']").first.click()  # Voici writes markdown links as pages
    page.wait_for_url(re.compile(r"/voici/render/00_start_here\.html$"))
    page.locator("details:has(a.sg-link) > summary").first.click(timeout=BOOT)  # a FAQ answer, opened
    written = page.locator("a.sg-link[href$='.ipynb']:visible").first  # a link a widget wrote
    stem = written.get_attribute("href").removesuffix(".ipynb")
    written.click()
    page.wait_for_url(re.compile(rf"/voici/render/{stem}\.html$"))

    page = v.open("voici/render/06_for_advisers.html")  # a class file judged in the adviser's browser, offline
    page.locator(".sg-cohort-page input[type=file]").set_input_files(
        files=[{"name": "room.csv", "mimeType": "text/csv", "buffer": CLASS_FILE}], timeout=BOOT)
    status = page.locator(".sg-cohort-upload [role=status]")
    expect(status).to_have_text("room.csv: 6 rows, 3 judged, 3 to fix", timeout=BOOT)
    room = read_cohort(CLASS_FILE, name="room.csv")  # what the rules (and so the Voila page) make of the file
    shown = page.eval_on_selector_all(".sg-cohort-rows tr",
                                      "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert shown == _cells(rows_html(room))
    assert v.blocked == [] and site.failed() == [] and v.problems() == []


def test_a_page_opened_from_a_file_says_how_to_serve_the_site(browser: Any, site: StaticServer) -> None:
    """From file:// the kernel cannot start: a page goes to the front page, which says how to serve the folder
    (issue 18) instead of spinning."""
    page = browser.new_page()
    try:
        page.goto((site.root / "voici" / "render" / "dashboard.html").as_uri())
        page.wait_for_url(re.compile(r"^file://.*/index\.html$"))
        note = page.locator("#from-file")
        note.wait_for()
        assert all(command in note.inner_text() for command in build_site_module().SERVE.values())
    finally:
        page.close()


def test_the_site_carries_every_package_it_names(site: StaticServer) -> None:
    """The lock lists exactly the wheels beside it, closed under dependencies; the kernel asks no index."""
    pyodide = site.root / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    assert {p["file_name"] for p in lock.values()} == {w.name for w in pyodide.glob("*.whl")}
    assert all(dep in lock for p in lock.values() for dep in p["depends"])
    for p in lock.values():
        assert hashlib.sha256((pyodide / p["file_name"]).read_bytes()).hexdigest() == p["sha256"]
    config = json.loads((site.root / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js" and kernel["disablePyPIFallback"] is True
    assert all(name.replace("_", "-") in lock for name in kernel["loadPyodideOptions"]["packages"])
    assert "://" not in json.dumps(kernel)
    assert (site.root / "voila/templates/stepguide/static/plotly-basic.min.js").stat().st_size > 500_000
    total = sum(f.stat().st_size for f in site.root.rglob("*") if f.is_file())
    assert total <= build_site_module().SIZE_BUDGET_MIB * 2**20


def test_the_lock_covers_what_the_dashboard_imports(site: StaticServer) -> None:
    """Every module the dashboard imports (outside the standard library) comes from a wheel the site carries."""
    # The test extra's type checker (mypy and its mypy_extensions) is in this venv, not in Pyodide; psygnal
    # imports mypy_extensions only if it is there, so the probe hides the test extra as the site's runtime does.
    hide = ("import importlib.abc, sys\n"
            "class Hidden(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('mypy', 'mypy_extensions', 'ruff'):\n"
            "            raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, Hidden())\n")
    code = (hide + "from stepguide.ui.pages.dashboard import Dashboard\napp = Dashboard()\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names))))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    lock = json.loads((site.root / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    carried = {name for p in lock["packages"].values() for name in p["imports"]}
    # setuptools' start-up hook and psygnal's compiled helper exist only in the server's environment
    assert [m for m in imported if m not in carried and not m.startswith("_") and "__mypyc" not in m] == []
    assert not {"pandas", "numpy", "plotly", "voila"} & set(imported)


def test_every_other_page_runs(visit, site: StaticServer) -> None:
    """The chapters not driven above and the presenter view: each draws its first chart, with a clean console.
    One after another, each tab closed after its check: six Pyodide boots at once took as long on 2 cores and
    starved the suite's other worker (a Voila page there timed out in CI)."""
    v = visit()
    stems = ("01_risk_by_profile", "02_timing", "04_to_email_or_not", "05_after_a_drop", "07_my_programs", "presenter")
    for stem in stems:
        page = v.tab(f"voici/render/{stem}.html")
        page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=BOOT)
        assert page.locator(".sg-banner:visible").count() == 0, stem  # no false "lost connection"
        page.close()
    assert v.blocked == [] and site.failed() == [] and v.problems() == []


def test_make_static_serve_serves_the_site_on_loopback(site: StaticServer) -> None:
    """README's second command: the built folder on 127.0.0.1, WebAssembly with its MIME type."""
    import urllib.request

    from testing.voila import free_port

    port = free_port()
    server = subprocess.Popen(["make", "-s", "static-serve", f"SITE={site.root}", f"PORT={port}"],
                              cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                front = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.communicate()[0].decode()[-2000:]) from None
                time.sleep(0.2)  # polling for the server to listen
        assert "Open the dashboard" in front
        wasm = urllib.request.urlopen(url + "static/pyodide/pyodide.asm.wasm", timeout=10)
        assert wasm.headers["Content-Type"] == "application/wasm"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
