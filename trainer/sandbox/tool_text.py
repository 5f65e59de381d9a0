"""Text filters: head, tail, wc and grep, with GNU coreutils' options and messages."""

from __future__ import annotations

import re

from .session import Result, Session
from .tool_common import getopt_long, read_inputs, text_lines, unsupported_option, usage_error
from .tool_regex import RegexError, translate_regex


def head(session: Session, argv: list[str], stdin: str) -> Result:
    """The first lines of files (-n N, -n -N, -N)."""
    return _head_tail(session, argv, stdin, "head")


def tail(session: Session, argv: list[str], stdin: str) -> Result:
    """The last lines of files (-n N, -n +N, -N)."""
    return _head_tail(session, argv, stdin, "tail")


def _head_tail(session: Session, argv: list[str], stdin: str, tool: str) -> Result:
    # The obsolete -N form, which GNU accepts only as the first argument.
    if len(argv) > 1 and re.fullmatch(r"-\d+", argv[1]):
        if tool == "tail" and len(argv) > 3:
            return Result("", f"tail: option used in invalid context -- {argv[1][1]}\n", 1)
        argv = [argv[0], "-n", argv[1][1:], *argv[2:]]
    spec, longs = ("c:n:qvz", {"lines=": "n", "quiet": "q", "silent": "q", "verbose": "v"}) if tool == "head" \
        else ("c:n:fFqvsz", {"lines=": "n", "quiet": "q", "silent": "q", "verbose": "v"})
    parsed = getopt_long(argv, spec, longs)
    if isinstance(parsed, str):
        return usage_error(tool, parsed)
    opts, files = parsed
    count, mode, headers = 10, "", len(files) > 1
    for key, value in opts:
        if key == "n":
            match = re.fullmatch(r"([-+]?)(\d+)", value or "")
            if not match:
                return Result("", f"{tool}: invalid number of lines: ‘{value}’\n", 1)
            mode, count = match.group(1), int(match.group(2))
        elif key in "qv":
            headers = key == "v"
        else:
            return unsupported_option(tool, key, 1)
    out, err = [], []
    message = "{tool}: cannot open '{path}' for reading: {reason}"
    for index, (name, text, problem) in enumerate(read_inputs(session, tool, files, stdin, message)):
        if problem:
            err.append(problem)
            continue
        lines = text.splitlines(keepends=True)
        if tool == "head":
            picked = lines[:max(len(lines) - count, 0)] if mode == "-" else lines[:count]
        else:
            picked = lines[max(count - 1, 0):] if mode == "+" else lines[len(lines) - count:] if count else []
        if headers:
            shown = "standard input" if name == "-" else name
            out.append(("\n" if index else "") + f"==> {shown} <==\n")
        out.append("".join(picked))
    return Result("".join(out), "".join(err), 1 if err else 0)


def wc(session: Session, argv: list[str], stdin: str) -> Result:
    """Count lines, words and bytes (-l, -w, -c, -m)."""
    parsed = getopt_long(argv, "clLmw", {"bytes": "c", "chars": "m", "lines": "l", "words": "w"})
    if isinstance(parsed, str):
        return usage_error("wc", parsed)
    opts, files = parsed
    keys = {key for key, _ in opts}
    if "L" in keys:
        return unsupported_option("wc", "L", 1)
    shown = [k for k in "lwmc" if k in keys] or ["l", "w", "c"]
    rows, err, size = [], [], 0
    for name, text, problem in read_inputs(session, "wc", files, stdin):
        if problem:
            err.append(problem)
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "m": len(text), "c": len(text.encode())}
        size += counts["c"]
        rows.append(([counts[k] for k in shown], "" if name == "-" and not files else name))
    if len(rows) > 1:
        rows.append(([sum(r[0][i] for r in rows) for i in range(len(shown))], "total"))
    # GNU wc: one count alone is unpadded; a pipe may hold anything (7 wide); files, their total size.
    width = 1 if len(shown) == 1 and len(rows) == 1 else 7 if not files or "-" in files else len(str(size))
    out = "".join(" ".join(f"{v:>{width}}" for v in values) + (f" {name}" if name else "") + "\n"
                  for values, name in rows)
    return Result(out, "".join(err), 1 if err else 0)


