"""What the app knows across screens: the packs, where the learner was, and their progress (kept between runs)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..content.loader import LoadedPack, load_packs
from ..content.model import Item, Lesson, Pack
from .progress_store import Progress


def default_data_dir() -> Path:
    """$NODEPORT_TRAINER_DATA_DIR, else the user data directory: the same one the CLI's progress commands use."""
    env = os.environ.get("NODEPORT_TRAINER_DATA_DIR")
    if env:
        return Path(env)
    from ..study.store import default_data_dir as store_dir  # platformdirs, only when no directory is given

    return store_dir()


@dataclass
class AppState:
    """The loaded packs and the learner's place.

    Attributes:
        packs: every pack found, sound or not (the broken ones show their problems).
        data_dir: where the app keeps its files.
        last: the last lesson or item opened: {"kind": "lesson"|"item", "pack": id, "id": id}.
        progress: the learner's progress store in data_dir, opened on first use (not at start).
    """

    packs: list[LoadedPack] = field(default_factory=list)
    data_dir: Path = field(default_factory=default_data_dir)
    last: dict = field(default_factory=dict)
    progress: Progress = field(init=False)

    def __post_init__(self) -> None:
        self.progress = Progress(self.data_dir)

    @classmethod
    def load(cls, content_dir: Path | None = None, data_dir: Path | None = None) -> "AppState":
        """Load the packs and the saved place; a damaged place file is ignored, never fatal."""
        state = cls(load_packs(content_dir), Path(data_dir) if data_dir else default_data_dir())
        try:
            saved = json.loads((state.data_dir / "place.json").read_text(encoding="utf-8"))
            state.last = saved if isinstance(saved, dict) else {}
        except (OSError, ValueError):
            state.last = {}
        return state

    @property
    def sound(self) -> list[Pack]:
        """The packs a learner can use."""
        return [p.pack for p in self.packs if p.sound and p.pack is not None]

    def pack(self, pack_id: str) -> Pack | None:
        """A sound pack by id."""
        return next((p for p in self.sound if p.id == pack_id), None)

    def lesson(self, pack_id: str, lesson_id: str) -> Lesson | None:
        """A lesson by pack and id."""
        pack = self.pack(pack_id)
        return pack.lesson(lesson_id) if pack else None

    def item(self, pack_id: str, item_id: str) -> Item | None:
        """An item by pack and id (never a broken one)."""
        pack = self.pack(pack_id)
        item = pack.item(item_id) if pack else None
        return item if item is not None and not item.broken else None

    def remember(self, kind: str, pack_id: str, part_id: str) -> None:
        """Keep the learner's place for "continue where I left off" (best effort: a read-only disk is fine)."""
        self.last = {"kind": kind, "pack": pack_id, "id": part_id}
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.data_dir / "place.json.tmp"
            tmp.write_text(json.dumps(self.last), encoding="utf-8")
            tmp.replace(self.data_dir / "place.json")
        except OSError:
            pass
