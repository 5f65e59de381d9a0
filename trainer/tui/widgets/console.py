"""The sandbox console: a prompt with history and completion over a live simulated cluster."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, RichLog

from ...checks.scenario import Attempt, Run
from ...sandbox.completion import complete
from ...sandbox.console import MAX_PAUSE


class PromptInput(Input):
    """The console's input line: ↑/↓ walk the history, Tab completes."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False, id="console-history-up", tooltip="The previous command"),
        Binding("down", "history(1)", "Next", show=False, id="console-history-down", tooltip="The next command"),
        Binding("tab", "complete", "Complete", show=False, id="console-complete",
                tooltip="Complete the word before the cursor"),
        Binding("ctrl+l", "clear_log", "Clear", show=False, id="console-clear", tooltip="Clear the console output"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._cursor = 0

    def remember(self, line: str) -> None:
        """Add a line to the history (repeats collapse, like bash's ignoredups)."""
        if line.strip() and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self._cursor = len(self.history)

    def action_history(self, step: int) -> None:
        """Show the previous or next history line."""
        if not self.history:
            return
        self._cursor = max(0, min(len(self.history), self._cursor + step))
        self.value = self.history[self._cursor] if self._cursor < len(self.history) else ""
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        """Complete the word before the cursor; several candidates are listed in the log."""
        console = next((a for a in self.ancestors if isinstance(a, SandboxConsole)), None)
        if console is None or console.attempt is None:
            return
        before = self.value[: self.cursor_position]
        word, found = complete(console.attempt.session, before)
        if not found:
            return
        common = found[0] if len(found) == 1 else _common_prefix(found)
        if len(common) > len(word):
            head = before[: len(before) - len(word)]
            self.value = head + common + self.value[self.cursor_position:]
            self.cursor_position = len(head + common)
        elif len(found) > 1:
            console.show_candidates(found)

    def action_clear_log(self) -> None:
        """Clear the console's output (Ctrl+L)."""
        console = next((a for a in self.ancestors if isinstance(a, SandboxConsole)), None)
        if console is not None:
            console.query_one(RichLog).clear()


def _common_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


class SandboxConsole(Vertical):
    """A shell over one sandbox attempt; after_run is called after every complete command."""

    DEFAULT_CSS = """
    SandboxConsole { height: 1fr; }
    SandboxConsole > RichLog { height: 1fr; background: $surface; padding: 0 1; }
    SandboxConsole > PromptInput { dock: bottom; }
    """

    def __init__(self, attempt: Attempt | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.attempt = attempt
        #: Called with each Run, so its owner's views update in the same frame as the output
        #: (a message would be handled a frame later).
        self.after_run = None
        self._last = time.monotonic()
        self._interactive(attempt)

    def _interactive(self, attempt: Attempt | None) -> None:
        # A learner at the prompt: the cluster's clock follows real time (AGE counts up, grace periods
        # end), as in the interactive console, instead of one second per command as in a script.
        if attempt is not None:
            attempt.session.script = False
            # Output as the shell produces it, so stdout and stderr interleave as on a terminal
            # (curl -v's "> GET" lines before the page, not after).
            attempt.shell.stream = self._stream
        self._last = time.monotonic()
        self._pending: list[tuple[int, str]] = []

    def _stream(self, fd: int, text: str) -> None:
        self._pending.append((fd, text))

    def compose(self) -> ComposeResult:
        yield RichLog(wrap=True, markup=False, highlight=False, auto_scroll=True, id="console-log")
        yield PromptInput(placeholder="type a command (Tab completes, ↑↓ history, `help` lists commands)",
                          id="console-input")

    def on_mount(self) -> None:
        self._banner()

    def set_attempt(self, attempt: Attempt | None) -> None:
        """Point the console at another sandbox (a lesson's or an item's), clearing its output."""
        self.attempt = attempt
        self._interactive(attempt)
        if self.is_mounted:
            self.query_one(RichLog).clear()
            self._banner()

    def _banner(self) -> None:
        log = self.query_one(RichLog)
        if self.attempt is None:
            log.write(Text("No sandbox here.", style="italic"))
            return
        log.write(Text(f"Workstation outside the cluster, address {self.attempt.session.client_ip}. "
                       "Try: kubectl get nodes -o wide", style="dim"))

    @property
    def prompt(self) -> str:
        """The prompt echoed before a command: "$ " on the workstation (its full form, with the client
        address, is in the banner), "root@node01# " on a node, "> " while a heredoc or a quote is open."""
        if self.attempt is None:
            return "$ "
        if self.attempt.shell.continuing:
            return "> "
        host = self.attempt.session.host
        return f"root@{host}# " if host else "$ "

    def show_candidates(self, words: list[str]) -> None:
        """List completion candidates under the prompt, as bash does on a second Tab."""
        self.query_one(RichLog).write(Text("  ".join(w.strip() for w in words[:60]), style="dim"))

    def run_command(self, line: str) -> Run | None:
        """Type a line (or several) at the prompt; returns the last complete command's Run."""
        if self.attempt is None:
            return None
        log = self.query_one(RichLog)
        last = None
        now = time.monotonic()
        self.attempt.shell.pass_time(min(now - self._last, MAX_PAUSE))
        self._last = now
        for physical in line.splitlines() or [""]:
            log.write(Text(self.prompt, style="bold") + Text(physical))
            run = self.attempt.feed(physical)
            if self.attempt.shell.exited is not None:
                # `exit` on the workstation would end the shell for good; here it is the whole sandbox.
                self.attempt.shell.exited = None
                log.write(Text("There is nothing to leave: this console is the workstation. (Inside "
                               "`ssh NODE`, exit goes back.) The lesson or item keeps its sandbox.", style="italic"))
            chunks, self._pending = self._pending, []
            if chunks:
                out = Text()
                for fd, chunk in chunks:
                    out.append(chunk, style="bold" if fd == 2 else "")  # stderr in bold: not by colour alone
                out.rstrip()
                log.write(out)
            if run is None:
                continue
            last = run
            if self.after_run is not None:
                self.after_run(run)
        return last

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        prompt = self.query_one(PromptInput)
        prompt.remember(event.value)
        prompt.value = ""
        self.run_command(event.value)
