"""Learn: the lesson on the left; the live sandbox (console, resources, packet path) on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Markdown, OptionList, TabbedContent, TabPane
from textual.widgets.option_list import Option

from ...checks.scenario import Attempt, ScenarioError
from ..messages import OpenLesson
from ..widgets.console import PromptInput, SandboxConsole
from ..widgets.pathview import PathView
from ..widgets.resources import ResourcesView
from .base import ModeScreen


class LearnScreen(ModeScreen):
    """A lesson beside its own sandbox cluster; "try it" snippets run there with one key."""

    HELP = """
# Learn

On the left, the lesson and its **Try it** commands. On the right, a live simulated
cluster (kubeadm, Kubernetes 1.32, kube-proxy in iptables mode) set up for this lesson:

- the **console**: a shell on a workstation outside the cluster with `kubectl`, `curl`,
  `trace`, `ssh NODE` (then `iptables-save`, `ipvsadm -Ln`, the kube-apiserver manifest)
  and `aws ec2 ...`. Tab completes verbs, kinds and names; ↑/↓ walk the history; type
  `help` for every command.
- **Resources**: nodes, pods, services or endpoint slices in kubectl's columns, refreshed
  after every command. Keys there (k9s style): `:` kind (`:svc`, `:po`, `:no`, `:ep`),
  `/` filter, `y` YAML, `d` describe, `j`/`k`/`g`/`G` move, `1`-`4` kinds, Esc back.
- **Path**: the last `curl` or `trace` drawn hop by hop (client, node, the iptables rule
  that matched, DNAT, the next node, SNAT, the Pod). `a` shows every rule.

