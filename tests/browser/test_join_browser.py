"""The workshop's projector page (issue 18): its QR code is centred and whole, on a projector and on a phone."""
from __future__ import annotations

from pathlib import Path

import pytest

from stepguide.serve.join import join_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720), (1024, 768), (390, 844)])
def test_the_qr_code_is_centred(browser, tmp_path: Path, width: int, height: int) -> None:
    page_file = tmp_path / "join.html"
    page_file.write_text(join_page("http://192.168.1.20:8866/", 60), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        left, right, view = page.evaluate(
            "(() => { const r = document.querySelector('svg').getBoundingClientRect();"
            " return [r.left, r.right, document.documentElement.clientWidth]; })()")
        assert abs((left + right) / 2 - view / 2) <= 1, (left, right, view)
        assert left >= 0 and right <= view and right - left >= min(width, height) * 0.5
    finally:
        context.close()
