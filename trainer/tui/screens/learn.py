"""Learn: the lesson beside the live sandbox (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from .base import ModeScreen


class LearnScreen(ModeScreen):
    """Placeholder."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Learn")
        yield Footer()

    def show_lesson(self, pack_id: str, lesson_id: str) -> None:
        """Open a lesson."""
