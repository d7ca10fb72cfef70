"""``spacerace film``: a short film of the V-2 chapter rendered in headless Chromium.

The check of issue 15: ``spacerace film v2-london --out v2.mp4 --seconds 4 --fps 10 --size
640x360`` writes an MP4 of 40 frames lasting 4.0 s (counted by ffmpeg itself, through
imageio-ffmpeg), whose frames change, and whose first frames carry the opening card (a dark
veil over the globe: the first frame is much darker than the first frame after the card, shot
from the same camera 8 % of the flight later). Errors are one line and exit 2.

The film is skipped, with the reason, when Debian's chromium (``apt-get install chromium``),
the ``film`` extra (``pip install 'spacerace[film]'``) or CesiumJS (``npm ci``) is missing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from spacerace.cli import main
from spacerace.film import FilmError, chromium, parse_size, plan


def _missing() -> str | None:
    try:
        chromium()
    except FilmError as exc:
        return str(exc)
    try:
        import imageio_ffmpeg  # noqa: F401
        import playwright.sync_api  # noqa: F401

        from spacerace.web.app import find_cesium
    except ImportError as exc:
        return f"the film extra is not installed: pip install 'spacerace[film]' ({exc})"
    if find_cesium() is None:
        return "CesiumJS is missing: run `npm ci` at the repository root (node_modules/cesium)"
    return None


def _frames(path: Path, width: int, height: int) -> list[np.ndarray]:
    """The film's frames as RGB arrays, decoded by the wheel's ffmpeg."""
    import imageio_ffmpeg

    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i",
                          str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    flat = np.frombuffer(raw, np.uint8).astype(float)
    return list(flat.reshape(-1, height, width, 3))


@pytest.mark.slow
@pytest.mark.skipif(_missing() is not None, reason=str(_missing()))
def test_v2_film(tmp_path, capsys):
    import imageio_ffmpeg

    out = tmp_path / "v2.mp4"
    assert main(["film", "v2-london", "--out", str(out), "--seconds", "4", "--fps", "10",
                 "--size", "640x360"]) == 0
    assert imageio_ffmpeg.count_frames_and_secs(str(out)) == (40, 4.0)
    assert not (tmp_path / "v2.mp4.frames").exists()  # the frames are removed once encoded
    frames = _frames(out, 640, 360)
    assert len(frames) == 40 and frames[0].shape == (360, 640, 3)
    assert np.abs(frames[-1] - frames[0]).mean() > 2.0  # the film moves
    card = plan("v2-london", "640x360", 10, 4.0, False).card_frames
    assert card == 10  # 1.5 s of card, at most a quarter of the film
    # the card's veil: the globe under it is dimmed to about a third
    assert frames[0].mean() < 0.7 * frames[card].mean()
    assert frames[card - 1].mean() < 0.7 * frames[card].mean()
    assert "40 frames, 4.0 s" in capsys.readouterr().out


@pytest.mark.parametrize("size", ["640", "641x360", "10x10", "axb", "8000x360"])
def test_bad_size(size):
    with pytest.raises(FilmError, match="--size"):
        parse_size(size)


def test_errors_are_one_line(tmp_path, capsys, monkeypatch):
    out = str(tmp_path / "f.mp4")
    assert main(["film", "no-such-mission", "--out", out]) == 2
    assert "unknown mission 'no-such-mission'" in capsys.readouterr().err
    assert main(["film", "v2-london", "--out", out, "--size", "640x361"]) == 2
    assert "--size 640x361" in capsys.readouterr().err
    # a camera the chapter does not offer, or none of the page's: one line naming the option
    assert main(["film", "v2-london", "--out", out, "--camera", "moon"]) == 2
    err = capsys.readouterr().err
    assert "--camera moon" in err and "v2-london offers" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["film", "v2-london", "--out", out, "--camera", "drone"]) == 2
    assert "unknown camera" in capsys.readouterr().err
    assert main(["film", "v2-london"]) == 2  # neither --out nor --still
    assert "--still" in capsys.readouterr().err
    monkeypatch.setenv("SPACERACE_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["film", "v2-london", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "apt-get install chromium" in err and len(err.strip().splitlines()) == 1
    assert not Path(out).exists()


def test_frames_resume_only_the_same_film(tmp_path):
    from spacerace.film import _prepare_frames, frame_path, frames_folder

    folder = frames_folder(tmp_path / "v2.mp4")
    film = plan("v2-london", "640x360", 10, 4.0, False)
    _prepare_frames(folder, film)
    frame_path(folder, 0).write_bytes(b"png")
    _prepare_frames(folder, film)  # the same film: its frames are kept, to be skipped
    assert frame_path(folder, 0).exists()
    _prepare_frames(folder, plan("v2-london", "640x360", 10, 4.0, True))  # another: cleared
    assert not frame_path(folder, 0).exists()
