"""A console session: the cluster, where the learner is, their files, and command results."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..engine.cluster import Cluster

DEFAULT_CLIENT_IP = "203.0.113.7"
#: Largest file the console reads or writes, so a runaway heredoc cannot fill the disk.
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class Result:
    """What one command printed, and its exit status."""

    stdout: str = ""
    stderr: str = ""
    status: int = 0


#: A console command: (session, argv with argv[0] the command name, stdin text) -> Result.
CommandFn = Callable[["Session", list[str], str], Result]


@dataclass
class FileError:
    """A file operation that failed, worded like coreutils (e.g. "No such file or directory")."""

    path: str
    reason: str


class Session:
    """One learner's console: a live cluster, a workstation with a workspace, and node shells.

    Attributes:
        cluster: the engine cluster every command acts on.
        workspace: the workstation's working directory (a real directory).
        client_ip: the workstation's address, as an external client of the cluster.
        env: shell variables.
        host: None on the workstation; a node's name inside ``ssh NODE``.
        node_files: each node's own files (path -> text), e.g. the control plane's
            /etc/kubernetes/manifests/kube-apiserver.yaml.
        notices: lines the console prints after a command (e.g. an apiserver restart).
        script: True when commands come from a script (stdin not a terminal).
    """

    def __init__(self, cluster: Cluster, workspace: Path, client_ip: str = DEFAULT_CLIENT_IP,
                 script: bool = False) -> None:
        self.cluster = cluster
        self.workspace = Path(workspace)
        self.client_ip = client_ip
        self.env: dict[str, str] = {"HOME": str(self.workspace), "USER": "learner", "PWD": str(self.workspace)}
        self.host: str | None = None
        self.node_files: dict[str, dict[str, str]] = {}
        self.notices: list[str] = []
        self.script = script
        #: Hooks run after every command line (the kubelet watching static Pod manifests).
        self.after_command: list[Callable[["Session"], None]] = []
        #: The last connection curl or trace followed (curl.LastTrace), for the app's path view.
        self.last_trace: object = None

    @property
    def prompt(self) -> str:
        """The shell prompt: the workstation with its client IP, or root on a node."""
        if self.host is None:
            return f"learner@workstation ({self.client_ip}) $ "
        return f"root@{self.host}:~# "

    # ----------------------------------------------------------------- files

    def resolve(self, path: str) -> str:
        """An absolute path on the current host (relative to the working directory, or /root on a node)."""
        base = self.env.get("PWD", str(self.workspace)) if self.host is None else "/root"
        return posixpath.normpath(posixpath.join(base, path))

    def _outside(self, full: str) -> bool:
        """Whether a workstation path leaves the workspace (the console may not touch the real machine)."""
        root = posixpath.normpath(str(self.workspace))
        return self.host is None and full != root and not full.startswith(root + "/")

    def read_file(self, path: str) -> str | FileError:
        """Read a text file on the current host."""
        full = self.resolve(path)
        if self._outside(full):
            # The workstation is the workspace: nothing else exists for the learner.
            return FileError(path, "No such file or directory")
        if self.host is not None:
            files = self.node_files.get(self.host, {})
            if full in files:
                return files[full]
            if any(p.startswith(full + "/") for p in files):
                return FileError(path, "Is a directory")
            return FileError(path, "No such file or directory")
        target = Path(full)
        try:
            if target.is_dir():
                return FileError(path, "Is a directory")
            if target.stat().st_size > MAX_FILE_BYTES:
                return FileError(path, "File too large")
            return target.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return FileError(path, "No such file or directory")
        except OSError as exc:
            return FileError(path, exc.strerror or "Input/output error")

    def write_file(self, path: str, text: str, append: bool = False) -> FileError | None:
        """Write (or append to) a text file on the current host."""
        if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
            return FileError(path, "File too large")
        full = self.resolve(path)
        if self._outside(full):
            return FileError(path, "Permission denied")
        if self.host is not None:
            files = self.node_files.setdefault(self.host, {})
            files[full] = (files.get(full, "") if append else "") + text
            return None
        target = Path(full)
        try:
            with open(target, "a" if append else "w", encoding="utf-8") as fh:
                fh.write(text)
        except FileNotFoundError:
            return FileError(path, "No such file or directory")
        except IsADirectoryError:
            return FileError(path, "Is a directory")
        except OSError as exc:
            return FileError(path, exc.strerror or "Input/output error")
        return None

    def list_dir(self, path: str = ".") -> list[str] | FileError:
        """Names in a directory on the current host, sorted; a file lists as itself."""
        full = self.resolve(path)
        if self._outside(full):
            return FileError(path, "Permission denied")
        if self.host is not None:
            files = self.node_files.get(self.host, {})
            if full in files:
                return [posixpath.basename(full)]
            prefix = full.rstrip("/") + "/"
            names = sorted({p[len(prefix):].split("/", 1)[0] for p in files if p.startswith(prefix)})
            return names if names or full in ("/", "/root") else FileError(path, "No such file or directory")
        target = Path(full)
        if target.is_file():
            return [target.name]
        if not target.is_dir():
            return FileError(path, "No such file or directory")
        return sorted(p.name for p in target.iterdir())

    def is_dir(self, path: str) -> bool:
        """Whether a path names a directory on the current host."""
        full = self.resolve(path)
        if self._outside(full):
            return False
        if self.host is not None:
            return any(p.startswith(full.rstrip("/") + "/") for p in self.node_files.get(self.host, {}))
        return Path(full).is_dir()


__all__ = ["CommandFn", "DEFAULT_CLIENT_IP", "FileError", "Result", "Session"]
