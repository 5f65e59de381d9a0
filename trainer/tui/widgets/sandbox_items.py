"""Drill, troubleshooting and command panels: answers the engine plays on a sandbox cluster."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Static, TabbedContent, TabPane, TextArea

from ...checks.scenario import Attempt, ScenarioError
from ...content import grading
from ...content.model import Answer
from .console import PromptInput, SandboxConsole
from .hints import ConfirmScreen
from .items import ItemPanel


def transcript(result: grading.ItemResult, intro: str) -> str:
    """Markdown: what the answer's commands printed on the item's own scenario.

    Args:
        result: a grade from run_answer (its runs are numbered by scenario: 0 is the item's own).
        intro: the sentence before the transcript.
    """
    runs = [run for n, run in result.runs if n == 0]
    if not runs:
        return ""
    lines = []
    for run in runs:
        lines.append(f"$ {run.command}")
        lines += [text.rstrip("\n") for text in (run.result.stdout, run.result.stderr) if text.strip()]
    variants = len({n for n, _ in result.runs}) - 1
    also = f"\n\nIt also ran on {variants} other cluster(s), so that it must work beyond this one." if variants else ""
    return f"{intro}\n\n```text\n" + "\n".join(lines) + "\n```" + also


class DrillPanel(ItemPanel):
    """A drill: edit the starter manifests in a YAML editor; checking applies them to a fresh cluster."""

    DEFAULT_CSS = """
    DrillPanel #drill-files { height: auto; margin-top: 1; }
    DrillPanel TextArea { height: 50vh; min-height: 8; }
    DrillPanel SandboxConsole { height: 40vh; min-height: 10; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+r", "retry", "Reset", id="item-retry", tooltip="Put the starter files back (asks first)"),
        Binding("f7", "try_it", "Try it", id="drill-try", priority=True,
                tooltip="Apply your files in a sandbox of this drill's cluster, to try them with kubectl and curl"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.starter = dict(sorted((self.item.starter or {"answer.yaml": ""}).items()))
        self.checked_files: dict[str, str] = {}
        #: A sandbox to try the files in (made on the first F7); checking never uses it.
        self.sandbox: Attempt | None = None

    def action_try_it(self) -> None:
        """Apply the editors' files in the drill's sandbox and open its console below the editor."""
        if self.sandbox is None:
            try:
                self.sandbox = grading.start(self.item)
            except ScenarioError as exc:
                self.notify(f"This drill's cluster cannot start: {exc.message}", severity="error")
                return
            self.mount(SandboxConsole(self.sandbox, id="item-console"), after="#drill-files")
            self.call_after_refresh(self._apply_in_sandbox)
            return
        self._apply_in_sandbox()

    def _apply_in_sandbox(self) -> None:
        console = self.query_one(SandboxConsole)
        for name, text in self.files.items():
            self.sandbox.write(name, text)
            console.run_command(f"kubectl apply -f {name}")
        console.query_one(PromptInput).focus()

    def on_unmount(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()

    def compose_answer(self) -> Iterable[Widget]:
        with TabbedContent(id="drill-files"):
            for n, (name, text) in enumerate(self.starter.items()):
                with TabPane(name, id=f"drill-file-{n}"):
                    yield TextArea.code_editor(text, language="yaml", id=f"drill-editor-{n}")
        yield Static("Edit, then Ctrl+S: each file is applied with kubectl apply -f on a fresh copy of the cluster "
                     "and checked. F7 tries your files first in a sandbox with a console (kubectl, curl). "
                     "Esc leaves the editor.", classes="item-howto")

    def focus_answer(self) -> None:
        self.query_one("#drill-editor-0", TextArea).focus()

    @property
    def files(self) -> dict[str, str]:
        """The editors' text, by file name."""
        return {name: self.query_one(f"#drill-editor-{n}", TextArea).text for n, name in enumerate(self.starter)}

    def action_check(self) -> None:
        if self.busy:
            return
        item, files = self.item, self.files
        self.checked_files = files
        self.grade_in_background(lambda: grading.run_answer(item, Answer(files=files)),
                                 busy="Checking… (applying your files to a fresh copy of the cluster)")

    def checked(self, result: grading.ItemResult) -> None:
        self.report(result, transcript(result, "kubectl said:"), files=self.checked_files)

    def action_retry(self) -> None:
        """Put the starter files back, after a confirm (the edits are lost)."""
        self.app.push_screen(ConfirmScreen("Put the starter files back? Your edits are lost.", yes="Reset"),
                             self._reset)

    def _reset(self, yes: bool | None) -> None:
        if not yes:
            return
        for n, text in enumerate(self.starter.values()):
            self.query_one(f"#drill-editor-{n}", TextArea).text = text
        self.results.clear()
        self.focus_answer()


class TroubleshootPanel(ItemPanel):
    """Troubleshooting: a live sandbox on the broken cluster; checking judges it as it stands."""

    DEFAULT_CSS = """
    TroubleshootPanel SandboxConsole { height: 50vh; min-height: 10; margin-top: 1; }
    """
    BINDINGS = [Binding("ctrl+r", "retry", "Restart", id="item-retry",
                        tooltip="A fresh copy of the broken cluster (asks first)")]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sandbox: Attempt | None = None
        self.problem = ""
        self._start()

    def _start(self) -> None:
        try:
            self.sandbox = grading.start(self.item)
        except ScenarioError as exc:
            self.problem = exc.message
        except Exception as exc:  # a pack the loader let through must not crash the app
            self.problem = f"{type(exc).__name__}: {exc}"

    def compose_answer(self) -> Iterable[Widget]:
        if self.sandbox is None:
            yield Static(f"This item's cluster cannot be built: {self.problem}\nIt is a problem in the content "
                         "pack, not yours.", classes="item-problem", markup=False)
            return
        yield SandboxConsole(self.sandbox, id="item-console")
        yield Static("Investigate and fix it in the console, then Ctrl+S checks the cluster as it stands.",
                     classes="item-howto")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("check", "retry") and self.sandbox is None:
            return False
        return super().check_action(action, parameters)

    def focus_answer(self) -> None:
        if self.sandbox is not None:
            self.query_one(PromptInput).focus()

    def action_check(self) -> None:
        # Judged here, not in a worker: the learner's console changes this cluster on the UI thread.
        if self.sandbox is not None:
            sandbox, item = self.sandbox, self.item
            self.report(self.safely(lambda: grading.judge(item, sandbox)))

    def action_retry(self) -> None:
        """Start again from the broken cluster, after a confirm (the fixes are lost)."""
        self.app.push_screen(ConfirmScreen("Start again from the broken cluster? What you changed is lost.",
                                           yes="Restart"), self._restart)

    def _restart(self, yes: bool | None) -> None:
        if not yes:
            return
        old = self.sandbox
        self._start()
        if old is not None:
            old.close()
        if self.sandbox is not None:
            self.query_one(SandboxConsole).set_attempt(self.sandbox)
        self.results.clear()
        self.focus_answer()

    def on_unmount(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()


class CommandPanel(ItemPanel):
    """A command item: one command, run on a fresh copy of the scenario and on each variant."""

    DEFAULT_CSS = """
    CommandPanel #command-input { margin-top: 1; }
    """
    BINDINGS = [Binding("ctrl+s,f9", "check", "Run", id="item-check", tooltip="Run your command and check it"),
                Binding("ctrl+r", "retry", "Clear", id="item-retry", tooltip="Clear the command and the result")]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.command = ""

    def compose_answer(self) -> Iterable[Widget]:
        yield Input(placeholder="one command, e.g. kubectl get …", id="command-input")
        yield Static("Enter or Ctrl+S runs it on a fresh copy of the cluster, then checks what it printed.",
                     classes="item-howto")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_check()

    def action_check(self) -> None:
        text = self.query_one("#command-input", Input).value.strip()
        if not text:
            self.notify("Type a command first.", severity="warning")
            return
        if self.busy:
            return
        self.command = text
        item = self.item
        # run_answer keeps the truth to the cluster before the command and replays the variants.
        self.grade_in_background(lambda: grading.run_answer(item, Answer(commands=text)),
                                 busy="Running your command on a fresh copy of the cluster…")

    def checked(self, result: grading.ItemResult) -> None:
        self.report(result, transcript(result, "Your command printed:"))

    def action_retry(self) -> None:
        """Clear the command and the result."""
        self.query_one("#command-input", Input).value = ""
        self.results.clear()
        self.focus_answer()
