"""``spacerace film``: the page's own view of a flight, rendered frame by frame into an MP4.

The web server runs in a thread on a free loopback port; headless Chromium (Debian's
``chromium``, driven by Playwright) opens the page in film mode (``?film=1``, or
``?film=clean`` without overlays), in which Cesium's clock never ticks by itself. For each
frame the page's ``window.spacerace.shoot(t)`` sets the clock, lays out the opening card, the
event caption and the telemetry strip, and resolves once the globe has drawn that moment; the
page is then saved as a PNG. The film's seconds span the whole flight at one fixed speed-up
(flight time / film time). The frames go to a folder beside the output (a film that is
stopped resumes from the frames already there), then ffmpeg from the ``imageio-ffmpeg`` wheel
encodes them (H.264, yuv420p) into the MP4, which is written atomically. Chromium draws the
globe in software: with Mesa's llvmpipe where Mesa's EGL is installed, else with its own
SwiftShader (``renderer`` in the result says which).

Needs the ``film`` extra (playwright, imageio-ffmpeg) and the ``web`` extra; nothing imports
this module but the command line.
"""

from __future__ import annotations

import base64
import json
import math
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from spacerace import catalog
from spacerace._files import atomic_path, check_output, make_folder
from spacerace.errors import SpaceraceError

__all__ = ["FilmError", "FilmPlan", "film", "launch", "parse_size", "plan", "renderer", "still"]

# WebGL through ANGLE on the system's OpenGL ES (EGL), forced to Mesa's software rasteriser
# llvmpipe: a 1080p film frame takes half the time it takes Chromium's own software renderer,
# SwiftShader (1.0 s against 2.0 s on 2 cores, benchmarks/bench_film.py). The GPU blocklist
# turns software OpenGL away, hence it is ignored; without Mesa's EGL Chromium falls back to
# SwiftShader by itself. The page is still composited in software, as with SwiftShader: its
# capture costs about half as much as with compositing on llvmpipe.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--use-angle=gl-egl", "--ignore-gpu-blocklist",
                 "--disable-gpu-compositing", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CHROMIUM_ENV = {"LIBGL_ALWAYS_SOFTWARE": "1"}  # llvmpipe even beside a GPU: the same frames
CARD_S = 1.5  # film seconds the opening card stays on (at most a quarter of the film)
CAPTION_S = 1.5  # film seconds an event's caption stays on
MAX_SIDE = 3840


class FilmError(SpaceraceError):
    """A film that cannot be made as asked (size, mission, missing browser or extra)."""


