"""Small made-up source trees for the tests that read `src/hoiso` as text (layers, access helpers)."""

from __future__ import annotations

from pathlib import Path


def source_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A `hoiso` folder under `tmp_path` holding `files` (relative path → text)."""
    root = tmp_path / "hoiso"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
