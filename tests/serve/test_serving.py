"""Serving the dashboard with standalone Voila: no kernel leaks, idle culling, no tracebacks, lean pages.

Every test drives a real ``python -m voila`` (started from the repository root,
so the project's ``voila.json`` is in force) with headless Chromium. The
notebooks are tiny placeholders generated in a temp dir.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from testing.voila import load_voila_config

pytestmark = pytest.mark.browser

N_PAGES = 5
WIDGET_CELLS = ["import ipywidgets as w\nw.IntSlider(description='score')"]
SHUTDOWN_403 = re.compile(r"403 POST /voila/api/shutdown/")
CONFIG = load_voila_config()


@pytest.fixture(scope="module")
def widget_notebook(make_notebook):
    return make_notebook(WIDGET_CELLS, name="widgets")


@pytest.fixture(scope="module")
def server(voila_server, widget_notebook):
    return voila_server(widget_notebook)


def _open(page, server) -> str:
    """Load the dashboard, wait until its widget is on screen, and return the page's kernel id."""
    page.goto(server.url)
    page.locator(".widget-slider").first.wait_for(state="visible")
    kernel_id = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )
    assert kernel_id in server.kernel_processes(), "the page's kernel is not running"
    return kernel_id


def _wait_gone(server, kernel_id: str, timeout: float = 20.0) -> bool:
    """True once the kernel's process has exited and Voila answers 404 for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if kernel_id not in server.kernel_processes() and server.kernel_model(kernel_id) is None:
            return True
        time.sleep(0.2)
    return False


def _tail(server, n: int = 3000) -> str:
    return server.log_text()[-n:]


def test_closing_pages_returns_to_pool_size(server, browser):
    """Open and leave the page N times. Each page's kernel must be shut down, and
    the server must return to exactly ``pool_size`` kernels each time."""
    pool = server.pool_size
    assert pool >= 1, "voila.json should preheat at least one kernel"
    assert server.wait_for_kernel_count(pool) == pool

    context = browser.new_context()
    # Ways a student leaves the page. Each one fires beforeunload, which sends the shutdown beacon.
    ways = ["close tab", "navigate away", "reload", "close tab", "close tab"][:N_PAGES]
    counts = []
    try:
        for i, how in enumerate(ways):
            page = context.new_page()
            kernel_id = _open(page, server)
            if how == "reload":
                page.reload()
                page.locator(".widget-slider").first.wait_for(state="visible")
                assert _wait_gone(server, kernel_id), f"reload leaked kernel {kernel_id}\n{_tail(server)}"
                kernel_id = page.evaluate(
                    "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
                )
                how = "close tab after reload"
            if how == "navigate away":
                page.goto("about:blank")
            page.close(run_before_unload=True)
            assert _wait_gone(server, kernel_id), (
                f"page {i} ({how}) leaked kernel {kernel_id}\n{_tail(server)}"
            )
            counts.append(server.wait_for_kernel_count(pool, timeout=60))
    finally:
        context.close()

    assert counts == [pool] * len(ways), f"kernel count after each page: {counts}, expected {pool}"
    assert not SHUTDOWN_403.search(server.log_text()), "a shutdown beacon was rejected"


def test_upstream_default_still_leaks(voila_server, widget_notebook, browser):
    """Control: with Voila's stock lab template the beacon is rejected (voila#1458).

    This shows the leak test above can detect a leak. If this test starts failing after a Voila upgrade,
    upstream has fixed the bug, and our template's ``_xsrf`` cookie script can be dropped.
    """
    stock = voila_server(widget_notebook, "--VoilaConfiguration.template=lab")
    context = browser.new_context()
    try:
        page = context.new_page()
        kernel_id = _open(page, stock)
        assert "_xsrf" not in {c["name"] for c in context.cookies()}
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 15
        while not SHUTDOWN_403.search(stock.log_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        context.close()
    assert SHUTDOWN_403.search(stock.log_text()), f"expected the upstream 403\n{_tail(stock)}"
    assert kernel_id in stock.kernel_processes(), "expected the upstream leak"


def test_page_sets_xsrf_cookie(server, page):
    _open(page, server)
    assert "_xsrf" in {c["name"] for c in page.context.cookies()}


def test_culling_settings_are_loaded(server):
    """voila.json culls kernels idle for 10 minutes, and the running Voila reports using that setting."""
    mkm = CONFIG["MappingKernelManager"]
    assert 300 <= mkm["cull_idle_timeout"] <= 1800
    assert 0 < mkm["cull_interval"] <= 120
    assert mkm["cull_connected"] is False  # an open tab keeps its kernel however long the student reads
    assert mkm["cull_busy"] is False
    expected = (
        f"Culling kernels with idle durations > {mkm['cull_idle_timeout']} seconds "
        f"at {mkm['cull_interval']} second intervals"
    )
    assert expected in server.log_text()


def test_culling_reaps_abandoned_kernels_only(voila_server, widget_notebook, browser):
    """A tab that vanished without its beacon (crash, lost network) is culled. An
    open tab and the preheated pool are not."""
    fast = voila_server(
        widget_notebook,
        "--MappingKernelManager.cull_idle_timeout=3",
        "--MappingKernelManager.cull_interval=1",
    )
    context = browser.new_context()
    try:
        kept = context.new_page()
        kept_id = _open(kept, fast)
        lost = context.new_page()
        lost_id = _open(lost, fast)
        lost.close(run_before_unload=False)  # no beforeunload and no beacon: only the culler can free it
        assert _wait_gone(fast, lost_id, timeout=30), f"abandoned kernel not culled\n{_tail(fast)}"
        assert re.search(rf"Culling '\w+' kernel '[^']*' \({lost_id}\)", fast.log_text())

        assert fast.wait_for_kernel_count(1 + fast.pool_size, timeout=60) == 1 + fast.pool_size
        pooled = set(fast.kernel_processes()) - {kept_id}
        time.sleep(3 + 2 * 1 + 1)  # more than one idle timeout plus two cull intervals
        alive = set(fast.kernel_processes())
        assert kept_id in alive, "a connected (open) page's kernel was culled"
        assert pooled <= alive, "a preheated pool kernel was culled"
        kept.close(run_before_unload=True)
        assert _wait_gone(fast, kept_id)
    finally:
        context.close()


def test_cell_error_shows_short_message_not_traceback(voila_server, make_notebook, page):
    nb = make_notebook(
        [
            "print('first cell ran')",
            "def secret_helper():\n    return 1 / 0\n\nsecret_helper()",
            "print('third cell')",
        ],
        name="raises",
    )
    server = voila_server(nb)
    page.goto(server.url)
    page.locator("#rendered_cells").wait_for(state="visible")
    text = page.inner_text("body")
    html = page.content()

    assert "first cell ran" in text
    assert CONFIG["VoilaExecutor"]["cell_error_instruction"] in text
    for leaked in ("Traceback", "ZeroDivisionError", "division by zero", "secret_helper", "1 / 0", 'File "'):
        assert leaked not in html, f"{leaked!r} reached the page"
    assert "third cell" not in text  # execution stops at the failing cell


def _extension_of(url: str) -> str | None:
    m = re.search(r"/voila/labextensions/((?:@[^/]+/)?[^/]+)/", url)
    return m.group(1) if m else None


def test_only_allowed_extensions_are_loaded(server, page):
    from jupyterlab_server.config import get_federated_extensions
    from voila.utils import get_voila_labextensions_path

    allowed = set(CONFIG["VoilaConfiguration"]["extension_allowlist"])
    installed = set(get_federated_extensions(get_voila_labextensions_path()))
    denied = installed - allowed

    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    _open(page, server)
    page.wait_for_load_state("networkidle")

    page_config = json.loads(page.locator("#jupyter-config-data").text_content())
    assert {e["name"] for e in page_config["federated_extensions"]} == allowed & installed
    fetched = {name for name in map(_extension_of, urls) if name}
    assert fetched == allowed & installed, f"extension bundles fetched: {sorted(fetched)}"
    assert not fetched & denied


def test_kernel_memory_per_user_under_100_mib(voila_server, make_notebook, page):
    """A visitor's kernel, running a notebook that uses pandas and ipywidgets, stays at or under 100 MiB RSS."""
    nb = make_notebook(
        ["import pandas as pd\nimport ipywidgets as w\n"
         "df = pd.DataFrame({'score': range(200, 280)})\n"
         "w.IntSlider(value=int(df.score.median()), min=200, max=280)"],
        name="pandas_widgets",
    )
    server = voila_server(nb)
    kernel_id = _open(page, server)
    rss_mib = server.kernel_processes()[kernel_id].memory_info().rss / 2**20
    assert rss_mib <= 100, f"kernel RSS {rss_mib:.1f} MiB"


def test_widget_callback_error_is_one_line(voila_server, make_notebook, page):
    """Voila strips errors from cell outputs only. An exception in an ``interact``
    callback lands in widget state, so the lean kernel's ``xmode=Minimal`` must keep it to one line."""
    nb = make_notebook(
        ["from ipywidgets import interact\n\ndef secret_helper(x):\n    return 1 / x\n\n"
         "_ = interact(secret_helper, x=[0, 1])"],
        name="callback_error",
    )
    server = voila_server(nb)
    page.goto(server.url)
    page.locator(".widget-dropdown").wait_for(state="visible")
    page.get_by_text("ZeroDivisionError").first.wait_for()
    text = page.inner_text("body")
    for leaked in ("Traceback", "secret_helper", "site-packages", "1 / x"):
        assert leaked not in text, f"{leaked!r} reached the page"
