"""What every mode's screen has: a header, a footer with its keys, and help text."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Markdown

from ..messages import OpenItem, OpenLesson


class ModeScreen(Screen):
    """A mode's base screen. Subclasses set HELP (Markdown) for F1."""

    HELP = ""

    @property
    def state(self):
        """The app's AppState."""
        return self.app.state

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """lesson: and item: links open inside the app (the first sound pack that has the target)."""
        href = event.href.split("#", 1)[0]
        kind, _, target = href.partition(":")
        for pack in self.state.sound:
            if kind == "lesson" and pack.lesson(target) is not None:
                self.app.post_message(OpenLesson(pack.id, target))
                return
            if kind == "item" and pack.item(target) is not None:
                self.app.post_message(OpenItem(pack.id, target))
                return
