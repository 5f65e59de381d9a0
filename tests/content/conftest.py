"""A fresh starter pack (from `pack new`) for each test to break in its own way."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.scaffold import scaffold


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "mypack"
    assert scaffold(target) is None
    return target


def edit(path: Path, old: str, new: str, count: int = 1, last: bool = False) -> None:
    """Replace text in a pack file, insisting that it was there."""
    text = path.read_text()
    assert old in text, old
    if last:
        i = text.rindex(old)
        text = text[:i] + new + text[i + len(old):]
    else:
        text = text.replace(old, new, count)
    path.write_text(text)
