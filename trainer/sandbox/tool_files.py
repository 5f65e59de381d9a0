"""cat and ls over the current host's files, with GNU coreutils' options, columns and long listing."""

from __future__ import annotations

import datetime as _dt
import os
import posixpath

from .host_files import host_path, is_directory, list_names, read_text
from .session import FileError, Result, Session
from .shell import shell_for
from .tool_common import getopt_long, read_inputs, unsupported_option, usage_error


def cat(session: Session, argv: list[str], stdin: str) -> Result:
    """Concatenate files (stdin for none or "-"); -n numbers lines."""
    parsed = getopt_long(argv, "AbeEnstTuv", {"number": "n", "show-all": "A", "number-nonblank": "b",
                                              "squeeze-blank": "s", "show-ends": "E", "show-tabs": "T",
                                              "show-nonprinting": "v", "help": "h", "version": "V"})
    if isinstance(parsed, str):
        return usage_error("cat", parsed)
    opts, files = parsed
    for key, _ in opts:
        if key not in "nu":
            return unsupported_option("cat", key, 1)
    number = any(key == "n" for key, _ in opts)
    out, err, line_no = [], [], 0
    for _, text, problem in read_inputs(session, "cat", files, stdin):
        if problem:
            err.append(problem)
            continue
        if number:
            numbered = []
            for line in text.splitlines(keepends=True):
                line_no += 1
                numbered.append(f"{line_no:6d}\t{line}")
            text = "".join(numbered)
        out.append(text)
    return Result("".join(out), "".join(err), 1 if err else 0)


def ls(session: Session, argv: list[str], stdin: str) -> Result:
    """List directories: -a, -A, -1 and -l; columns on a terminal, one per line otherwise."""
    parsed = getopt_long(argv, "abcdfghiklmnopqrstuvw:xABCDFGHI:LNQRST:UXZ1",
                         {"all": "a", "almost-all": "A", "help": "h", "version": "V"})
    if isinstance(parsed, str):
        return usage_error("ls", parsed, 2)
    opts, paths = parsed
    flags = {key for key, _ in opts}
    for key in flags - set("aA1l"):
        return unsupported_option("ls", key, 2)
    err, files, dirs = [], [], []
    for path in paths or ["."]:
        if is_directory(session, path):
            dirs.append(path)
            continue
        names = list_names(session, path)
        if isinstance(names, FileError):
            verb = "open directory" if names.reason == "Permission denied" else "access"
            err.append(f"ls: cannot {verb} '{path}': {names.reason}\n")
        else:
            files.append(path)
    shell = shell_for(session)
    columns = shell is not None and shell.stdout_is_terminal and "1" not in flags and "l" not in flags
    blocks = []
    if files:
        blocks.append(_ls_block(session, sorted(files), "l" in flags, columns, ".", listing=False))
    for path in sorted(dirs):
        names = list_names(session, path)
        names = names if isinstance(names, list) else []
        if "a" in flags:
            names = sorted([".", ".."] + names)
        elif "A" not in flags:
            names = [n for n in names if not n.startswith(".")]
        heading = f"{path}:\n" if len(paths) > 1 else ""
        blocks.append(heading + _ls_block(session, names, "l" in flags, columns, path, listing=True))
    return Result("\n".join(blocks), "".join(err), 2 if err else 0)


def _ls_block(session: Session, names: list[str], long: bool, columns: bool, base: str, listing: bool) -> str:
    if long:
        return _ls_long(session, names, base, listing)
    if not columns:
        return "".join(name + "\n" for name in names)
    import shutil

    return _columns(names, shutil.get_terminal_size((80, 24)).columns)


def _columns(names: list[str], width: int) -> str:
    """GNU ls -C: as many columns as fit, filled top to bottom, padded with tabs as ls pads."""
    if not names:
        return ""
    n = len(names)
    best = [len(name) for name in names]
    chosen = 1
    for cols in range(min(n, max(width // 3, 1)), 0, -1):
        rows = -(-n // cols)
        widths = [0] * cols
        for i, name in enumerate(names):
            col = i // rows
            widths[col] = max(widths[col], len(name) + (0 if col == cols - 1 else 2))
        if sum(widths) < width and -(-n // rows) == cols:
            chosen, best = cols, widths
            break
    rows = -(-n // chosen)
    out = []
    for row in range(rows):
        line, pos, i, col = [], 0, row, 0
        while True:
            name = names[i]
            line.append(name)
            target = pos + best[col]
            col += 1
            i += rows
            if i >= n:
                break
            here = pos + len(name)
            while here < target:  # ls's indent(): a tab when it reaches the next tab stop
                if target // 8 > (here + 1) // 8:
                    line.append("\t")
                    here += 8 - here % 8
                else:
                    line.append(" ")
                    here += 1
            pos = target
        out.append("".join(line) + "\n")
    return "".join(out)


def _ls_long(session: Session, names: list[str], base: str, listing: bool) -> str:
    rows, blocks = [], 0
    owner = "learner" if session.host is None else "root"
    for name in names:
        path = posixpath.join(base, name) if listing else name
        directory = name in (".", "..") or is_directory(session, path)
        text = "" if directory else read_text(session, path)
        size = 4096 if directory else len(text.encode()) if isinstance(text, str) else 0
        blocks += 4 * -(-size // 4096)
        when = session.cluster.clock.now
        full = host_path(session, path)
        if session.host is None and isinstance(full, str) and os.path.exists(full):
            when = os.stat(full).st_mtime
        stamp = _dt.datetime.fromtimestamp(when, _dt.timezone.utc).strftime("%b %e %H:%M")
        mode = "drwxr-xr-x" if directory else "-rw-r--r--"
        rows.append((mode, "2" if directory else "1", str(size), stamp, name))
    width = max((len(r[2]) for r in rows), default=1)
    links = max((len(r[1]) for r in rows), default=1)
    head = f"total {blocks}\n" if listing else ""
    return head + "".join(f"{m} {n:>{links}} {owner} {owner} {s:>{width}} {t} {name}\n"
                          for m, n, s, t, name in rows)


__all__ = ["cat", "ls"]
