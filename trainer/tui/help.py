"""Help on every screen: what the screen is for, and every key it answers to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

#: What every screen shares, after its own help.
_GLOBAL = """
## Everywhere

| key | does |
|---|---|
| F1 | this help (F1 or Esc closes it) |
| F2 / F3 / F4 / F5 / F6 | Home / Learn / Practice / Interview / Progress |
| Ctrl+P | command palette: jump to any lesson or item |
| Tab / Shift+Tab | move between panels |
| F10 (or `Ctrl+\\`) | high-contrast theme on/off |
| Ctrl+Q | quit |

Every result is also said in words (PASS/FAIL, ✓/✗), never by colour alone. Set
`NO_COLOR=1` for a monochrome screen.
"""


class HelpScreen(ModalScreen[None]):
    """A modal with the active screen's help text and its keys."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: thick $primary;
                                  background: $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help-close", tooltip="Close the help")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        own = getattr(self.for_screen, "HELP", "") or ""
        keys = []
        for binding in getattr(self.for_screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                shown = " / ".join(self.app.get_key_display(b) for b in Binding.make_bindings([binding]))
                what = f"{binding.description}: {binding.tooltip}" if binding.tooltip else binding.description
                keys.append(f"| {shown} | {what} |")
        table = ("\n## Keys on this screen\n\n| key | does |\n|---|---|\n" + "\n".join(keys) + "\n") if keys else ""
        with VerticalScroll():
            yield Markdown(own + table + _GLOBAL)
