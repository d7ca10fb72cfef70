"""The page in a real browser: Debian's Chromium driven by Playwright for Python.

The server runs in a thread on a free loopback port. The test picks the V-2 chapter, waits
for the globe (a Cesium widget canvas, Natural Earth II tiles loaded from /cesium/) and the
charts, checks that the table shows the API's figures, moves a what-if control and sees the
figures change, and checks that every request the browser made went to 127.0.0.1.
Screenshots go to tests/artifacts/ (made at run time, ignored by git).

Skipped, with the reason, when Debian's chromium (``apt-get install chromium``), Playwright for
Python (``pip install playwright``; no ``playwright install``: the system browser is used) or
CesiumJS (``npm ci`` at the repository root) is missing.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from spacerace.web.app import find_cesium

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
V2 = "v2-london"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if find_cesium() is None:
        return "CesiumJS is missing: run `npm ci` at the repository root (node_modules/cesium)"
    return None


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]


def _artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# screenshots of tests/test_browser.py\n*\n")
    return ARTIFACTS


def _number(v: str) -> float | str | None:
    if not v:
        return None
    try:
        return float(v)
    except ValueError:  # an ISO time, such as the closest approach to the Moon
        return v


def _table(page) -> dict[str, tuple[float | str | None, str]]:
    """figure -> (raw value, text shown) of every simulated figure in the page's tables."""
    rows = page.eval_on_selector_all(
        "td.sim[data-figure]",
        "cells => cells.map(c => [c.dataset.figure, c.dataset.value, c.firstChild.textContent])")
    return {k: (_number(v), text) for k, v, text in rows}


def _wait_flight(page, before: int, timeout: float = 60_000) -> None:
    page.wait_for_function(f"() => window.spacerace && window.spacerace.flights > {before}",
                           timeout=timeout)


def _set_range(page, selector: str, value: float) -> None:
    page.eval_on_selector(selector, """(el, v) => { el.value = String(v);
        el.dispatchEvent(new Event('input', {bubbles: true})); }""", value)


def test_v2_chapter_in_chromium():
    from playwright.sync_api import sync_playwright

    from spacerace.web import background_server

    out = _artifacts()
    with background_server() as url, sync_playwright() as pw:
        origin = urlsplit(url)
        api = httpx.Client(base_url=url, timeout=30)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1000},
                                          service_workers="block")
            requests: list[str] = []
            context.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.goto(url)

            # pick the V-2 chapter on the timeline
            chapter = page.locator(f'.tl-chapter[data-chapter="{V2}"] .tl-label')
            chapter.wait_for(timeout=60_000)
            before = page.evaluate("() => window.spacerace.flights")
            chapter.click()
            _wait_flight(page, before)
            page.wait_for_function("() => window.spacerace.chapter === 'v2-london'")
            assert page.locator("#chapter-title").inner_text() == "The V-2 falls on London"

            # the globe: a Cesium widget canvas, drawn with its imagery tiles loaded
            t0 = time.perf_counter()
            page.wait_for_function("() => window.spacerace.globeReady", timeout=120_000)
            globe_s = time.perf_counter() - t0
            assert page.locator("#globe .cesium-widget canvas").count() == 1
            tiles = [u for u in requests if "/cesium/Assets/Textures/NaturalEarthII/" in u]
            assert any(u.endswith((".jpg", ".png")) for u in tiles), tiles

            # the charts are drawn
            for key in ("alt", "speed", "accel", "mach", "q"):
                drawn = page.locator(f'.chart[data-chart="{key}"]').get_attribute("data-drawn")
                assert int(drawn or 0) >= 1, key

            # the table shows the API's figures
            nominal = api.post("/api/fly", json={"mission": V2}).json()["figures"]
            shown = {k: v for k, v in _table(page).items() if v[0] is not None}
            assert shown, "no figures in the table"
            for key, (value, _) in shown.items():
                assert value == pytest.approx(nominal[key], rel=1e-12), key
            assert set(shown) == {k for k, v in nominal.items() if v is not None}
            assert shown["range_m"][1] == f"{nominal['range_m'] / 1e3:,.1f} km"

            # a documentary frame: paused near apogee
            if page.get_attribute("#play", "aria-label") == "Pause":
                page.click("#play")
            _set_range(page, "#slider", 150)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "v2-london.png"))

            # change a what-if control: the flight re-runs and the figures change
            before = page.evaluate("() => window.spacerace.flights")
            _set_range(page, "#wi-thrust_factor", 0.9)
            _wait_flight(page, before)
            page.wait_for_function(
                "() => Object.keys(window.spacerace.lastDoc.whatif.applied).length > 0")
            round_trip_ms = page.evaluate("() => window.spacerace.lastRoundTripMs")
            changed = _table(page)
            whatif = api.post("/api/fly", json={"mission": V2, "thrust_factor": 0.9}).json()
            assert changed["range_m"][0] == pytest.approx(whatif["figures"]["range_m"],
                                                          rel=1e-12)
            assert changed["range_m"][0] < shown["range_m"][0] - 10_000
            assert round_trip_ms < 1000, f"re-flight and redraw took {round_trip_ms:.0f} ms"
            page.wait_for_function("() => window.spacerace.globeReady", timeout=60_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(out / "v2-london-whatif.png"))
            links = page.eval_on_selector_all("#downloads a", "as => as.map(a => a.href)")
            assert len(links) == 4 and all("thrust_factor=0.9" in h for h in links)

            # a what-if that cannot fly: the server's message in the chapter, then gone again
            _set_range(page, "#wi-thrust_factor", 0.5)
            page.wait_for_function("() => !document.getElementById('flight-error').hidden",
                                   timeout=30_000)
            assert "cannot lift off" in page.locator("#flight-error").inner_text()
            before = page.evaluate("() => window.spacerace.flights")
            _set_range(page, "#wi-thrust_factor", 0.9)
            _wait_flight(page, before)
            assert page.locator("#flight-error").is_hidden()

            # every other chapter plays: its flight arrives, the globe draws it, the table fills
            keys = page.eval_on_selector_all(".tl-chapter", "cs => cs.map(c => c.dataset.chapter)")
            assert len(keys) >= 2
            for key in keys:
                if key == V2:
                    continue
                before = page.evaluate("() => window.spacerace.flights")
                # the button's own click handler (labels may overlap on a crowded timeline)
                page.locator(f'.tl-chapter[data-chapter="{key}"]').dispatch_event("click")
                _wait_flight(page, before, timeout=90_000)
                page.wait_for_function(f"() => window.spacerace.chapter === '{key}'")
                page.wait_for_function("() => window.spacerace.globeReady", timeout=120_000)
                assert _table(page), f"no figures shown for {key}"
                # flights to the Moon are drawn (and the camera held) in inertial axes
                inertial = page.evaluate("() => window.spacerace.inertial")
                assert inertial == (key in ("apollo-11", "luna-3")), key
                if key in ("sputnik-1", "apollo-11"):
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(out / f"{key}.png"))
            assert not errors, errors
        finally:
            browser.close()
            api.close()

    outside = []
    for u in requests:
        parts = urlsplit(u)
        if parts.scheme in ("data", "blob"):
            continue
        if parts.hostname != "127.0.0.1" or parts.port != origin.port:
            outside.append(u)
    assert requests and not outside, f"requests left the machine: {outside[:10]}"
    print(f"\nglobe ready in {globe_s:.1f} s; what-if re-flight and redraw "
          f"{round_trip_ms:.0f} ms; {len(requests)} requests, all to {origin.netloc}")
    assert math.isfinite(globe_s)
