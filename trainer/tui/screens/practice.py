"""Practice: every item kind from the packs, checked by the engine (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from .base import ModeScreen


class PracticeScreen(ModeScreen):
    """Placeholder until the practice panels land."""

    HELP = "# Practice\n"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Practice", id="practice-body")
        yield Footer()

    def show_item(self, pack_id: str, item_id: str) -> None:
        """Open an item."""
