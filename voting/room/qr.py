"""QR codes as inline SVG (no image library; prints sharp at any size)."""
from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.image.svg import SvgPathImage


@lru_cache(maxsize=2048)
def qr_svg(data: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(data)
    return qr.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
