"""The nodeport-trainer app: Home, Learn, Practice and Interview modes over the content packs."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from .messages import OpenItem, OpenLesson
from .state import AppState

#: Black, white and yellow only, for low vision and washed-out projectors.
HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    success="#00ff00",
    warning="#ffff00",
    error="#ff5555",
    dark=True,
)


class NodeportApp(App):
    """Learn beside a live sandbox, practise every item kind, and sit a mock interview."""

    TITLE = "nodeport-trainer"
    SUB_TITLE = "How does a NodePort Service work?"
    CSS_PATH = "app.tcss"
    # Callables, so each mode's module is imported only when the learner first goes there.
    MODES = {
        "home": lambda: _screen("home", "HomeScreen"),
        "learn": lambda: _screen("learn", "LearnScreen"),
        "practice": lambda: _screen("practice", "PracticeScreen"),
        "interview": lambda: _screen("interview", "InterviewScreen"),
    }
    DEFAULT_MODE = "home"
    COMMANDS = App.COMMANDS | {lambda: _provider("PackCommands"), lambda: _provider("SandboxCommands")}
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", tooltip="Keys and how this screen works"),
        Binding("f2", "app.switch_mode('home')", "Home", id="mode-home", tooltip="Packs and lessons"),
        Binding("f3", "app.switch_mode('learn')", "Learn", id="mode-learn", tooltip="Lesson beside the sandbox"),
        Binding("f4", "app.switch_mode('practice')", "Practice", id="mode-practice",
                tooltip="Quizzes, predictions, drills, troubleshooting, commands"),
        Binding("f5", "app.switch_mode('interview')", "Interview", id="mode-interview", tooltip="A mock interview"),
        Binding("f6", "toggle_contrast", "Contrast", id="contrast", show=False, priority=True,
                tooltip="Switch the high-contrast theme on or off"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False, tooltip="Quit the app"),
    ]

    def __init__(self, state: AppState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.register_theme(HIGH_CONTRAST)

    def on_mount(self) -> None:
        self.switch_mode(self.DEFAULT_MODE)

    # ----------------------------------------------------------------- actions

    def action_help(self) -> None:
        """Show the help for the active screen."""
        from .help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_toggle_contrast(self) -> None:
        """Switch between the default and the high-contrast theme."""
        self.theme = "textual-dark" if self.theme == "high-contrast" else "high-contrast"

    # ----------------------------------------------------------------- navigation

    def _mode_screen(self, mode: str):
        """Switch to a mode and return its base screen, closing any modal left open on it."""
        self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        return self.screen_stack[0]

    def on_open_lesson(self, message: OpenLesson) -> None:
        self.state.remember("lesson", message.pack_id, message.lesson_id)
        self._mode_screen("learn").show_lesson(message.pack_id, message.lesson_id)

    def on_open_item(self, message: OpenItem) -> None:
        self.state.remember("item", message.pack_id, message.item_id)
        item = self.state.item(message.pack_id, message.item_id)
        if item is not None and item.kind == "interview":
            # An interview is sat in Interview mode, not practised; choose it once that screen is up.
            screen = self._mode_screen("interview")
            self.call_after_refresh(screen.choose, message.pack_id, message.item_id)
            return
        self._mode_screen("practice").show_item(message.pack_id, message.item_id)


def _provider(name: str):
    from . import commands

    return getattr(commands, name)


def _screen(module: str, name: str):
    from importlib import import_module

    return getattr(import_module(f"trainer.tui.screens.{module}"), name)()


def make_app(content_dir: Path | None = None, data_dir: Path | None = None) -> NodeportApp:
    """The app as the CLI, the tests and the screenshot command build it.

    Args:
        content_dir: a pack or a folder of packs (default: the built-in packs).
        data_dir: where the learner's place is kept (default: $NODEPORT_TRAINER_DATA_DIR or the
            user data directory).
    """
    return NodeportApp(AppState.load(content_dir, data_dir))
