"""Pictures for slow links: turned upright, shrunk, re-encoded as JPEG without their metadata."""

from __future__ import annotations

import io
from typing import IO


class NotAPicture(ValueError):
    """The bytes are no picture Pillow can read."""


def to_jpeg(source: IO[bytes], max_side: int, quality: int = 72) -> bytes:
    """The picture no larger than `max_side` on its longer side, as a progressive JPEG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(source) as original:
            img: Image.Image = ImageOps.exif_transpose(original)
            img.thumbnail((max_side, max_side))
            if img.mode != "RGB":
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise NotAPicture(str(e)) from e
    return out.getvalue()
