"""The sandbox console: an interactive prompt on a terminal, a script runner when stdin is not one."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable, TextIO

from ..engine.cluster import Cluster
from .session import DEFAULT_CLIENT_IP, Session
from .shell import MAX_LINE, Shell

#: Most simulated seconds one pause at the prompt may add (a lunch break is not a day).
MAX_PAUSE = 600.0
#: Physical lines kept in the prompt's history file.
HISTORY_LENGTH = 1000


def main(cluster: Cluster, workspace: Path | None = None, client_ip: str | None = None,
         stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the console over a cluster until exit or end of input.

    Args:
        cluster: the cluster the commands act on.
        workspace: the workstation's directory (created if missing); None for a temporary
            one that is removed afterwards.
        client_ip: the workstation's address (default 203.0.113.7).
        stdin, stdout, stderr: the streams (default: the process's).

    Returns:
        The exit status: the last command's, or the one given to `exit`.
    """
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    interactive = _isatty(stdin)
    temporary = None
    if workspace is None:
        temporary = tempfile.TemporaryDirectory(prefix="nodeport-sandbox-")
        workspace = Path(temporary.name)
    else:
        try:
            workspace.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = "File exists" if isinstance(exc, FileExistsError) else exc.strerror
            print(f"error: --workspace {workspace}: {reason}", file=stderr)
            return 2
    try:
        session = Session(cluster, workspace.resolve(), client_ip or DEFAULT_CLIENT_IP, script=not interactive)
        shell = Shell(session, stream=_writer(stdout, stderr))
        if interactive:
            return run_interactive(shell, stdout, stderr)
        return run_script(shell, getattr(stdin, "buffer", None) or _encoded(stdin))
    finally:
        if temporary is not None:
            temporary.cleanup()


def run_script(shell: Shell, source: BinaryIO) -> int:
    """Run a stream as a script: only the commands' own output, no prompts, no echo.

    Returns:
        The last command's exit status, or the status given to `exit`.
    """
    for line in read_lines(source):
        if line is None:
            shell.reject(f"input line too long (over {MAX_LINE} characters); it was ignored")
        else:
            shell.feed(line)
        if shell.exited is not None:
            break
    if shell.exited is None:
        shell.eof()
    return shell.exited if shell.exited is not None else shell.status


def read_lines(source: BinaryIO):
    """Yield decoded lines (invalid UTF-8 kept as surrogates, which the shell refuses as binary).

    An over-long line is read to its end in pieces and yielded as None, so memory stays bounded.
    """
    while True:
        raw = source.readline(MAX_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while (chunk := source.readline(1 << 16)) and not chunk.endswith(b"\n"):
                pass
            yield None
            continue
        yield raw.decode("utf-8", errors="surrogateescape")


def run_interactive(shell: Shell, stdout: TextIO, stderr: TextIO) -> int:
    """The prompt: line editing and history (readline), Ctrl-C cancels a line, Ctrl-D leaves."""
    session = shell.session
    readline = _readline(shell)
    nodes = ", ".join(node["metadata"]["name"] for node in session.cluster.api.iter("Node"))
    stdout.write(f"nodeport-trainer sandbox: a kubeadm cluster ({nodes}). "
                 "Type `help` for the commands; `exit` or Ctrl-D leaves.\n")
    stdout.flush()
    last = time.monotonic()
    unit_start = _history_length(readline)
    while shell.exited is None:
        prompt = "> " if shell.continuing else session.prompt
        try:
            line = input(prompt)
        except EOFError:
            shell.end_of_input()
            unit_start = _history_length(readline)
            continue
        except KeyboardInterrupt:
            stdout.write("\n")
            shell.cancel()
            unit_start = _history_length(readline)
            continue
        now = time.monotonic()
        shell.pass_time(min(now - last, MAX_PAUSE))
        try:
            shell.feed(line + "\n")
        except KeyboardInterrupt:
            stderr.write("\n")
            shell.cancel()
            shell.status = 130
        last = time.monotonic()
        if not shell.continuing:
            _squash_history(readline, unit_start)
            unit_start = _history_length(readline)
    _save_history(readline)
    return shell.exited


# ------------------------------------------------------------------ helpers

def _writer(stdout: TextIO, stderr: TextIO) -> Callable[[int, str], None]:
    def write(fd: int, text: str) -> None:
        stream = stdout if fd == 1 else stderr
        try:
            stream.write(text)
        except UnicodeEncodeError:  # a terminal that cannot show every character
            stream.write(text.encode(stream.encoding or "ascii", "replace").decode(stream.encoding or "ascii"))
        # Flush each piece so stdout and stderr keep their order on one terminal.
        stream.flush()

    return write


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _encoded:
    """A text stream seen as the binary one the script runner reads."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def readline(self, limit: int = -1) -> bytes:
        return self.stream.readline(limit).encode("utf-8", errors="surrogateescape")


def history_path() -> Path:
    """Where the prompt keeps its history: the user's data directory."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "nodeport-trainer" / "sandbox_history"


def _readline(shell: Shell):
    try:
        import readline
    except ImportError:  # no line editing on this platform: input() still works
        return None
    readline.set_history_length(HISTORY_LENGTH)
    try:
        readline.read_history_file(history_path())
    except OSError:
        pass
    readline.set_completer_delims(" \t\n;|&<>")
    readline.set_completer(_completer(shell))
    binding = "bind ^I rl_complete" if "libedit" in (readline.__doc__ or "") else "tab: complete"
    readline.parse_and_bind(binding)
    return readline


def _completer(shell: Shell):
    from .completion import complete as candidates

    cache: list[str] = []

    def complete(text: str, state: int) -> str | None:
        import readline

        if state == 0:
            cache.clear()
            word, found = candidates(shell.session, readline.get_line_buffer()[:readline.get_endidx()])
            # readline replaces only ``text`` (it splits at its own delimiters, e.g. at "/").
            cut = len(word) - len(text)
            cache.extend(c[cut:] for c in found if cut >= 0)
        return cache[state] if state < len(cache) else None

    return complete


def _history_length(readline) -> int:
    return readline.get_current_history_length() if readline else 0


def _squash_history(readline, start: int) -> None:
    """Keep a multi-line command (a heredoc) as one history entry, as bash does."""
    if readline is None:
        return
    end = readline.get_current_history_length()
    if end - start <= 1:
        return
    lines = [readline.get_history_item(i) for i in range(start + 1, end + 1)]
    for _ in range(end - start):
        readline.remove_history_item(start)
    readline.add_history("\n".join(line for line in lines if line is not None))


def _save_history(readline) -> None:
    if readline is None:
        return
    try:
        path = history_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(path)
    except OSError:
        pass


__all__ = ["MAX_PAUSE", "history_path", "main", "read_lines", "run_interactive", "run_script"]