def grep(session: Session, argv: list[str], stdin: str) -> Result:
    """Print lines that match: -E -F -i -v -c -n -l -L -o -q -s -w -x -h -H -e."""
    usage = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
    parsed = getopt_long(argv, "0123456789A:B:C:D:EFGHIJLNPRTUVX:abcd:e:f:hiLlm:noqRrsuvwxyZz",
                         {"extended-regexp": "E", "fixed-strings": "F", "basic-regexp": "G", "ignore-case": "i",
                          "invert-match": "v", "count": "c", "line-number": "n", "files-with-matches": "l",
                          "files-without-match": "L", "only-matching": "o", "quiet": "q", "silent": "q",
                          "no-messages": "s", "word-regexp": "w", "line-regexp": "x", "no-filename": "h",
                          "with-filename": "H", "regexp=": "e", "color=?": "color", "colour=?": "color"})
    if isinstance(parsed, str):
        return usage_error("grep", parsed, 2, usage)
    opts, operands = parsed
    flags, patterns = set(), []
    for key, value in opts:
        if key == "e":
            patterns.append(value)
        elif key == "color":
            continue
        elif key in "EFGivcnlLoqswxhHy":
            flags.add("i" if key == "y" else key)
        else:
            return unsupported_option("grep", key, 2)
    if not patterns:
        if not operands:
            return Result("", usage, 2)
        patterns, operands = [operands[0]], operands[1:]
    alternatives = [p for pattern in patterns for p in pattern.split("\n")]
    try:
        if "F" in flags:
            body = "|".join(re.escape(p) for p in alternatives)
            regex = re.compile(body, re.IGNORECASE if "i" in flags else 0)
        else:
            body = "|".join(f"(?:{translate_regex(p, 'E' in flags)})" for p in alternatives)
            regex = re.compile(body, re.IGNORECASE if "i" in flags else 0)
        if "w" in flags:
            regex = re.compile(rf"(?<!\w)(?:{regex.pattern})(?!\w)", regex.flags)
    except (RegexError, re.error) as exc:
        message = str(exc) if isinstance(exc, RegexError) else "Invalid regular expression"
        return Result("", f"grep: {message}\n", 2)
    named = ("H" in flags or len(operands) > 1) and "h" not in flags
    out, err, matched, failed = [], [], False, False
    for name, text, problem in read_inputs(session, "grep", operands, stdin, "{tool}: {path}: {reason}"):
        if problem:
            failed = True
            err += [] if "s" in flags else [problem]
            continue
        shown = "(standard input)" if name == "-" else name
        prefix = f"{shown}:" if named else ""
        count = 0
        for number, line in enumerate(text_lines(text), 1):
            found = regex.fullmatch(line) if "x" in flags else regex.search(line)
            if bool(found) == ("v" in flags):
                continue
            count += 1
            if flags & set("qlLc"):
                continue
            lead = prefix + (f"{number}:" if "n" in flags else "")
            if "o" in flags and "v" not in flags:
                out += [f"{lead}{m.group()}\n" for m in regex.finditer(line) if m.group()]
            else:
                out.append(f"{lead}{line}\n")
        matched = matched or count > 0
        if "q" in flags and matched:
            break
        if "c" in flags and "q" not in flags:
            out.append(f"{prefix}{count}\n")
        if ("l" in flags and count) or ("L" in flags and not count):
            out.append(f"{shown}\n")
    if "q" in flags:
        out = []
    status = 0 if matched and ("q" in flags or not failed) else 2 if failed else 1
    return Result("".join(out), "".join(err), status)


__all__ = ["grep", "head", "tail", "wc"]
