"""Small real images made with Pillow, for upload tests."""

import io

from PIL import Image


def image_bytes(size: tuple[int, int] = (8, 6), fmt: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 80) if mode == "RGB" else 128).save(out, fmt)
    return out.getvalue()


PNG = image_bytes()
