"""The page in a real browser: Debian's Chromium driven by Playwright for Python.

The server runs in a thread on a free loopback port, one for the module. The first test picks
the V-2 chapter, waits for the globe (a Cesium widget canvas, Natural Earth II tiles loaded
from /cesium/) and the charts, checks that the table shows the API's figures, moves a what-if
control and sees the figures change, and checks that every request the browser made went to
127.0.0.1; on the same page it drags the globe and sees the camera move, and, when the
chapters play, checks Apollo 11 against its flight evaluation report (max-Q 35 kPa, FER506)
and against the Moon's own speed. Others lay the page out at a desktop's, a projector's and a
phone's size and look for the chapter's account, table, what-if controls and downloads.
Screenshots go to tests/artifacts/ (made at run time, ignored by git).

WebGL is drawn in software either way: by Mesa's llvmpipe through ANGLE on EGL where Mesa's EGL
is installed (as with Debian's chromium and its dependencies), two to three times faster on two
cores than Chromium's own SwiftShader, which is used where it is not. A page is paused once its
figures are checked, so that it draws no frames while the server flies the next chapter.

Skipped, with the reason, when Debian's chromium (``apt-get install chromium``), Playwright for
Python (``pip install playwright``; no ``playwright install``: the system browser is used) or
CesiumJS (``npm ci`` at the repository root) is missing.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from spacerace.web.app import find_cesium

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
MESA = ["--use-angle=gl-egl", "--ignore-gpu-blocklist"]  # WebGL by Mesa's llvmpipe
SWIFTSHADER = ["--disable-gpu"]  # WebGL by Chromium's SwiftShader
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


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from spacerace.web import background_server

    with background_server() as url:
        with httpx.Client(base_url=url, timeout=180) as api:  # waits for the kernel to compile
            assert api.post("/api/fly", json={"mission": V2}).status_code == 200
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def chromium(playwright) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS + MESA)
    if not _has_webgl(browser):  # no Mesa EGL here: Chromium's own software WebGL
        browser.close()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=ARGS + SWIFTSHADER)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def swiftshader(playwright) -> Iterator[Any]:
    """Chromium with its own software WebGL: its MediaRecorder records the canvas (through
    Mesa's EGL in headless Chromium it records nothing)."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS + SWIFTSHADER)
    try:
        yield browser
    finally:
        browser.close()


def _has_webgl(browser: Any) -> bool:
    """Whether a page of ``browser`` gets a WebGL 2 context."""
    page = browser.new_page()
    try:
        return bool(page.evaluate("() => !!document.createElement('canvas').getContext('webgl2')"))
    finally:
        page.close()


def test_v2_chapter_in_chromium(server, chromium):
    out = _artifacts()
    url, browser = server, chromium
    origin = urlsplit(url)
    api = httpx.Client(base_url=url, timeout=30)
    try:
        # a projector's size: the layout at the others is checked below, and every frame
        # drawn in software here costs in proportion to its pixels
        context = browser.new_context(viewport={"width": 1024, "height": 768},
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
        # every figure once: a value kept under two names (cut-off time, burnout time) once
        values = {(k.rsplit("_", 1)[-1], v) for k, v in nominal.items() if v is not None}
        assert {(k.rsplit("_", 1)[-1], nominal[k]) for k in shown} == values
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
        assert round_trip_ms > 0  # timed in benchmarks/bench_web.py, not here (shared machine)
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

        # the globe takes the mouse: a drag and the wheel move the camera
        _drag_the_globe(page)

        # every other chapter plays: its flight arrives, the globe draws it, the table fills
        keys = page.eval_on_selector_all(".tl-chapter", "cs => cs.map(c => c.dataset.chapter)")
        assert len(keys) >= 2 and "apollo-11" in keys
        for key in keys:
            if key == V2:
                continue
            before = page.evaluate("() => window.spacerace.flights")
            # the button's own click handler (labels may overlap on a crowded timeline)
            page.locator(f'.tl-chapter[data-chapter="{key}"]').dispatch_event("click")
            _wait_flight(page, before, timeout=90_000)
            page.wait_for_function(f"() => window.spacerace.chapter === '{key}'")
            assert _table(page), f"no figures shown for {key}"
            # flights to the Moon are drawn (and the camera held) in inertial axes
            inertial = page.evaluate("() => window.spacerace.inertial")
            assert inertial == (key in ("apollo-11", "luna-3")), key
            page.evaluate("() => window.spacerace.pause()")  # no frames while the next flies
            if key in ("sputnik-1", "apollo-11"):
                page.wait_for_function("() => window.spacerace.globeReady", timeout=120_000)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out / f"{key}.png"))
            if key == "apollo-11":
                _apollo_11_to_the_moon(page, api)
        assert not errors, errors
    finally:
        context.close()
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


