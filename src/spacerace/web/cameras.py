"""The page's camera presets, and which chapters offer which.

Every chapter has the chapter's own framing (``overview``), a camera that follows the vehicle,
one side-on to the ascent and one from the launch site. A flight that reaches orbit adds the
whole orbit seen from above its plane; a flight to the Moon adds a view from behind the Moon.
The page draws the shots; the server sends each chapter's list, and ``spacerace film
--camera`` checks a name against the same list. Needs nothing beyond the mission data.
"""

from __future__ import annotations

from spacerace.mission import Mission

__all__ = ["CAMERAS", "DEFAULT_CAMERA", "cameras_for", "check_camera"]

# name -> what it shows, in the order the page offers them
CAMERAS = {
    "overview": "the chapter's framing of the whole flight",
    "follow": "follow the vehicle",
    "side": "side-on to the ascent",
    "site": "from the launch site",
    "orbit": "the whole orbit, from above its plane (flights that reach orbit)",
    "moon": "from behind the Moon (flights to the Moon)",
}
DEFAULT_CAMERA = "overview"
_EVERY_CHAPTER = ("overview", "follow", "side", "site")


def cameras_for(mission: Mission) -> list[str]:
    """The cameras a mission's chapter offers, in the page's order."""
    names = list(_EVERY_CHAPTER)
    if mission.moon is not None:
        names.append("moon")
    elif mission.satellite is not None or "inclination" in mission.aim:
        names.append("orbit")
    return names


def check_camera(name: str, mission: Mission) -> str:
    """``name`` if the mission's chapter offers it.

    Raises
    ------
    ValueError
        An unknown camera, or one the chapter does not offer (the message lists them).
    """
    offered = cameras_for(mission)
    if name not in CAMERAS:
        raise ValueError(f"--camera {name}: unknown camera; expected one of "
                         f"{', '.join(CAMERAS)}")
    if name not in offered:
        raise ValueError(f"--camera {name}: {CAMERAS[name]}; {mission.id} offers "
                         f"{', '.join(offered)}")
    return name
