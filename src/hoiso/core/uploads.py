"""How large an upload may be, checked in one place for every kind of file the site takes.

The limits live in settings (`UPLOAD_MAX_MB`, by kind: "sheet" for lists, "picture" for photos);
a new kind of attachment adds its key there and calls `check_upload_size` (or puts
`UploadSizeValidator(kind)` on its form field), so that its message names the limit like the rest.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from hoiso.core import formats

MB = 1024 * 1024


def upload_limit(kind: str) -> int:
    """The largest upload of this kind, in bytes."""
    return int(settings.UPLOAD_MAX_MB[kind]) * MB


def _mb(size: int) -> str:
    return formats.decimal(size / MB) if size < 10 * MB else formats.number(size // MB)


def too_large_message(size: int | None, limit: int) -> str:
    """What to tell the user about a file of `size` bytes (None: not known yet, only that it
    passed the limit) past a limit of `limit` bytes."""
    if size is None:
        return _(
            "The file is larger than %(limit)s MB, the most Hội Số takes here. Make it smaller "
            "(split a list into several files, or send a smaller photo) and upload it again."
        ) % {"limit": _mb(limit)}
    return _(
        "The file is %(size)s MB; Hội Số takes files of at most %(limit)s MB here. Make it "
        "smaller (split a list into several files, or send a smaller photo) and upload it again."
    ) % {"size": _mb(size), "limit": _mb(limit)}


def check_upload_size(upload: Any, kind: str) -> None:
    """Refuse an uploaded file larger than the limit for its kind, naming the limit."""
    limit = upload_limit(kind)
    if upload is not None and upload.size is not None and upload.size > limit:
        raise ValidationError(too_large_message(upload.size, limit), code="too_large")


@deconstructible
class UploadSizeValidator:
    """The same check as a form field's validator: `FileField(validators=[UploadSizeValidator("sheet")])`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, upload: Any) -> None:
        check_upload_size(upload, self.kind)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadSizeValidator) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


class CappedImageField(forms.ImageField):
    """An image field that refuses a file past its kind's size before Pillow ever opens it."""

    def __init__(self, *args: Any, kind: str = "picture", **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def to_python(self, data: Any) -> Any:
        check_upload_size(data, self.kind)
        return super().to_python(data)
