"""Activity photos, made small enough for a slow mobile link before they are stored."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core.images import NotAPicture, to_jpeg
from hoiso.core.uploads import too_large_message, upload_limit

# The long side of a stored photo, and its JPEG quality: about 100–200 KB for a phone's photo.
MAX_SIDE = 1280
QUALITY = 72


def photo_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "activities"


def photo_save(data: bytes) -> str:
    """Resize, turn upright and re-encode a photo as JPEG without its metadata; its stored name."""
    if len(data) > upload_limit("picture"):
        raise ValidationError({"photo": too_large_message(len(data), upload_limit("picture"))})
    try:
        jpeg = to_jpeg(io.BytesIO(data), MAX_SIDE, QUALITY)
    except NotAPicture as e:
        raise ValidationError(
            {"photo": _("This file is not a photo we can read; send a JPEG or PNG picture.")}
        ) from e
    name = f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"
    path = photo_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg)
    return name


def photo_path(name: str) -> Path | None:
    """The stored file of a photo name, or None (names never leave the photo folder)."""
    if not name:
        return None
    root = photo_dir().resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path
