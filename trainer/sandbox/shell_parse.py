"""The shell's syntax tree and its parser: bash's words, quotes, $-expansions, operators and heredocs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Deepest nesting of $(...) and `...`.
MAX_DEPTH = 32

#: A variable name.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: One-character special parameters ($?, $$, $1 ...).
SPECIAL = "?$#!@*-0123456789"
_META = " \t\n;&|<>()"
# Longest first, so that "&&" wins over "&".
_OPS = ("&>>", "<<<", "<<-", "&&", "||", ";;", "|&", "&>", "<<", "<>", "<&", ">>", ">&", ">|",
        "|", "&", ";", "<", ">", "(", ")")
_REDIRECTS = frozenset({"<", ">", ">>", ">|", "<<", "<<-", "<<<", "<>", "<&", ">&", "&>", "&>>"})
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while",
                       "until", "do", "done", "function", "{", "}", "[[", "]]", "time", "coproc"})


# ------------------------------------------------------------------ syntax tree

@dataclass
class Part:
    """A piece of a word: literal text or an expansion (var, param, cmd, tilde, arith)."""

    kind: str
    value: object
    quoted: bool = False


@dataclass
class Word:
    """A shell word as parts, with its source text; ``assign`` names NAME in NAME=value."""

    parts: list[Part]
    raw: str
    assign: str | None = None
    value_at: int = 0


@dataclass
class Redirect:
    """One redirection; heredocs carry their delimiter and, once read, their body."""

    fd: int | None
    op: str
    target: Word | None = None
    delim: str = ""
    strip: bool = False
    quoted: bool = False
    line: int = 0
    body: list[Part] = field(default_factory=list)


@dataclass
class Command:
    """A simple command: NAME=value prefixes, words and redirections."""

    assigns: list[Word]
    words: list[Word]
    redirects: list[Redirect]


@dataclass
class Pipeline:
    """Commands joined by | (``both[i]`` for |&, which pipes stderr too)."""

    commands: list[Command]
    both: list[bool]
    negate: bool = False


@dataclass
class AndOr:
    """Pipelines joined by && and ||."""

    pipelines: list[Pipeline]
    ops: list[str]


@dataclass
class Parsed:
    """What parsing produced: a program, an error, or what more input it waits for."""

    program: list[AndOr] = field(default_factory=list)
    error: str | None = None
    waiting: str | None = None
    delims: tuple[tuple[str, bool], ...] = ()
    warnings: list[str] = field(default_factory=list)


class _Incomplete(Exception):
    """More input is needed: an open quote, $(, heredoc, or a trailing operator."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class _SyntaxError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _eof_message(what: str) -> str:
    if what in ("eof", "\\"):
        return "bash: syntax error: unexpected end of file"
    return f"bash: unexpected EOF while looking for matching `{what}'"


def _unsupported(what: str) -> _SyntaxError:
    return _SyntaxError(f"nodeport-trainer: `{what}' is not supported in this console: it runs simple "
                        "commands joined with |, &&, || and ;")


def parse(text: str, eof: bool = True, first_line: int = 1) -> Parsed:
    """Parse command text.

    Args:
        text: one or more lines.
        eof: True when no more input follows (an open quote is then an error, and a
            heredoc without its terminator ends at the end of the text, with bash's warning).
        first_line: the line number of the text's first line, for heredoc warnings.

    Returns:
        A Parsed value; never raises.
    """
    parser = _Parser(text, eof, first_line)
    try:
        program = parser.parse_all()
    except _Incomplete as inc:
        if eof:
            return Parsed(error=_eof_message(inc.what))
        delims = tuple((r.delim, r.strip) for r in parser.pending) if inc.what == "heredoc" else ()
        return Parsed(waiting=inc.what, delims=delims)
    except _SyntaxError as exc:
        return Parsed(error=exc.message)
    except RecursionError:
        return Parsed(error="nodeport-trainer: the command is nested too deeply")
    return Parsed(program, warnings=parser.warnings)


class _Parser:
    """A recursive-descent parser over the text, reading heredoc bodies after each newline."""

    def __init__(self, text: str, eof: bool, line: int = 1, depth: int = 0, literal_meta: bool = False) -> None:
        self.text, self.n, self.pos, self.eof = text, len(text), 0, eof
        self.line0, self.depth, self.literal_meta = line, depth, literal_meta
        self.nested = 0
        self.pending: list[Redirect] = []
        self.warnings: list[str] = []
        self._tok: tuple | None = None

    # -------------------------------------------------------------- tokens

    def _skip_blanks(self) -> None:
        text, n = self.text, self.n
        while self.pos < n:
            c = text[self.pos]
            if c in " \t":
                self.pos += 1
            elif c == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
                if self.pos >= n and not self.eof:
                    raise _Incomplete("\\")
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end
            else:
                return

    def _scan(self) -> tuple:
        self._skip_blanks()
        start = self.pos
        if start >= self.n:
            return ("eof", "", start, start)
        c = self.text[start]
        if c == "\n":
            return ("nl", "newline", start, start + 1)
        for op in _OPS:
            if self.text.startswith(op, start):
                return ("op", op, start, start + len(op))
        word = self._read_word()
        end, self.pos = self.pos, start
        if word.raw.isdigit() and end < self.n and self.text[end] in "<>":
            return ("ionum", int(word.raw[-3:]), start, end)
        return ("word", word, start, end)

    def _peek(self) -> tuple:
        if self._tok is None:
            self._tok = self._scan()
        return self._tok

    def _take(self) -> tuple:
        tok = self._peek()
        self.pos, self._tok = tok[3], None
        if tok[0] == "nl":
            self._read_heredocs()
        return tok

    def _unexpected(self) -> Exception:
        kind, value = self._peek()[:2]
        if kind == "eof":
            return _Incomplete(")" if self.nested else "eof")
        shown = value.raw if kind == "word" else value if kind != "ionum" else str(value)
        return _SyntaxError(f"bash: syntax error near unexpected token `{shown}'")

    def _linebreak(self) -> None:
        while self._peek()[0] == "nl":
            self._take()

    # -------------------------------------------------------------- grammar

    def parse_all(self) -> list[AndOr]:
        program = self._program()
        if self.pending:
            self._read_heredocs()
        return program

    def _program(self) -> list[AndOr]:
        items: list[AndOr] = []
        while True:
            self._linebreak()
            kind, value = self._peek()[:2]
            if kind == "eof":
                if self.nested:
                    raise _Incomplete(")")
                return items
            if kind == "op" and value == ")" and self.nested:
                return items
            items.append(self._and_or())
            kind, value = self._peek()[:2]
            if kind == "op" and value == ";":
                self._take()
            elif kind == "op" and value == "&":
                raise _SyntaxError("nodeport-trainer: `&' is not supported in this console: commands run "
                                   "in the foreground, one after another")
            elif kind not in ("nl", "eof") and not (kind == "op" and value == ")" and self.nested):
                raise self._unexpected()

    def _and_or(self) -> AndOr:
        pipelines, ops = [self._pipeline()], []
        while (tok := self._peek())[0] == "op" and tok[1] in ("&&", "||"):
            ops.append(self._take()[1])
            self._linebreak()
            pipelines.append(self._pipeline())
        return AndOr(pipelines, ops)

    def _pipeline(self) -> Pipeline:
        negate = False
        while (tok := self._peek())[0] == "word" and tok[1].raw == "!":
            self._take()
            negate = not negate
        commands, both = [self._command()], []
        while (tok := self._peek())[0] == "op" and tok[1] in ("|", "|&"):
            both.append(self._take()[1] == "|&")
            self._linebreak()
            commands.append(self._command())
        return Pipeline(commands, both, negate)

    def _command(self) -> Command:
        kind, value = self._peek()[:2]
        if kind == "op" and value == "(":
            raise _unsupported("(")
        if kind == "word" and value.raw in _RESERVED:
            raise _unsupported(value.raw)
        assigns: list[Word] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            kind, value = self._peek()[:2]
            if kind == "word":
                self._take()
                if not words and value.assign:
                    assigns.append(value)
                    continue
                words.append(value)
                if len(words) == 1 and self._peek()[:2] == ("op", "("):
                    raise _unsupported(f"{value.raw}()")
            elif kind == "ionum" or (kind == "op" and value in _REDIRECTS):
                redirects.append(self._redirect())
            else:
                break
        if not (assigns or words or redirects):
            raise self._unexpected()
        return Command(assigns, words, redirects)

    def _redirect(self) -> Redirect:
        fd = self._take()[1] if self._peek()[0] == "ionum" else None
        op = self._take()[1]
        kind, value = self._peek()[:2]
        if kind != "word":
            if kind == "eof":
                raise _SyntaxError("bash: syntax error near unexpected token `newline'")
            raise self._unexpected()
        self._take()
        if op not in ("<<", "<<-"):
            return Redirect(fd, op, value)
        quoted = any(c in value.raw for c in "'\"\\")
        line = self.line0 + self.text.count("\n", 0, self.pos)
        redirect = Redirect(fd, op, value, _unquote(value.raw), op == "<<-", quoted, line)
        self.pending.append(redirect)
        return redirect

    def _read_heredocs(self) -> None:
        for redirect in self.pending:
            lines: list[str] = []
            while True:
                if self.pos >= self.n:
                    if not self.eof:
                        raise _Incomplete("heredoc")
                    self.warnings.append(f"bash: warning: here-document at line {redirect.line} delimited "
                                         f"by end-of-file (wanted `{redirect.delim}')")
                    break
                end = self.text.find("\n", self.pos)
                if end < 0:
                    if not self.eof:
                        raise _Incomplete("heredoc")
                    end = self.n
                line, self.pos = self.text[self.pos:end], min(end + 1, self.n)
                if redirect.strip:
                    line = line.lstrip("\t")
                if line == redirect.delim:
                    break
                lines.append(line + "\n")
            body = "".join(lines)
            if redirect.quoted:
                redirect.body = [Part("lit", body, True)]
            else:
                sub = _Parser(body, True, redirect.line + 1, self.depth)
                redirect.body = sub._quoted_text(heredoc=True)
                self.warnings += sub.warnings
        self.pending = []

    # -------------------------------------------------------------- words

    def _read_word(self) -> Word:
        text, n = self.text, self.n
        start = self.pos
        parts: list[Part] = []
        buf: list[str] = []
        assign: str | None = None
        value_at = 0
        tilde_ok = True

        def flush() -> None:
            if buf:
                parts.append(Part("lit", "".join(buf)))
                buf.clear()

        while self.pos < n:
            c = text[self.pos]
            if c in _META and not self.literal_meta:
                break
            if c == "~" and tilde_ok and not buf and len(parts) == value_at:
                after = text[self.pos + 1:self.pos + 2]
                if after in ("", "/") or (after in _META and not self.literal_meta):
                    parts.append(Part("tilde", ""))
                    self.pos += 1
                    tilde_ok = False
                    continue
            tilde_ok = False
            if c == "\\":
                if self.pos + 1 >= n:
                    if not self.eof:
                        raise _Incomplete("\\")
                    self.pos += 1
                    continue
                nxt = text[self.pos + 1]
                self.pos += 2
                if nxt == "\n":
                    if self.pos >= n and not self.eof:
                        raise _Incomplete("\\")
                    continue
                flush()
                parts.append(Part("lit", nxt, True))
            elif c == "'":
                flush()
                end = text.find("'", self.pos + 1)
                if end < 0:
                    raise _Incomplete("'")
                parts.append(Part("lit", text[self.pos + 1:end], True))
                self.pos = end + 1
            elif c == '"':
                flush()
                self.pos += 1
                parts += self._quoted_text()
            elif c == "$":
                flush()
                parts.append(self._dollar(False))
            elif c == "`":
                flush()
                parts.append(self._backtick(False))
            elif c == "=" and assign is None and not parts and buf and NAME.fullmatch("".join(buf)):
                assign = "".join(buf)
                buf.append("=")
                flush()
                value_at, tilde_ok = len(parts), True
                self.pos += 1
            else:
                buf.append(c)
                self.pos += 1
        flush()
        return Word(parts, text[start:self.pos], assign, value_at)

    def _quoted_text(self, heredoc: bool = False) -> list[Part]:
        """The inside of "..." (after the opening quote), or a whole unquoted heredoc body."""
        text, n = self.text, self.n
        specials = "$`\\\n" if heredoc else '$`"\\\n'
        parts: list[Part] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                parts.append(Part("lit", "".join(buf), True))
                buf.clear()

        while True:
            if self.pos >= n:
                if heredoc:
                    break
                raise _Incomplete('"')
            c = text[self.pos]
            if c == '"' and not heredoc:
                self.pos += 1
                break
            if c == "\\" and self.pos + 1 < n and text[self.pos + 1] in specials:
                if text[self.pos + 1] != "\n":
                    buf.append(text[self.pos + 1])
                self.pos += 2
            elif c == "$":
                flush()
                parts.append(self._dollar(True))
            elif c == "`":
                flush()
                parts.append(self._backtick(True))
            else:
                buf.append(c)
                self.pos += 1
        flush()
        return parts or [Part("lit", "", True)]

    def _dollar(self, quoted: bool) -> Part:
        text, p = self.text, self.pos
        nxt = text[p + 1:p + 2]
        if nxt == "(":
            if text.startswith("$((", p):
                return self._arith(quoted)
            self.pos = p + 2
            return Part("cmd", self._substitution(), quoted)
        if nxt == "{":
            return self._brace(quoted)
        if nxt == "'" and not quoted:
            return self._ansi_c()
        match = NAME.match(text, p + 1)
        if match:
            self.pos = match.end()
            return Part("var", match.group(), quoted)
        if nxt and nxt in SPECIAL:
            self.pos = p + 2
            return Part("var", nxt, quoted)
        self.pos = p + 1
        return Part("lit", "$", quoted)

    def _substitution(self) -> list[AndOr]:
        if self.depth >= MAX_DEPTH:
            raise _SyntaxError("nodeport-trainer: command substitutions are nested too deeply")
        self.depth += 1
        self.nested += 1
        # Inside $(...) the shell's grammar is back, even within a ${X:-...} operand.
        literal, self.literal_meta = self.literal_meta, False
        try:
            program = self._program()
            self._take()  # the ")" that ended the program
        finally:
            self.depth -= 1
            self.nested -= 1
            self.literal_meta = literal
        return program

    def _backtick(self, quoted: bool) -> Part:
        text, i = self.text, self.pos + 1
        escapable = '$`\\"' if quoted else "$`\\"
        out: list[str] = []
        while i < self.n and text[i] != "`":
            if text[i] == "\\" and i + 1 < self.n and text[i + 1] in escapable:
                out.append(text[i + 1])
                i += 2
            else:
                out.append(text[i])
                i += 1
        if i >= self.n:
            raise _Incomplete("`")
        self.pos = i + 1
        if self.depth >= MAX_DEPTH:
            raise _SyntaxError("nodeport-trainer: command substitutions are nested too deeply")
        sub = _Parser("".join(out), True, self.line0, self.depth + 1)
        try:
            program = sub.parse_all()
        except _Incomplete as inc:
            raise _SyntaxError(_eof_message(inc.what)) from None
        self.warnings += sub.warnings
        return Part("cmd", program, quoted)

    def _arith(self, quoted: bool) -> Part:
        text, i, depth = self.text, self.pos + 3, 0
        while i < self.n:
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                if depth == 0 and text.startswith("))", i):
                    raw = text[self.pos:i + 2]
                    self.pos = i + 2
                    return Part("arith", raw, quoted)
                depth -= 1
            i += 1
        raise _Incomplete(")")

    def _ansi_c(self) -> Part:
        text, i = self.text, self.pos + 2
        while i < self.n and text[i] != "'":
            i += 2 if text[i] == "\\" else 1
        if i >= self.n:
            raise _Incomplete("'")
        value = decode_escapes(text[self.pos + 2:i], ansi_c=True)[0]
        self.pos = i + 1
        return Part("lit", value, True)

    def _brace(self, quoted: bool) -> Part:
        text, i, depth = self.text, self.pos + 2, 1
        while i < self.n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c in "'\"":
                end = text.find(c, i + 1)
                if end < 0:
                    break
                i = end
            elif c == "{" and text[i - 1] == "$":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if i >= self.n:
            raise _Incomplete("}")
        inner = text[self.pos + 2:i]
        self.pos = i + 1
        return _param(inner, quoted, self.depth)


def _param(inner: str, quoted: bool, depth: int) -> Part:
    """${...}: NAME, #NAME, or NAME with one of - = + ? (optionally after :)."""
    raw = "${" + inner + "}"
    if inner.startswith("#") and (NAME.fullmatch(inner[1:]) or inner[1:] in tuple(SPECIAL)):
        return Part("param", (inner[1:], "len", None), quoted)
    match = re.match(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-]", inner)
    if not match:
        return Part("param", (raw, "bad", None), quoted)
    name, rest = match.group(), inner[match.end():]
    if not rest:
        return Part("var", name, quoted)
    for op in (":-", ":=", ":+", ":?", "-", "=", "+", "?"):
        if rest.startswith(op):
            sub = _Parser(rest[len(op):], True, depth=depth + 1, literal_meta=True)
            try:
                operand = sub._read_word()
            except (_Incomplete, _SyntaxError):
                return Part("param", (raw, "bad", None), quoted)
            return Part("param", (name, op, operand), quoted)
    # Valid bash (${X#pre}, ${X/a/b}, ${X:1:2}, ...) that this console does not evaluate.
    kind = "unsupported" if rest[0] in "#%/^,:@" else "bad"
    return Part("param", (raw, kind, None), quoted)


def _unquote(raw: str) -> str:
    """Quote removal, as for a heredoc delimiter (no expansion)."""
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "'":
            end = raw.find("'", i + 1)
            end = len(raw) if end < 0 else end
            out.append(raw[i + 1:end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < len(raw) and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < len(raw) and raw[i + 1] in '$`"\\':
                    i += 1
                out.append(raw[i])
                i += 1
            i += 1
        elif c == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v", "\\": "\\"}


def decode_escapes(text: str, ansi_c: bool = False) -> tuple[str, bool]:
    """Backslash escapes as `echo -e` (or $'...' when ansi_c) reads them.

    Returns:
        (text, stopped): stopped is True when echo's \\c ended the output.
    """
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
        elif ansi_c and e in "'\"?":
            out.append(e)
        elif e == "c" and not ansi_c:
            return "".join(out), True
        elif e in "01234567" and (ansi_c or e == "0"):
            start = i - 1 if ansi_c else i
            digits = re.match(r"[0-7]{1,3}", text[start:start + 3])
            out.append(chr(int(digits.group(), 8) & 0xFF) if digits else "\0")
            i = start + (len(digits.group()) if digits else 0)
        elif e in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[e]
            digits = re.match(r"[0-9A-Fa-f]{1,%d}" % size, text[i:i + size])
            if digits:
                code = int(digits.group(), 16)
                # Surrogates cannot be printed; bash would write invalid bytes, we write U+FFFD.
                out.append(chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd")
                i += len(digits.group())
            else:
                out.append("\\" + e)
        else:
            out.append("\\" + e)
    return "".join(out), False


__all__ = ["MAX_DEPTH", "NAME", "SPECIAL", "AndOr", "Command", "Parsed", "Part", "Pipeline", "Redirect", "Word",
           "decode_escapes", "parse"]
