"""What every mode's screen has: a header, a footer with its keys, and help text."""

from __future__ import annotations

from textual.screen import Screen


class ModeScreen(Screen):
    """A mode's base screen. Subclasses set HELP (Markdown) for F1."""

    HELP = ""

    @property
    def state(self):
        """The app's AppState."""
        return self.app.state