def _drag_the_globe(page) -> None:
    """Drag the globe's centre to the lower left and turn the wheel: the camera moves."""
    page.evaluate("() => window.spacerace.pause()")
    box = page.locator("#globe").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = page.evaluate("() => window.spacerace.camera()")
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x - 25 * i, y + 8 * i)
    page.mouse.up()
    page.mouse.wheel(0, -600)
    page.wait_for_timeout(500)
    after = page.evaluate("() => window.spacerace.camera()")
    moved = math.dist(before, after)
    assert moved > 10_000, f"the camera moved {moved:.0f} m"


def _apollo_11_to_the_moon(page, api: httpx.Client) -> None:
    """Apollo 11's chapter, flown: max-Q against FER506 and the speed near the Moon."""
    doc = page.evaluate("() => window.spacerace.lastDoc")
    # max-Q: FER506 Table 4-1 gives 35.4 kPa (the figure and the charts' ascent samples)
    q_kpa = page.evaluate("""() => { const q = window.spacerace.lastDoc.trajectory.q_pa;
        return Math.max(...q) / 1000; }""")
    assert 30 <= q_kpa <= 40, q_kpa
    assert 30e3 <= doc["figures"]["max_dynamic_pressure_pa"] <= 40e3
    shown = _table(page)["max_dynamic_pressure_pa"][1]
    assert 30 <= float(shown.split()[0]) <= 40, shown
    # near the Moon the speed shown is the inertial one: the Moon itself moves ~1 km/s
    # about the Earth, and a craft passing it at ~2.4 km/s relative to it is at 1-2.5 km/s
    ca = next(e for e in doc["events"] if e["name"] == "closest approach to the Moon")
    page.evaluate(f"() => window.spacerace.seek({ca['t_s']})")
    readout = page.inner_text("#ov-readout")
    speed = float(readout.split("speed (inertial)")[1].split("m/s")[0].replace(",", ""))
    assert 1000 <= speed <= 2500, readout
    # no closest approach to the Moon in the parking orbit
    passes = [e for e in doc["events"] if e["name"] == "closest approach to the Moon"]
    assert len(passes) == 1 and passes[0]["t_s"] > 86400, passes
    page.wait_for_function("() => window.spacerace.globeReady", timeout=60_000)
    page.screenshot(path=str(_artifacts() / "apollo-11-moon.png"))
    # 1 % more thrust: the what-if flies the whole coast under the mission's time limit
    whatif = api.post("/api/fly", json={"mission": "apollo-11", "thrust_factor": 1.01},
                      timeout=120)
    assert whatif.status_code == 200, whatif.text
    w = whatif.json()
    assert w["trajectory"]["t_s"][-1] == pytest.approx(doc["trajectory"]["t_s"][-1])
    assert w["figures"]["moon_closest_approach_m"] < 66_000e3  # inside the Moon's sphere
    # phases told apart: no colour used twice
    colours = [p["color"] for p in doc["phases"]]
    assert len(set(colours)) == len(colours), colours


# --- layout at four sizes --------------------------------------------------------------------

SIZES = {"desktop": (1600, 1000), "projector": (1024, 768), "phone": (390, 844),
         "short": (800, 450)}  # a phone held sideways, a small window

