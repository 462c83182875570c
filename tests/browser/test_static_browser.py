"""The static edition (issue 10): the site ``make static`` builds, served on loopback, with the network shut.

Chromium resolves no host but 127.0.0.1 and every request to anything but the site's server is aborted
and recorded, so "nothing blocked" means nothing was attempted. Python runs in the page (Pyodide):
the dashboard must become interactive, a slider step must give the verdict ``sg.assess`` gives, the
console must stay free of errors, at a phone and a desktop width; the chapters must run and link to each
other; chapter 6 says that judging a class file needs the full guide instead of offering a broken upload.
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
from stepguide.rules.words import label
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
    """One page in a fresh context: what it logged, threw and tried to fetch from outside the site."""

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
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.url = server.url

    def open(self, path: str) -> Any:
        self.page.goto(self.url + path)
        return self.page

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


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_dashboard_runs_in_the_browser_alone(visit, site: StaticServer, size: str) -> None:
    v = visit(size)
    page = v.open(DASHBOARD + "#month=Oct")  # the page starts in today's month; the example's is October
    page.locator(".sg-main[role=main]").wait_for(timeout=BOOT)
    page.locator(".sg-chart-c5 .js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=BOOT)
    page.wait_for_function("() => location.hash.includes('step2=') && location.hash.includes('month=Oct')")
    wait_for_state(page, sg.assess(**START))

    handle = page.locator(".sg-step2 [role=slider]")
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    lower = sg.assess(**{**START, "step2": 238})
    assert lower.trend != sg.assess(**START).trend
    wait_for_state(page, lower)
    page.wait_for_function("() => location.hash.includes('step2=238')")

    assert v.blocked == [], "the page tried to reach outside the site"
    assert site.failed() == [], "the site is missing files the page asked for"
    assert v.problems() == []


def test_situation_link_email_export_and_theme_work_offline(visit) -> None:
    from playwright.sync_api import expect

    v = visit()
    page = v.open(f"{DASHBOARD}#step1_mode=Score&step1=250&step2=230&specialty=Internal%20Medicine&month=Oct")
    page.locator(".sg-main[role=main]").wait_for(timeout=BOOT)
    drop = sg.assess(**{**START, "step1": 250, "step2": 230})
    wait_for_state(page, drop)  # the link's situation, applied in the page
    with page.expect_download() as info:
        page.locator(".sg-export a").click()
    plan = Path(info.value.path()).read_text(encoding="utf-8")
    assert f"**Score trend:** {drop.trend_label} ({drop.delta:+d} points)" in plan

    page.evaluate("location.hash = 'step1_mode=Score&step1=228&step2=248&specialty=Internal%20Medicine&month=Oct'")
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

    page.get_by_role("button", name="Dark theme").click()
    page.wait_for_function("() => document.documentElement.dataset.sgTheme === 'dark'")
    assert v.blocked == [] and v.problems() == []


def test_front_page_chapters_and_links(visit, site: StaticServer) -> None:
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

    page = v.open("voici/render/06_for_advisers.html")
    note = page.locator("[role=note]", has_text=label("message", "cohort_unavailable")[:40])
    note.first.wait_for(timeout=BOOT)
    assert page.locator("input[type=file]").count() == 0  # no upload that could not work
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


def test_my_programs_plans_the_sample_in_the_browser_alone(visit, site: StaticServer) -> None:
    """Issue 21 in the static edition: the sample list becomes 12 cards that follow the slider, offline."""
    from playwright.sync_api import expect

    from stepguide.cohort.program_report import programs_csv
    from stepguide.rules.programs import plan_programs, sample_programs

    v = visit()
    page = v.open(DASHBOARD + "#month=Oct")
    page.locator(".sg-chart-c5 .js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=BOOT)
    page.wait_for_function("() => location.hash.includes('month=Oct')")
    wait_for_state(page, sg.assess(**START))
    page.get_by_role("button", name=label("button", "programs_sample")).click()
    actions = page.locator(".sg-program-action strong")
    expect(actions).to_have_count(12, timeout=BOOT)
    expect(actions).to_have_text([p.action_label for p in plan_programs(sg.assess(**START), sample_programs())])
    handle = page.locator(".sg-step2 [role=slider]")
    handle.focus()
    for _ in range(30):
        page.keyboard.press("ArrowLeft")
    lower = sg.assess(**{**START, "step2": 218})
    wait_for_state(page, lower)
    expect(actions).to_have_text([p.action_label for p in plan_programs(lower, sample_programs())])
    with page.expect_download() as saved:  # the file is made in the page's Python when clicked
        page.get_by_role("button", name=label("button", "programs_csv")).click()
    assert Path(saved.value.path()).read_bytes() == programs_csv(plan_programs(lower, sample_programs()))

    # The program case book, as on the dashboard (program_pages.py): each of its 28 situations opened through the
    # page's situation link with its cases' programs pasted, every card read back.
    assert walk_case_book(page, timeout=BOOT) == []
    assert v.blocked == [] and site.failed() == [] and v.problems() == []


def test_every_other_page_runs(visit, site: StaticServer) -> None:
    """The chapters not driven above and the presenter view: each draws its first chart, with a clean console."""
    v = visit()
    for stem in ("01_risk_by_profile", "02_timing", "04_to_email_or_not", "05_after_a_drop", "07_my_programs",
                 "presenter"):
        page = v.open(f"voici/render/{stem}.html")
        page.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=BOOT)
        assert page.locator(".sg-banner:visible").count() == 0, stem  # no false "lost connection"
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
