"""Files on the current host (the workstation's workspace, or a node), with errors worded as coreutils words them."""

from __future__ import annotations

import os
import posixpath

from .session import FileError, Session

#: Directories every node has, even when the console holds no file in them.
NODE_DIRS = frozenset({"/", "/root", "/etc", "/etc/kubernetes", "/home", "/opt", "/tmp", "/usr", "/var",
                       "/var/log"})


def cwd(session: Session) -> str:
    """The current directory: $PWD, else the workspace (or /root on a node)."""
    default = os.path.abspath(session.workspace) if session.host is None else "/root"
    pwd = session.env.get("PWD", "")
    return pwd if pwd.startswith("/") else default


def host_path(session: Session, path: str) -> str | FileError:
    """An absolute path on the current host; on the workstation, only inside the workspace."""
    full = posixpath.normpath(posixpath.join(cwd(session), path))
    full = "/" + full.lstrip("/")
    if session.host is None and full != "/dev/null":
        root = os.path.realpath(session.workspace)
        real = os.path.realpath(full)
        if real != root and not real.startswith(root.rstrip("/") + "/"):
            return FileError(path, "Permission denied")
    return full


def read_text(session: Session, path: str) -> str | FileError:
    """A file's text, with errors worded as coreutils words them (for the path as given)."""
    full = host_path(session, path)
    if isinstance(full, FileError):
        return full
    if full == "/dev/null":
        return ""
    if session.host is not None and full in NODE_DIRS:
        return FileError(path, "Is a directory")
    text = session.read_file(full)
    return FileError(path, text.reason) if isinstance(text, FileError) else text


def write_text(session: Session, path: str, text: str, append: bool = False) -> FileError | None:
    """Write or append to a file on the current host."""
    full = host_path(session, path)
    if isinstance(full, FileError):
        return full
    if full == "/dev/null":
        return None
    if session.host is not None and is_directory(session, full):
        return FileError(path, "Is a directory")
    error = session.write_file(full, text, append=append)
    return FileError(path, error.reason) if error is not None else None


def open_for_write(session: Session, path: str, append: bool) -> str | FileError:
    """Create or truncate a file for a redirection, as the shell does before the command runs."""
    error = write_text(session, path, "", append=append)
    return error if error is not None else host_path(session, path)


def list_names(session: Session, path: str) -> list[str] | FileError:
    """Names in a directory (a file lists as itself)."""
    full = host_path(session, path)
    if isinstance(full, FileError):
        return full
    names = session.list_dir(full)
    if isinstance(names, FileError):
        return [] if session.host is not None and full in NODE_DIRS else FileError(path, names.reason)
    return names


def is_directory(session: Session, path: str) -> bool:
    """Whether a path names a directory on the current host."""
    full = host_path(session, path)
    if isinstance(full, FileError):
        return False
    return (session.host is not None and full in NODE_DIRS) or session.is_dir(full)


__all__ = ["NODE_DIRS", "cwd", "host_path", "is_directory", "list_names", "open_for_write", "read_text",
           "write_text"]