Ctrl+T runs the next Try it command (or Enter on one in the list). F9 resets the sandbox
to the lesson's start. F8 / F7 go to the next / previous lesson. Ctrl+O hides or shows the
lesson, to give the sandbox the whole width. Esc in the console jumps to the resources
(Esc there clears a filter, then goes back), or to the Path view when it is shown; Ctrl+Y
switches between Resources and Path; Ctrl+G goes back to the console.
"""
    BINDINGS = [
        Binding("ctrl+t", "try_next", "Try it", id="learn-try", tooltip="Run the next Try it command"),
        # Function keys, not Ctrl+R/N/B: those belong to the shell's line editing at the prompt.
        Binding("f9", "reset", "Reset", id="learn-reset", tooltip="Reset the sandbox to the lesson's start"),
        Binding("f8", "lesson(1)", "Next", id="learn-next", tooltip="Next lesson"),
        Binding("f7", "lesson(-1)", "Prev", show=False, id="learn-prev", tooltip="Previous lesson"),
        Binding("ctrl+g", "focus_console", "Console", show=False, id="learn-console",
                tooltip="Back to the console prompt"),
        Binding("ctrl+o", "toggle_lesson", "Lesson", id="learn-toggle", tooltip="Hide or show the lesson"),
        Binding("ctrl+y", "toggle_tab", "Path/Res", id="learn-tab",
                tooltip="Switch the lower pane between Resources and the packet Path"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pack = None
        self.lesson = None
        self.attempt: Attempt | None = None
        self._pending: tuple[str, str] | None = None
        self._ready = False  # set in on_mount: is_mounted is still False while on_mount runs
        self._tried = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with VerticalScroll(id="learn-lesson"):
                yield Markdown(id="learn-text", open_links=False)
                yield OptionList(id="learn-try")
            with Vertical(id="learn-sandbox"):
                yield SandboxConsole(id="learn-console")
                with TabbedContent(id="learn-tabs"):
                    with TabPane("Resources", id="tab-resources"):
                        yield ResourcesView(id="learn-resources")
                    with TabPane("Path", id="tab-path"):
                        yield PathView(id="learn-path")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._ready = True
        self._wire_console()
        if self._pending:
            self.show_lesson(*self._pending)
            return
        last = self.state.last
        if last.get("kind") == "lesson" and self.state.lesson(last.get("pack", ""), last.get("id", "")):
            self.show_lesson(last["pack"], last["id"])
        elif self.state.sound and self.state.sound[0].lessons:
            pack = self.state.sound[0]
            self.show_lesson(pack.id, pack.lessons[0].id)
        else:
            self.query_one("#learn-text", Markdown).update("# No lessons\n\nNo sound content pack has lessons.")

    # ----------------------------------------------------------------- lessons

    def show_lesson(self, pack_id: str, lesson_id: str) -> None:
        """Open a lesson and build its sandbox (the lesson's own fixture and setup)."""
        if not self._ready:
            self._pending = (pack_id, lesson_id)
            return
        self._pending = None
        pack, lesson = self.state.pack(pack_id), self.state.lesson(pack_id, lesson_id)
        if lesson is None:
            self.notify(f"No lesson {lesson_id} in {pack_id}", severity="error")
            return
        self.pack, self.lesson = pack, lesson
        self.sub_title = lesson.title
        body = lesson.body if lesson.body.lstrip().startswith("#") else f"# {lesson.title}\n\n{lesson.body}"
        self.query_one("#learn-text", Markdown).update(body)
        tries = self.query_one("#learn-try", OptionList)
        tries.clear_options()
        # Text, not a str: a command's brackets and quotes are not Textual markup.
        tries.add_options([Option(Text(f"▶ {s.label}\n  $ {s.run}"), id=str(i))
                           for i, s in enumerate(lesson.snippets)])
        tries.border_title = "Try it (Ctrl+T runs the next, Enter runs the selected)"
        self._reset()

    def action_reset(self) -> None:
        """A fresh sandbox on the lesson's scenario (after a confirm when commands have run in it)."""
        if self.attempt is not None and self.attempt.runs:
            from ..widgets.hints import ConfirmScreen

            question = f"Reset the sandbox? The {len(self.attempt.runs)} command(s) you ran in it are undone."
            self.app.push_screen(ConfirmScreen(question, yes="Reset", no="Keep it"),
                                 lambda yes: self._reset() if yes else None)
            return
        self._reset()

    def action_toggle_tab(self) -> None:
        """Show the Path view instead of Resources, or back."""
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-path" if tabs.active == "tab-resources" else "tab-resources"

    def action_toggle_lesson(self) -> None:
        """Hide or show the lesson pane (the sandbox gets the whole width, for wide kubectl tables)."""
        pane = self.query_one("#learn-lesson")
        pane.display = not pane.display

    def _reset(self) -> None:
        if self.lesson is None:
            return
        if self.attempt is not None:
            self.attempt.close()
        try:
            self.attempt = self.lesson.scenario.start()
        except ScenarioError as exc:
            self.attempt = None
            self.notify(f"This lesson's sandbox could not start: {exc.message}", severity="error", timeout=10)
        self._tried = 0
        self.query_one(SandboxConsole).set_attempt(self.attempt)
        self.query_one(ResourcesView).set_session(self.attempt.session if self.attempt else None)
        self.query_one(PathView).show(None)
        self.query_one(PromptInput).focus()

    def action_lesson(self, step: int) -> None:
        """Go to the next or previous lesson of the pack."""
        if self.pack is None or self.lesson is None:
            return
        ids = [x.id for x in self.pack.lessons]
        i = ids.index(self.lesson.id) + step
        if 0 <= i < len(ids):
            self.app.post_message(OpenLesson(self.pack.id, ids[i]))

    # ----------------------------------------------------------------- the sandbox

    def action_try_next(self) -> None:
        """Run the next Try it snippet."""
        if self.lesson is None or not self.lesson.snippets:
            self.notify("This lesson has no Try it commands.")
            return
        if self._tried >= len(self.lesson.snippets):
            self.notify("Every Try it command has run; F9 starts the sandbox over.")
            return
        self._run_snippet(self._tried)

    def _run_snippet(self, index: int) -> None:
        snippet = self.lesson.snippets[index]
        self.query_one(SandboxConsole).run_command(snippet.run)
        self._tried = max(self._tried, index + 1)
        self.query_one("#learn-try", OptionList).highlighted = min(index + 1, len(self.lesson.snippets) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and self.lesson is not None:
            self._run_snippet(int(event.option.id))

    def _wire_console(self) -> None:
        self.query_one(SandboxConsole).after_run = self._after_command

    def _after_command(self, run) -> None:
        """After every command: refresh the resources, and draw a new path if curl or trace ran."""
        self.query_one(ResourcesView).refresh_view()
        console = self.query_one(SandboxConsole)
        last = console.attempt.session.last_trace if console.attempt else None
        path = self.query_one(PathView)
        if last is not None and last is not path.last:
            path.show(last)
            self.query_one(TabbedContent).active = "tab-path"

    def action_focus_console(self) -> None:
        self.query_one(PromptInput).focus()

    def on_resources_view_back(self) -> None:
        self.action_focus_console()

    def on_path_view_back(self) -> None:
        self.action_focus_console()

    def on_key(self, event) -> None:
        # Esc in the console goes to the resources table (k9s: Esc backs out of the prompt).
        if event.key == "escape" and isinstance(self.focused, PromptInput):
            if self.query_one(TabbedContent).active == "tab-path":
                self.query_one(PathView).focus()
            else:
                self.query_one("#resources-table").focus()
            event.stop()
