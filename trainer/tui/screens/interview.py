"""Interview: a timed mock interview (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from .base import ModeScreen


class InterviewScreen(ModeScreen):
    """Placeholder until the interview lands."""

    HELP = "# Interview\n"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Interview", id="interview-body")
        yield Footer()
