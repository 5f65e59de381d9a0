"""The shell's file descriptors (terminal, pipe buffer, /dev/null, file) and the signals that end a command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .host_files import write_text

if TYPE_CHECKING:
    from .shell import Shell


class Sink:
    """Where a file descriptor's output goes."""

    def write(self, text: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Buffer(Sink):
    """A pipe, or the output of $(...): what was written, kept in memory."""

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)

    def text(self) -> str:
        return "".join(self.chunks)


class Null(Sink):
    """/dev/null and closed descriptors."""

    def write(self, text: str) -> None:
        pass


class Terminal(Sink):
    """The console: output goes to the shell's result (and its stream) as it is written."""

    def __init__(self, shell: "Shell", fd: int) -> None:
        self.shell, self.fd = shell, fd

    def write(self, text: str) -> None:
        self.shell._emit(self.fd, text)


class File(Sink):
    """A file a redirection opened: each write appends; the first failure is reported once."""

    def __init__(self, shell: "Shell", path: str, shown: str) -> None:
        self.shell, self.path, self.shown, self.failed = shell, path, shown, False

    def write(self, text: str) -> None:
        if not text or self.failed:
            return
        error = write_text(self.shell.session, self.path, text, append=True)
        if error is not None:
            self.failed = True
            self.shell._emit(2, f"bash: {self.shown}: {error.reason}\n")


class ExpansionError(Exception):
    """An expansion or redirection failed: the command does not run; the message goes to stderr."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unwind(Exception):
    """`exit` ends the current shell (or the $(...) subshell it ran in)."""

    def __init__(self, status: int, leave: bool = False) -> None:
        super().__init__(status)
        self.status, self.leave = status, leave


__all__ = ["Buffer", "ExpansionError", "File", "Null", "Sink", "Terminal", "Unwind"]
