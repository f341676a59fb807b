"""What a parametric QR's scene says (QR_STR_SCENE, at most 64 characters; docs/api.md).

- `m:<meeting>` a roster meeting's join QR; `m:<meeting>:<code>` an open meeting's, carrying the rotating join
  code, so that a photo of the screen stops working as the H5 code does.
- `b:<meeting>:<secretary>:<sig>` a secretary's personal binding QR; `sig` is a keyed hash, so that a scene
  cannot be made up for another secretary (only QR codes the account created produce scenes, but the
  simulator and a leaked QR should not bind anyone else).
- `o:<invite>` the organizer's one-time QR that makes the scanner an organizer of the account.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from voting.tokens import Signer

MAX_SCENE = 64
_PART = re.compile(r"[A-Za-z0-9]{1,32}")


@dataclass(frozen=True)
class Scene:
    kind: str                # "meeting" | "bind" | "organizer"
    meeting: str = ""
    code: str = ""           # meeting: the join code the QR carries (open meetings)
    secretary: str = ""      # bind
    token: str = ""          # bind: the signature; organizer: the invite


def meeting_scene(mid: str, code: str = "") -> str:
    return f"m:{mid}:{code}" if code else f"m:{mid}"


def bind_tag(signer: Signer, mid: str, sid: str) -> str:
    """The keyed hash that proves a binding scene or link for this secretary was made by us."""
    return signer.tag(f"bind:{mid}:{sid}")


def bind_tag_ok(signer: Signer, mid: str, sid: str, tag: str) -> bool:
    return tag.isascii() and hmac.compare_digest(tag, bind_tag(signer, mid, sid))


def bind_scene(signer: Signer, mid: str, sid: str) -> str:
    return f"b:{mid}:{sid}:{bind_tag(signer, mid, sid)}"


def organizer_scene(invite: str) -> str:
    return f"o:{invite}"


def parse(scene: str | None) -> Scene | None:
    """The scene, or None when it is none of ours (another QR of the account, or garbage)."""
    if not scene or len(scene) > MAX_SCENE:
        return None
    kind, *parts = scene.split(":")
    if not all(_PART.fullmatch(p) for p in parts):
        return None
    if kind == "m" and len(parts) in (1, 2):
        return Scene("meeting", meeting=parts[0], code=parts[1] if len(parts) == 2 else "")
    if kind == "b" and len(parts) == 3:
        return Scene("bind", meeting=parts[0], secretary=parts[1], token=parts[2])
    if kind == "o" and len(parts) == 1:
        return Scene("organizer", token=parts[0])
    return None


def bind_scene_valid(signer: Signer, scene: Scene) -> bool:
    return bind_tag_ok(signer, scene.meeting, scene.secretary, scene.token)
