"""Activity photos, made small enough for a slow mobile link before they are stored."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from hoiso.core.images import save_photo, stored_photo

# The long side of a stored photo, and its JPEG quality: about 100–200 KB for a phone's photo.
MAX_SIDE = 1280
QUALITY = 72


def photo_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "activities"


def photo_save(data: bytes) -> str:
    """Resize, turn upright and re-encode a photo as JPEG without its metadata; its stored name."""
    return save_photo(data, photo_dir(), MAX_SIDE, QUALITY)


def photo_path(name: str) -> Path | None:
    """The stored file of a photo name, or None (names never leave the photo folder)."""
    return stored_photo(photo_dir(), name)