# Where an element is and whether it is the one seen at its centre (nothing drawn over it);
# for one taller than the screen, at the centre of the part on the screen.
_BOX = """sel => { const e = document.querySelector(sel); e.scrollIntoView({block: 'center'});
  const r = e.getBoundingClientRect();
  const y0 = Math.max(r.top, 0), y1 = Math.min(r.bottom, window.innerHeight);
  const top = document.elementFromPoint(r.left + r.width / 2, y0 + Math.min((y1 - y0) / 2, 40));
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
          height: r.height, seen: !!top && (e === top || e.contains(top))}; }"""


def _open(browser: Any, url: str, size: tuple[int, int], chapter: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  service_workers="block")
    page = context.new_page()
    page.goto(f"{url}#{chapter}")
    page.wait_for_function(f"() => window.spacerace && window.spacerace.flights > 0 "
                           f"&& window.spacerace.chapter === '{chapter}'", timeout=60_000)
    page.evaluate("() => window.spacerace.pause()")  # a still frame: software WebGL is slow
    return context, page


@pytest.mark.parametrize("name", list(SIZES))
def test_layout_at_four_sizes(server, chromium, name):
    width, height = SIZES[name]
    context, page = _open(chromium, server, (width, height), "r7-icbm")
    try:
        page.wait_for_timeout(500)
        page.screenshot(path=str(_artifacts() / f"layout-{name}.png"))
        # nothing wider than the screen
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        # the globe's centre is the globe's canvas (no element over it takes the mouse)
        hit = page.evaluate("""() => { const g = document.getElementById('globe')
            .getBoundingClientRect(); const e = document.elementFromPoint(
            g.left + g.width / 2, g.top + g.height / 2); return e && e.tagName; }""")
        assert hit == "CANVAS"
        # the account: at least 300 px wide (70 % of a phone) and 150 px tall, uncovered
        account = page.evaluate(_BOX, "#chapter-account")
        assert account["width"] >= min(300, 0.7 * width) and account["height"] >= 150, account
        assert account["seen"], account
        page.screenshot(path=str(_artifacts() / f"layout-{name}-account.png"))
        # the figures table fits its panel; what-if controls and downloads can be reached
        panel = page.evaluate(_BOX, "#panel")
        table = page.evaluate(_BOX, "#figures")
        assert table["right"] <= panel["right"] + 1 and table["left"] >= panel["left"] - 1
        assert page.evaluate("""() => [...document.querySelectorAll('#figures .verdict')]
            .every(v => { const r = v.getBoundingClientRect(), p = document.getElementById('panel')
            .getBoundingClientRect(); return r.width > 0 && r.right <= p.right + 1; })""")
        for sel in ("#wi-thrust_factor", "#downloads a", "#camera", "#events", "#tool-present",
                    "#tool-still", "#tool-record", "#play"):
            box = page.evaluate(_BOX, sel)
            assert box["seen"] and box["width"] > 0 and 0 <= box["top"] < height, (sel, box)
        # every chapter of the timeline takes a real click (a tap on a phone)
        before = page.evaluate("() => window.spacerace.flights")
        target = page.locator('.tl-chapter[data-chapter="sputnik-1"] .tl-label')
        target.scroll_into_view_if_needed()
        target.click()
        _wait_flight(page, before)
        assert page.evaluate("() => window.spacerace.chapter") == "sputnik-1"
        page.evaluate("() => window.spacerace.pause()")
        page.screenshot(path=str(_artifacts() / f"layout-{name}-sputnik.png"))
    finally:
        context.close()


# --- cameras, the address, present mode, the tour, stills (issue 15) -------------------------

