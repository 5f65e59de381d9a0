"""POSIX basic and extended regular expressions as GNU grep and sed read them, translated to Python's re."""

from __future__ import annotations

import re


class RegexError(Exception):
    """A pattern glibc's regcomp refuses; the message is glibc's."""


_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "0-9A-Za-z", "upper": "A-Z", "lower": "a-z",
            "space": r" \t\n\r\f\v", "blank": r" \t", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
            "print": r"\x20-\x7e", "graph": r"\x21-\x7e", "cntrl": r"\x00-\x1f\x7f", "xdigit": "0-9A-Fa-f"}


def compile_regex(pattern: str, extended: bool = False, icase: bool = False) -> re.Pattern:
    """Compile a POSIX basic (or extended) regular expression as GNU tools read it.

    Raises:
        RegexError: with glibc's message, e.g. "Unmatched ( or \\(".
    """
    translated = translate_regex(pattern, extended)
    try:
        return re.compile(translated, re.DOTALL | (re.IGNORECASE if icase else 0))
    except re.error as exc:
        text = str(exc)
        if "repeat" in text and "greater" in text:
            raise RegexError("Invalid content of \\{\\}") from None
        if "range" in text:
            raise RegexError("Invalid range end") from None
        if "group" in text:
            raise RegexError("Invalid back reference") from None
        raise RegexError("Invalid preceding regular expression") from None


def translate_regex(pat: str, ere: bool) -> str:
    """A POSIX basic (or, with ere, extended) regular expression in Python's syntax; raises RegexError."""
    out: list[str] = []
    i, n, depth, start = 0, len(pat), 0, True  # start: where * is literal in a BRE
    while i < n:
        c = pat[i]
        if c == "\\":
            if i + 1 >= n:
                raise RegexError("Trailing backslash")
            e, i = pat[i + 1], i + 2
            if not ere and e in "(){|+?":
                if e == "{":
                    end = pat.find("\\}", i)
                    if start:
                        raise RegexError("Invalid preceding regular expression")
                    if end < 0:
                        raise RegexError("Unmatched \\{")
                    body = pat[i:end]
                    if not re.fullmatch(r"\d+(,\d*)?|,\d+", body):
                        raise RegexError("Invalid content of \\{\\}")
                    out.append("{" + body + "}")
                    i = end + 2
                    continue
                depth = _operator(e, depth, out)
                start = e in "(|"
                continue
            out.append({"n": "\n", "t": "\t", "<": r"\b(?=\w)", ">": r"\b(?<=\w)", "`": r"\A", "'": r"\Z"}.get(
                e, "\\" + e if e in "123456789wWsSbB" else re.escape(e)))
            start = False
            continue
        i += 1
        if c == "[":
            i, cls = _bracket(pat, i)
            out.append(cls)
        elif c == "*":
            out.append(r"\*" if start and not ere else "*")
        elif c == "^":
            out.append("^" if ere or start else r"\^")
            continue
        elif c == "$":
            anchor = ere or i == n or pat.startswith(("\\)", "\\|"), i)
            out.append("$" if anchor else r"\$")
        elif ere and c in "()|":
            depth = _operator(c, depth, out)
            start = c != ")"
            continue
        elif ere and c in "*+?" and out and out[-1] in ("*", "+", "?"):
            # glibc reads a** as (a*)*; Python refuses stacked quantifiers, so merge them.
            out[-1] = out[-1] if out[-1] == c else "*"
        elif ere and c in "*+?{":
            out.append(c)
        elif c == ".":
            out.append(".")
        else:
            out.append(re.escape(c))
        start = False
    if depth:
        raise RegexError("Unmatched ( or \\(")
    return "".join(out)


def _operator(c: str, depth: int, out: list[str]) -> int:
    """Append one of ( ) | + ? (ERE, or BRE's \\( \\) \\| \\+ \\?); returns the group depth after it."""
    if c == ")":
        if not depth:
            raise RegexError("Unmatched ) or \\)")
        depth -= 1
    depth += c == "("
    out.append(c)
    return depth


def _bracket(pat: str, i: int) -> tuple[int, str]:
    """A bracket expression starting after "[": returns the index after "]" and a Python class."""
    n, items, negate = len(pat), [], False
    if i < n and pat[i] == "^":
        negate, i = True, i + 1
    first = True
    while i < n and (pat[i] != "]" or first):
        first = False
        if pat.startswith("[:", i):
            end = pat.find(":]", i + 2)
            if end < 0:
                raise RegexError("Unmatched [, [^, [:, [., or [=")
            name = pat[i + 2:end]
            if name not in _CLASSES:
                raise RegexError("Invalid character class name")
            items.append(_CLASSES[name])
            i = end + 2
            continue
        c = pat[i]
        if c == "\\" and pat[i + 1:i + 2] in ("n", "t"):
            c, i = "\n" if pat[i + 1] == "n" else "\t", i + 1
        if i + 2 < n and pat[i + 1] == "-" and pat[i + 2] != "]":
            low, high = c, pat[i + 2]
            if ord(low) > ord(high):
                raise RegexError("Invalid range end")
            items.append(re.escape(low) + "-" + re.escape(high))
            i += 3
            continue
        items.append(re.escape(c))
        i += 1
    if i >= n:
        raise RegexError("Unmatched [, [^, [:, [., or [=")
    return i + 1, "[" + ("^" if negate else "") + "".join(items) + "]"


__all__ = ["RegexError", "compile_regex", "translate_regex"]
