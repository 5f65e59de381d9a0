"""What the console's coreutils share: GNU getopt_long, usage errors, and reading FILE operands or stdin."""

from __future__ import annotations

from .host_files import read_text
from .session import FileError, Result, Session


def getopt_long(argv: list[str], spec: str, longs: dict[str, str] | None = None):
    """GNU getopt_long with argument permutation.

    Args:
        argv: the command line (argv[0] is the program).
        spec: short options; "x:" takes an argument, "x::" an optional attached one.
        longs: long name -> short key; a name ending in "=" takes an argument, "=?" an optional one.

    Returns:
        (options as (key, value) pairs, operands), or an error message without the program name.
    """
    longs = longs or {}
    opts: list[tuple[str, str | None]] = []
    operands: list[str] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            operands += argv[i:]
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            exact = [k for k in longs if k.rstrip("=?") == name]
            found = exact or [k for k in longs if k.rstrip("=?").startswith(name)]
            if len({longs[k] for k in found}) != 1:
                return f"unrecognized option '{arg}'" if not found else f"option '{arg}' is ambiguous"
            key = found[0]
            if key.endswith("=?"):
                opts.append((longs[key], value if eq else None))
            elif key.endswith("="):
                if not eq:
                    if i >= len(argv):
                        return f"option '--{key[:-1]}' requires an argument"
                    value, i = argv[i], i + 1
                opts.append((longs[key], value))
            elif eq:
                return f"option '--{key}' doesn't allow an argument"
            else:
                opts.append((longs[key], None))
            continue
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        j = 1
        while j < len(arg):
            c = arg[j]
            at = spec.find(c)
            if c == ":" or at < 0:
                return f"invalid option -- '{c}'"
            if spec[at + 1:at + 2] != ":":
                opts.append((c, None))
                j += 1
                continue
            if j + 1 < len(arg):
                opts.append((c, arg[j + 1:]))
            elif spec[at + 2:at + 3] == ":":
                opts.append((c, None))
            elif i < len(argv):
                opts.append((c, argv[i]))
                i += 1
            else:
                return f"option requires an argument -- '{c}'"
            break
    return opts, operands


def usage_error(tool: str, message: str, status: int = 1, tail: str | None = None) -> Result:
    tail = f"Try '{tool} --help' for more information.\n" if tail is None else tail
    return Result("", f"{tool}: {message}\n{tail}", status)


def unsupported_option(tool: str, key: str, status: int) -> Result:
    return Result("", f"{tool}: option -{key} is not supported in this console\n", status)


def read_inputs(session: Session, tool: str, files: list[str], stdin: str, message: str = "{tool}: {path}: {reason}"):
    """Yield (name, text) per operand ("-" or none: stdin), and error lines for unreadable ones."""
    for path in files or ["-"]:
        if path == "-":
            yield path, stdin, None
            continue
        text = read_text(session, path)
        if isinstance(text, FileError):
            yield path, None, message.format(tool=tool, path=path, reason=text.reason) + "\n"
        else:
            yield path, text, None


def text_lines(text: str) -> list[str]:
    """Lines without their newlines; a last line without one still counts."""
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []


__all__ = ["getopt_long", "read_inputs", "text_lines", "unsupported_option", "usage_error"]