@dataclass(frozen=True)
class FilmPlan:
    """What a film shows: ``frames`` frames at ``fps`` spanning ``t_end_s`` of flight."""

    mission: str
    width: int
    height: int
    fps: int
    frames: int
    clean: bool
    camera: str = "overview"

    def times(self, t_end_s: float) -> list[float]:
        """Flight time [s] of each frame: 0 to ``t_end_s`` at one speed-up."""
        if self.frames == 1:
            return [0.0]
        return [t_end_s * i / (self.frames - 1) for i in range(self.frames)]

    @property
    def card_frames(self) -> int:
        """How many opening frames carry the card (none in a clean film)."""
        if self.clean:
            return 0
        return max(1, min(round(CARD_S * self.fps), self.frames // 4))


def parse_size(text: str) -> tuple[int, int]:
    """``WxH`` in pixels, both even (H.264 in yuv420p) and between 64 and 3840."""
    w, sep, h = text.lower().partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit():
        raise FilmError(f"--size {text}: expected WIDTHxHEIGHT in pixels, such as 1920x1080")
    width, height = int(w), int(h)
    for side in (width, height):
        if not 64 <= side <= MAX_SIDE or side % 2:
            raise FilmError(f"--size {text}: each side must be an even number of pixels "
                            f"from 64 to {MAX_SIDE}")
    return width, height


def _camera(mission: str, camera: str) -> str:
    """The camera if the mission's chapter offers it; ``FilmError`` listing those it does."""
    from spacerace.web.cameras import check_camera

    try:
        return check_camera(camera, catalog.load(mission)[1])
    except ValueError as exc:
        raise FilmError(str(exc)) from None


def _check_mission(mission: str) -> None:
    if mission not in catalog.list_missions():
        raise FilmError(f"unknown mission {mission!r}: a film shows a catalog mission "
                        f"({', '.join(catalog.list_missions())})")


def plan(mission: str, size: str, fps: int, seconds: float, clean: bool,
         camera: str = "overview") -> FilmPlan:
    """Check the film's settings; ``FilmError`` naming the option that is wrong."""
    _check_mission(mission)
    camera = _camera(mission, camera)
    if not 1 <= fps <= 120:
        raise FilmError(f"--fps {fps}: expected 1 to 120 frames per second")
    if not 0 < seconds <= 3600:
        raise FilmError(f"--seconds {seconds}: expected more than 0 and at most 3600")
    width, height = parse_size(size)
    return FilmPlan(mission, width, height, fps, max(1, round(fps * seconds)), clean, camera)


def chromium() -> str:
    """The system Chromium's path; ``FilmError`` saying how to install it."""
    found = os.environ.get("SPACERACE_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        raise FilmError("a film needs Chromium: apt-get install chromium "
                        "(or set SPACERACE_CHROMIUM to a Chromium binary)")
    return found


def launch(pw: Any, browser_path: str) -> Any:
    """Chromium for a film, from a Playwright instance ``pw``: headless, software WebGL."""
    return pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS,
                              env={**os.environ, **CHROMIUM_ENV})


def renderer(page: Any) -> str:
    """The WebGL renderer drawing ``page`` (llvmpipe, SwiftShader, ...), as WebGL names it."""
    return str(page.evaluate(
        "() => { const gl = document.createElement('canvas').getContext('webgl2'); "
        "if (!gl) return 'no WebGL 2'; "
        "const info = gl.getExtension('WEBGL_debug_renderer_info'); "
        "return gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER); }"))


def _needs() -> tuple[Any, Any]:
    try:
        import imageio_ffmpeg
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise FilmError(f"a film needs its extra: pip install 'spacerace[film]' ({exc})"
                        ) from None
    try:
        from spacerace.web import background_server  # noqa: F401
    except ImportError as exc:
        raise FilmError(f"a film needs the web extra: pip install 'spacerace[web]' ({exc})"
                        ) from None
    return sync_playwright, imageio_ffmpeg


def frames_folder(out: Path) -> Path:
    """The folder of a film's frames, beside it."""
    return out.with_name(f"{out.name}.frames")


def _prepare_frames(folder: Path, film_plan: FilmPlan) -> None:
    """Keep the frames already there only if they were shot for the same film."""
    stamp = folder / "film.json"
    wanted = json.dumps(asdict(film_plan), sort_keys=True)
    if folder.exists() and (not stamp.exists() or stamp.read_text() != wanted):
        shutil.rmtree(folder)
    make_folder(folder)
    stamp.write_text(wanted)


def frame_path(folder: Path, i: int) -> Path:
    return folder / f"frame_{i:05d}.png"


@contextmanager
def _page(film_plan: FilmPlan, sync_playwright: Any, browser_path: str) -> Iterator[Any]:
    """The page in film mode with the mission's flight and globe drawn, from its camera."""
    from spacerace.web import background_server

    mode = "clean" if film_plan.clean else "1"
    with background_server() as url, sync_playwright() as pw:
        browser = launch(pw, browser_path)
        try:
            context = browser.new_context(
                viewport={"width": film_plan.width, "height": film_plan.height},
                device_scale_factor=1, service_workers="block")
            page = context.new_page()
            page.goto(f"{url}?film={mode}#{film_plan.mission}&camera={film_plan.camera}")
            page.wait_for_function(
                f"() => window.spacerace && window.spacerace.ready && window.spacerace.chapter "
                f"=== {json.dumps(film_plan.mission)} && window.spacerace.flights > 0 "
                f"&& window.spacerace.globeReady", timeout=300_000)
            yield page
        finally:
            browser.close()


def film(mission: str, out: str | Path, size: str = "1280x720", fps: int = 25,
         seconds: float = 10.0, clean: bool = False,
         progress: Callable[[int, int], None] | None = None,
         camera: str = "overview") -> dict[str, Any]:
    """Render ``mission`` as the page shows it into the MP4 ``out``.

    Parameters
    ----------
    mission : str
        A catalog mission.
    out : str or Path
        The MP4 to write (atomically); its frames are kept beside it until it is written.
    size : str
        ``WxH`` in pixels.
    fps : int
        Frames per second.
    seconds : float
        Length of the film; it spans the whole flight at one speed-up.
    clean : bool
        Leave the overlays (opening card, captions, telemetry strip) out.
    progress : callable, optional
        Called with (frames done, frames in all) after each frame.
    camera : str
        One of the chapter's camera presets (``web.cameras``).

    Returns
    -------
    dict
        ``frames``, ``seconds``, ``flight_s``, ``speedup``, ``rendered`` (frames shot now),
        ``s_per_frame`` (mean over the frames shot now), ``renderer`` (the WebGL renderer
        that drew them) and ``out``.
    """
    film_plan = plan(mission, size, fps, seconds, clean, camera)
    out = check_output(out)
    browser_path = chromium()
    sync_playwright, imageio_ffmpeg = _needs()
    folder = frames_folder(out)
    _prepare_frames(folder, film_plan)
    shot, spent = 0, 0.0
    with _page(film_plan, sync_playwright, browser_path) as page:
        t_end = float(page.evaluate("() => window.spacerace.lastDoc.trajectory.t_s.at(-1)"))
        drawn_by = renderer(page)
        speedup = t_end / (film_plan.frames / fps)
        caption_span = CAPTION_S * speedup
        # the DevTools capture with fast PNG compression: 2.5 times quicker than Playwright's
        # screenshot at 1920x1080
        cdp = page.context.new_cdp_session(page)
        for i, t in enumerate(film_plan.times(t_end)):
            path = frame_path(folder, i)
            if not path.exists():
                start = time.perf_counter()
                page.evaluate("([t, o]) => window.spacerace.shoot(t, o)",
                              [t, {"card": i < film_plan.card_frames,
                                   "captionSpan": caption_span}])
                _save(path, cdp.send("Page.captureScreenshot",
                                     {"format": "png", "optimizeForSpeed": True})["data"])
                spent += time.perf_counter() - start
                shot += 1
            if progress:
                progress(i + 1, film_plan.frames)
    encode(imageio_ffmpeg.get_ffmpeg_exe(), folder, fps, out)
    shutil.rmtree(folder, ignore_errors=True)
    return {"out": str(out), "frames": film_plan.frames, "seconds": film_plan.frames / fps,
            "flight_s": t_end, "speedup": speedup, "rendered": shot,
            "s_per_frame": spent / shot if shot else None, "renderer": drawn_by}


STILL_MAX_W, STILL_MAX_H = 3840, 2160


def still(mission: str, out: str | Path, size: str = "3840x2160", at: float = 0.0,
          camera: str = "overview", clean: bool = False) -> dict[str, Any]:
    """A PNG of the page's view of ``mission`` at ``at`` s after liftoff, as the page's Still.

    The globe is drawn at ``size`` device pixels (at most 3840 x 2160) and the overlays
    (title, date, clock, readout) painted over it unless ``clean``.

    Returns
    -------
    dict
        ``out``, ``width``, ``height``, ``t_s`` (the time shown, clamped to the flight).
    """
    _check_mission(mission)
    camera = _camera(mission, camera)
    width, height = parse_size(size)
    if width > STILL_MAX_W or height > STILL_MAX_H:
        raise FilmError(f"--size {size}: a still is at most {STILL_MAX_W}x{STILL_MAX_H}")
    if not math.isfinite(at) or at < 0:
        raise FilmError(f"--at {at}: expected seconds after liftoff, 0 or more")
    out = check_output(out)
    browser_path = chromium()
    sync_playwright, _ = _needs()
    # the page's own size does not matter: the still is drawn at its own
    view = FilmPlan(mission, 1280, 720, 1, 1, True, camera)
    with _page(view, sync_playwright, browser_path) as page:
        data = page.evaluate("(o) => window.spacerace.stillData(o)",
                             {"width": width, "height": height, "t": at, "overlays": not clean})
        t = float(page.evaluate("() => window.spacerace.view().t"))
    with atomic_path(out) as tmp:
        tmp.write_bytes(base64.b64decode(data.split(",", 1)[1]))
    return {"out": str(out), "width": width, "height": height, "t_s": t}


def _save(path: Path, data: str) -> None:
    """A base64 PNG to ``path``, whole or not at all (a stopped film resumes after it)."""
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(base64.b64decode(data))
    os.replace(part, path)


def encode(ffmpeg: str, folder: Path, fps: int, out: Path) -> None:
    """The folder's frames as an H.264 MP4 (yuv420p, ``fps``), written atomically."""
    with atomic_path(out) as tmp:
        cmd = [ffmpeg, "-y", "-loglevel", "error", "-framerate", str(fps),
               "-i", str(folder / "frame_%05d.png"), "-c:v", "libx264", "-pix_fmt", "yuv420p",
               "-r", str(fps), "-movflags", "+faststart", "-f", "mp4", str(tmp)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise FilmError(f"{out}: ffmpeg could not encode the frames ({last})")
