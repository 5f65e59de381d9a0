"""The nodeport-trainer app: Home, Learn, Practice, Interview and Progress modes over the content packs."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from .messages import OpenItem, OpenLesson
from .progress_store import Progress
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
        "progress": lambda: _screen("progress", "ProgressScreen"),
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
        # Priority: the YAML editor (TextArea) has its own F6.
        Binding("f6", "app.switch_mode('progress')", "Progress", id="mode-progress", priority=True,
                tooltip="Mastery, reviews due, calibration, score history, misconceptions"),
        Binding("f10,ctrl+backslash", "toggle_contrast", "Contrast", id="contrast", show=False, priority=True,
                tooltip="Switch the high-contrast theme on or off"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False, tooltip="Quit the app"),
    ]

    def __init__(self, state: AppState, review: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.register_theme(HIGH_CONTRAST)
        #: Start a "review due" session once the first screen is up (`nodeport-trainer review`).
        self.start_review = review
        self._told_problem = False

    def on_mount(self) -> None:
        self.switch_mode(self.DEFAULT_MODE)

    def on_ready(self) -> None:
        # The store opens after the first frame, so that Home paints without waiting for SQLite.
        self.progress_store()
        if self.start_review:
            self.action_review()

    def on_unmount(self) -> None:
        self.state.progress.close()

    # ----------------------------------------------------------------- progress

    @property
    def progress(self) -> Progress:
        """The progress store's handle (it may not be open yet)."""
        return self.state.progress

    def progress_store(self):
        """Open the progress store on first use, say what happened, and return it (None when unusable)."""
        progress = self.state.progress
        if progress.is_open or progress.problem:
            return self._checked(progress.open())
        store = progress.open(self.state.sound)
        if progress.recovered:
            self.notify(progress.recovered, title="Progress file recovered", severity="warning", timeout=15)
        self._checked(store)
        self.progress_changed()
        return store

    def _checked(self, result):
        """Pass result through, first telling the learner (once) if progress is no longer recorded."""
        problem = self.state.progress.problem
        if problem and not self._told_problem:
            self._told_problem = True
            self.notify(f"{problem}\nThe app works on; your answers are not recorded.",
                        title="Progress not recorded", severity="error", timeout=20)
        return result

    def progress_changed(self) -> None:
        """Let the active screen show the progress anew (Home's due count, the Progress screen)."""
        refresh = getattr(self.screen, "progress_changed", None)
        if callable(refresh):
            refresh()

    def record_practice(self, item, pack_id: str, result, **how):
        """Record a practice answer (see Progress.record_practice); None when it was not recorded."""
        if self.progress_store() is None:
            return None
        return self._checked(self.state.progress.record_practice(item, pack_id, result, **how))

    def override_rating(self, recorded, rating: str):
        """Change the review rating of an answer just recorded; None when the store cannot be written."""
        if self.progress_store() is None:
            return None
        return self._checked(self.state.progress.override(recorded, rating))

    def on_interview_screen_finished(self, message) -> None:
        """Record every question of a finished interview (InterviewScreen.Finished)."""
        card = message.scorecard
        pack = self.state.pack(card.pack_id)
        if pack is not None and self.progress_store() is not None:
            self._checked(self.state.progress.record_interview(card, pack))

    def on_item_panel_graded(self, message) -> None:
        """A practice item checked outside Practice mode (proving an interview follow-up) is recorded too."""
        pack = message.panel.pack
        if pack is not None:
            self.record_practice(message.item, pack.id, message.result, hints_used=message.hints_used)

    def action_review(self) -> None:
        """Start a "review due" session in Practice: the items due today, the most overdue first."""
        self.review()

    def review(self, start: tuple[str, str] | None = None) -> None:
        """Start a "review due" session in Practice.

        Args:
            start: (pack id, item id) of the due item to begin with; the most overdue if None.
        """
        if self.progress_store() is None:
            return
        due, _elsewhere = self.state.progress.due(self.state.sound)
        queue = [(pack_id, item.id) for pack_id, item, _changed in due]
        if not queue:
            self.notify("Nothing is due for review today.", title="Review")
            return
        first = queue.index(start) if start in queue else 0
        self._mode_screen("practice").start_review(queue, first)

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


def make_app(content_dir: Path | None = None, data_dir: Path | None = None, review: bool = False) -> NodeportApp:
    """The app as the CLI, the tests and the screenshot command build it.

    Args:
        content_dir: a pack or a folder of packs (default: the built-in packs).
        data_dir: where the learner's place and progress are kept (default:
            $NODEPORT_TRAINER_DATA_DIR or the user data directory).
        review: start a "review due" session on the items due today (`nodeport-trainer review`).
    """
    return NodeportApp(AppState.load(content_dir, data_dir), review=review)
