"""Messages that cross screens (posted to the app, handled by the app)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenLesson(Message):
    """Show a lesson in Learn mode."""

    pack_id: str
    lesson_id: str


@dataclass
class OpenItem(Message):
    """Show an item in Practice mode."""

    pack_id: str
    item_id: str
