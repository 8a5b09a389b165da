"""Pictures for slow links: turned upright, shrunk, re-encoded as JPEG without their metadata."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
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


def save_photo(data: bytes, folder: Path, max_side: int = 1280, quality: int = 72) -> str:
    """A photo from a form or a phone, stored small: size-capped (the "picture" upload kind),
    turned upright, shrunk and re-encoded as JPEG without its metadata (no place, no phone
    model), under `folder` in a month's subfolder; returns its name there. A file that is too
    large or no picture is refused, naming the photo field."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from hoiso.core.uploads import too_large_message, upload_limit

    if len(data) > upload_limit("picture"):
        raise ValidationError({"photo": too_large_message(len(data), upload_limit("picture"))})
    try:
        jpeg = to_jpeg(io.BytesIO(data), max_side, quality)
    except NotAPicture as e:
        raise ValidationError(
            {"photo": _("This file is not a photo we can read; send a JPEG or PNG picture.")}
        ) from e
    name = f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg)
    return name


def stored_photo(folder: Path, name: str) -> Path | None:
    """The stored file of a photo name, or None: names never lead out of their folder."""
    if not name:
        return None
    root = folder.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path
