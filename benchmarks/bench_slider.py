"""Slider step -> every output updated, in headless Chromium, against a bare HTML-label update.

Both pages are served the same way (standalone Voila, the project's voila.json).
One step = ArrowLeft on the Step 2 CK slider handle, timed from the keydown event
in the page (so the test driver's own latency is not counted). For the dashboard a step is
done when the reasons, the trend chart's mark, the matched-applicant chart's
line and (when an email is advised) the draft all show the new score; for the
baseline, when the label shows the new value. Prints median/p95 and appends JSON
to results/slider.json.

    .venv/bin/python benchmarks/bench_slider.py [--steps 60] [--no-save]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import stepguide as sg  # noqa: E402
from testing.voila import start_voila  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BASELINE = """import ipywidgets as w
s = w.IntSlider(value=248, min=1, max=300, description="Step 2 CK").add_class("sg-step2")
label = w.HTML("value 248").add_class("sg-label")
s.observe(lambda c: setattr(label, "value", f"value {c['new']}"), names="value")
w.VBox([s, label])"""

WAIT_LABEL = """(want) => new Promise((resolve) => {
  const check = () => {
    const el = document.querySelector('.sg-label');
    if (el && el.textContent.trim() === 'value ' + want) resolve(performance.now() - window.__t0);
    else requestAnimationFrame(check);
  };
  check();
})"""

WAIT_DASHBOARD = """([want, trend, email]) => new Promise((resolve) => {
  const meta = (css) => {
    const plot = document.querySelector(css + ' .js-plotly-plot');
    return plot && plot._fullLayout && plot._fullLayout.meta;
  };
  const check = () => {
    const why = document.querySelector('.sg-why');
    const draft = document.querySelector('.sg-email-draft');
    const m = meta('.sg-chart-matched'), c5 = meta('.sg-chart-c5');
    const ok = why && why.textContent.includes('Step 2 CK ' + want + ' ')
      && m && m.step2 === want && c5 && c5.highlight === trend
      && (!email || (draft && draft.textContent.includes(String(want))));
    if (ok) resolve(performance.now() - window.__t0);
    else requestAnimationFrame(check);
  };
  check();
})"""


def _steps(page, steps: int, start: int, expect) -> list[float]:
    handle = page.locator(".sg-step2 [role=slider]").first
    handle.focus()
    page.evaluate("() => document.addEventListener('keydown', () => { window.__t0 = performance.now(); }, true)")
    times = []
    for i in range(1, steps + 1):
        page.keyboard.press("ArrowLeft")
        times.append(page.evaluate(*expect(start - i)))
    return times


def measure(notebook: Path, ready: str, steps: int, expect) -> list[float]:
    server = start_voila(notebook)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url, wait_until="domcontentloaded")
            page.wait_for_selector(ready, timeout=60_000)
            page.wait_for_timeout(500)
            _steps(page, 5, 248, expect)  # warm-up
            times = _steps(page, steps, 243, expect)  # down through several trend buckets
            browser.close()
            return times
    finally:
        server.stop()


def dashboard_expectation(step2: int):
    a = sg.assess(step1=228, step2=step2, specialty="Internal Medicine", month="Oct")
    return WAIT_DASHBOARD, [step2, a.trend_label, a.template is not None]


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1),
            "max_ms": round(ordered[-1], 1), "n": len(ordered)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        base_path = Path(tmp) / "label.ipynb"
        nbformat.write(nb, base_path)
        baseline = summary(measure(base_path, ".sg-label", args.steps, lambda v: (WAIT_LABEL, v)))
    dashboard = summary(measure(ROOT / "notebooks" / "dashboard.ipynb", ".sg-chart-matched .main-svg",
                                args.steps, dashboard_expectation))
    ratio = round(dashboard["p95_ms"] / baseline["p95_ms"], 2)
    print(f"{'':24}{'median':>10}{'p95':>10}{'max':>10}")
    for name, s in (("bare HTML label", baseline), ("dashboard (all outputs)", dashboard)):
        print(f"{name:24}{s['median_ms']:>8} ms{s['p95_ms']:>8} ms{s['max_ms']:>8} ms")
    print(f"p95 ratio dashboard / label: {ratio}")
    if not args.no_save:
        out = ROOT / "benchmarks" / "results" / "slider.json"
        out.parent.mkdir(exist_ok=True)
        records = json.loads(out.read_text()) if out.exists() else []
        records.append({"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "baseline": baseline,
                        "dashboard": dashboard, "p95_ratio": ratio})
        out.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