def _next_frame(page) -> None:
    """Return once the page has begun two animation frames: the globe's render loop has run
    at least once since (a fixed wait may end before it on a loaded machine)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _ready(page, timeout: float = 120_000) -> None:
    page.wait_for_function("() => window.spacerace && window.spacerace.ready", timeout=timeout)


def test_link_reopens_the_same_view(server, chromium):
    """The address keeps chapter, time and camera: opened elsewhere, it shows the same shot.
    At a device pixel ratio of 2 the globe is drawn at every device pixel."""
    context = chromium.new_context(viewport={"width": 480, "height": 320},
                                   device_scale_factor=2, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}#sputnik-1")
        _ready(page)
        page.evaluate("() => window.spacerace.pause()")
        size = page.evaluate("""() => { const c = document.querySelector('#globe canvas');
            return [c.width, c.height, c.clientWidth, c.clientHeight]; }""")
        assert abs(size[0] - 2 * size[2]) <= 2 and abs(size[1] - 2 * size[3]) <= 2, size
        # the chapter offers the whole orbit; the V-2's does not
        cams = page.eval_on_selector_all("#camera option", "os => os.map(o => o.value)")
        assert cams == ["overview", "follow", "side", "site", "orbit"], cams
        page.select_option("#camera", "follow")
        page.evaluate("() => window.spacerace.seek(1500)")
        page.wait_for_timeout(300)
        _next_frame(page)  # the follow camera moves with the vehicle in the frame after a seek
        view = page.evaluate("() => window.spacerace.view()")
        assert view["camera"] == "follow" and view["t"] == pytest.approx(1500)
        assert "t=1500.0" in view["hash"] and "camera=follow" in view["hash"]
        where = page.evaluate("() => window.spacerace.camera()")
        link = page.url

        again = context.new_page()
        again.goto(link)
        _ready(again)
        again.wait_for_timeout(300)
        _next_frame(again)
        seen = again.evaluate("() => window.spacerace.view()")
        assert (seen["chapter"], seen["camera"]) == ("sputnik-1", "follow")
        assert seen["t"] == pytest.approx(1500, abs=0.05)
        assert math.dist(where, again.evaluate("() => window.spacerace.camera()")) < 1000
        # the event list jumps the clock to an event
        again.select_option("#events", index=2)
        t = again.evaluate("() => window.spacerace.view().t")
        names = again.evaluate("() => window.spacerace.lastDoc.events.map(e => e.t_s)")
        assert t == pytest.approx(names[1], abs=0.05)
        # an address typed into the bar (or Back) changes the view, a what-if included
        before = again.evaluate("() => window.spacerace.flights")
        again.evaluate("() => { location.hash = '#v2-london&t=100&thrust_factor=0.9'; }")
        again.wait_for_function(f"() => window.spacerace.chapter === 'v2-london' && "
                                f"window.spacerace.flights >= {before + 2}", timeout=60_000)
        assert again.evaluate("() => window.spacerace.lastDoc.whatif.applied") \
            == {"thrust_factor": 0.9}
        again.wait_for_function("() => Math.abs(window.spacerace.view().t - 100) < 0.05")
    finally:
        context.close()


def _hidden(page, selector: str) -> bool:
    return page.eval_on_selector_all(
        selector, "es => es.every(e => { const r = e.getBoundingClientRect(); "
        "return r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden'; })")


def test_present_mode_and_the_tour(server, chromium):
    """Present mode: the globe fills the screen, no control shows, the captions do; the keys
    drive it; the guided tour plays every chapter in order, calling out its events."""
    import numpy as np
    from PIL import Image

    context = chromium.new_context(viewport={"width": 800, "height": 450},
                                   service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{server}#v2-london&t=120")
        _ready(page)
        page.locator("body").press("p")
        page.wait_for_function("() => window.spacerace.present")
        for sel in ("#top", "#panel", "#charts", ".transport", ".tools button", "#whatif input",
                    "#legend", ".overlay-top"):
            assert _hidden(page, sel), sel
        caption = page.locator("#present-caption")
        assert caption.is_visible()
        assert "V-2" in page.inner_text("#pc-title") and page.inner_text("#pc-account")
        globe = page.locator("#globe").bounding_box()
        assert globe["width"] == 800 and globe["height"] == 450
        page.wait_for_timeout(500)
        shot = _artifacts() / "present-v2.png"
        page.screenshot(path=str(shot))
        pixels = np.asarray(Image.open(shot).convert("RGB")).astype(float)
        # where the panel and the charts were, the globe's picture: not their flat background
        panel_bg = np.array([13, 17, 24])
        for region in (pixels[:, 560:], pixels[350:, :]):
            assert np.abs(region - panel_bg).sum(axis=2).mean() > 20
            assert region.std() > 3
        # the help lists the keys; Escape closes it, then leaves present mode
        page.locator("body").press("?")
        assert page.locator("#help").is_visible()
        assert "present mode" in page.inner_text("#help-keys")
        page.keyboard.press("Escape")
        assert page.locator("#help").is_hidden()
        page.keyboard.press("ArrowRight")  # the next chapter
        page.wait_for_function("() => window.spacerace.chapter === 'r1-1948'", timeout=60_000)
        page.keyboard.press("Escape")
        page.wait_for_function("() => !window.spacerace.present")
        assert page.locator("#panel").is_visible()

        # the tour: half a second a chapter here
        chapters = page.eval_on_selector_all(".tl-chapter", "cs => cs.map(c => c.dataset.chapter)")
        page.evaluate("""() => { window.called = {};
            const box = document.getElementById('pc-event');
            new MutationObserver(() => { const ch = window.spacerace.chapter;
              if (!box.hidden && box.textContent) (window.called[ch] = window.called[ch] || [])
                .push(box.textContent); }).observe(box, {childList: true, characterData: true,
              subtree: true, attributes: true}); }""")
        page.evaluate("() => window.spacerace.startTour({seconds: 0.5, holdMs: 0})")
        page.wait_for_function("() => window.spacerace.tourDone", timeout=240_000)
        assert page.evaluate("() => window.spacerace.tourVisited") == chapters
        called = page.evaluate("() => window.called")
        assert set(called) == set(chapters), called
        assert page.evaluate("() => window.spacerace.present")
    finally:
        context.close()


@contextlib.contextmanager
def _download_page(browser: Any, address: str) -> Iterator[Any]:
    """A 1024 x 768 page opened at ``address`` (a chapter and time), ready, that takes
    downloads; its context is closed afterwards."""
    context = browser.new_context(viewport={"width": 1024, "height": 768},
                                  service_workers="block", accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(address)
        _ready(page)
        yield page
    finally:
        context.close()


def test_a_4k_still(server, chromium):
    """The Still button saves a 3840 x 2160 PNG of the view that is not black."""
    import numpy as np
    from PIL import Image

    with _download_page(chromium, f"{server}#v2-london&t=150") as page:
        page.wait_for_function("() => window.spacerace.globeReady", timeout=120_000)
        with page.expect_download(timeout=300_000) as got:
            page.click("#tool-still")
        path = _artifacts() / "still-3840x2160.png"
        got.value.save_as(path)
    image = np.asarray(Image.open(path).convert("RGB")).astype(float)
    assert image.shape == (2160, 3840, 3)
    assert image.mean() > 30 and image.std() > 15  # a picture, not a black frame
    # the clock painted over it: the overlays' amber in the top-left corner
    corner = image[100:400, 40:900]
    amber = (corner[..., 0] > 200) & (corner[..., 1] > 120) & (corner[..., 2] < 80)
    assert amber.sum() > 500


def test_a_recording(server, swiftshader):
    """The record button saves a WebM of the composited view."""
    with _download_page(swiftshader, f"{server}#v2-london&t=150") as page:
        page.evaluate("() => { window.spacerace.pause(); window.spacerace.seek(0); "
                      "document.getElementById('play').click(); }")
        with page.expect_download(timeout=120_000) as got:
            page.click("#tool-record")
            page.wait_for_timeout(1000)
            page.click("#tool-record")
        rec = page.evaluate("() => window.spacerace.lastRecording")
        assert rec["type"].startswith("video/webm") and rec["bytes"] > 1000, rec
        assert got.value.suggested_filename == "v2-london.webm"
