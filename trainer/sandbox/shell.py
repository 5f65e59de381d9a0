"""The console's shell: bash's quoting, expansions, pipes, redirections and heredocs over a Session."""

from __future__ import annotations

import collections
import fnmatch
import re
import weakref
from dataclasses import dataclass, field
from typing import Callable

from .session import Result, Session

#: Longest physical input line; longer lines are refused whole (a pasted one-line JSON
#: patch is a few KiB; parsing a line of this size takes well under a second).
MAX_LINE = 128 * 1024
#: Largest command (with its heredoc bodies), the same cap as a file.
MAX_INPUT = 10 * 1024 * 1024
#: Most physical lines one command may span while a quote or $( is open (heredocs excepted).
MAX_CONTINUATION = 200
#: Deepest nesting of $(...) and `...`.
MAX_DEPTH = 32

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL = "?$#!@*-0123456789"
_META = " \t\n;&|<>()"
# Longest first, so that "&&" wins over "&".
_OPS = ("&>>", "<<<", "<<-", "&&", "||", ";;", "|&", "&>", "<<", "<>", "<&", ">>", ">&", ">|",
        "|", "&", ";", "<", ">", "(", ")")
_REDIRECTS = frozenset({"<", ">", ">>", ">|", "<<", "<<-", "<<<", "<>", "<&", ">&", "&>", "&>>"})
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while",
                       "until", "do", "done", "function", "{", "}", "[[", "]]", "time", "coproc"})
# A glob character that came from quoted text, escaped for fnmatch as [*].
_ESCAPED = re.compile(r"\[([*?\[])\]")
# Characters outside text: NUL and C0 controls other than tab, newline, FF, VT, CR and ESC.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\udc80-\udcff]")


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
            elif c == "=" and assign is None and not parts and buf and _NAME.fullmatch("".join(buf)):
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
        match = _NAME.match(text, p + 1)
        if match:
            self.pos = match.end()
            return Part("var", match.group(), quoted)
        if nxt and nxt in _SPECIAL:
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
    if inner.startswith("#") and (_NAME.fullmatch(inner[1:]) or inner[1:] in tuple(_SPECIAL)):
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


# ------------------------------------------------------------------ execution

class _Sink:
    """Where a file descriptor's output goes."""

    def write(self, text: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class _Buffer(_Sink):
    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> None:
        self.chunks.append(text)

    def text(self) -> str:
        return "".join(self.chunks)


class _Null(_Sink):
    def write(self, text: str) -> None:
        pass


class _Terminal(_Sink):
    def __init__(self, shell: "Shell", fd: int) -> None:
        self.shell, self.fd = shell, fd

    def write(self, text: str) -> None:
        self.shell._emit(self.fd, text)


class _File(_Sink):
    def __init__(self, shell: "Shell", path: str, shown: str) -> None:
        self.shell, self.path, self.shown, self.failed = shell, path, shown, False

    def write(self, text: str) -> None:
        if not text or self.failed:
            return
        from .builtins import write_text

        error = write_text(self.shell.session, self.path, text, append=True)
        if error is not None:
            self.failed = True
            self.shell._emit(2, f"bash: {self.shown}: {error.reason}\n")


class _ExpansionError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Unwind(Exception):
    """`exit` ends the current shell (or the $(...) subshell it ran in)."""

    def __init__(self, status: int, leave: bool = False) -> None:
        super().__init__(status)
        self.status, self.leave = status, leave


_SHELLS: "weakref.WeakKeyDictionary[Session, Shell]" = weakref.WeakKeyDictionary()


def shell_for(session: Session) -> "Shell | None":
    """The Shell running a session (for builtins such as exit, history and help)."""
    return _SHELLS.get(session)


class Shell:
    """Runs command lines against a Session, the way bash would.

    Attributes:
        session: the learner's session.
        stream: if set, called as stream(fd, text) for output as it is produced.
        status: $? (the last pipeline's exit status).
        exited: the session's exit status once `exit` ran on the workstation, else None.
        history: the command lines run so far.
        in_subshell: True while a $(...) or a pipeline element runs.
        stdout_is_terminal: while a command runs, whether its stdout reaches the terminal.
    """

    def __init__(self, session: Session, stream: Callable[[int, str], None] | None = None) -> None:
        self.session = session
        self.stream = stream
        self.status = 0
        self.exited: int | None = None
        self.history: list[str] = []
        self.lineno = 0
        self.in_subshell = False
        self.stdout_is_terminal = False
        #: Set by `exit`: (status, whether the whole session ends).
        self.exit_request: tuple[int, bool] | None = None
        self._queue: collections.deque[str] = collections.deque()
        self._pending: list[str] = []
        self._pending_size = 0
        self._waiting: str | None = None
        self._delims: tuple[tuple[str, bool], ...] = ()
        self._out: list[str] = []
        self._err: list[str] = []
        self._err_sink: _Sink = _Terminal(self, 2)
        self._subst_status: int | None = None
        self._host = session.host
        self._workstation_env: dict[str, str] | None = None
        _SHELLS[session] = self

    # -------------------------------------------------------------- input

    @property
    def continuing(self) -> bool:
        """True when the input so far is an unfinished command (show the "> " prompt)."""
        return bool(self._pending)

    def run_line(self, text: str) -> Result:
        """Run text as one complete input (it may span lines, e.g. with a heredoc)."""
        self._begin()
        problem = self._check_input(text)
        if problem:
            self._emit(2, f"nodeport-trainer: {problem}\n")
            self.status = 1
        else:
            start = self.lineno + 1
            self.lineno += text.count("\n") + (not text.endswith("\n"))
            self._run_unit(text, start)
        return self._result()

    def run_script(self, text: str) -> Result:
        """Run text line by line as the script runner does, then end the input."""
        self._begin()
        for line in text.splitlines(keepends=True):
            if self.exited is not None:
                break
            self._feed(line)
        if self.exited is None:
            self._end_input()
        return self._result()

    def feed(self, line: str) -> Result | None:
        """Take one physical line; run it once the command is complete.

        Returns:
            The output, or None while the command waits for more lines.
        """
        self._begin()
        ran = self._feed(line)
        result = self._result()
        return result if ran or result.stdout or result.stderr else None

    def eof(self) -> Result:
        """The input ended: finish a pending command (script mode recovers from an open quote)."""
        self._begin()
        self._end_input()
        return self._result()

    def reject(self, problem: str) -> Result:
        """Count a line the runner refused (e.g. too long) and say why, as for a bad line."""
        self._begin()
        self.lineno += 1
        self._refuse(problem)
        return self._result()

    def end_of_input(self) -> Result:
        """Ctrl-D at the prompt: end a pending command, else leave as `exit` does."""
        from .builtins import exit_

        self._begin()
        if self._pending:
            self._end_input()
            return self._result()
        result = exit_(self.session, ["exit"], "")
        self._emit(1, result.stdout)
        self._emit(2, result.stderr)
        self._sync_host()
        request, self.exit_request = self.exit_request, None
        if request is not None and request[1]:
            self.exited = request[0]
        return self._result()

    def run_remote(self, line: str, stdin: str = "") -> Result:
        """Run `ssh NODE COMMAND` 's command line as the node's non-interactive bash -c would.

        The caller has set session.host to the node. The line gets a fresh node environment and
        its own output; `exit` ends only it; errors read "bash: line 1: ..." as in bash -c.
        """
        parsed = parse(line, eof=True)
        if parsed.error:
            return Result("", re.sub(r"^bash: ", "bash: -c: line 1: ", parsed.error) + "\n", 2)
        session = self.session
        saved = (session.env, self._host, self.in_subshell, self._err_sink, self.status)
        session.env, self._host = _node_env(session.host or ""), session.host
        out, err = _Buffer(), _Buffer()
        self.in_subshell, self._err_sink, self.status = True, err, 0
        try:
            status = self._run_program(parsed.program, {1: out, 2: err}, stdin)
        except _Unwind as unwind:
            status = unwind.status
        except Exception as exc:  # a bug in the shell itself: report it, keep the session
            err.write(f"nodeport-trainer: internal error in shell: {type(exc).__name__}: {exc}\n")
            status = 1
        finally:
            session.env, self._host, self.in_subshell, self._err_sink, self.status = saved
            self.exit_request = None
        stderr = re.sub(r"(?m)^bash: (?!line \d)", "bash: line 1: ", err.text())
        return Result(out.text(), stderr, status)

    def cancel(self) -> None:
        """Drop an unfinished command (Ctrl-C)."""
        self._pending, self._pending_size, self._waiting, self._delims = [], 0, None, ()
        self.in_subshell = False
        self.exit_request = None

    def pass_time(self, seconds: float) -> None:
        """Let simulated time pass (the interactive console's real elapsed time)."""
        if seconds > 0:
            self._guarded("clock", lambda: self.session.cluster.advance(seconds))

    # -------------------------------------------------------------- line assembly

    def _feed(self, line: str) -> bool:
        """One physical line, then any lines a script replays after an unbalanced quote."""
        self._queue.append(line)
        ran = False
        while self._queue and self.exited is None:
            ran = self._feed_one(self._queue.popleft()) or ran
        self._queue.clear()
        return ran

    def _feed_one(self, line: str) -> bool:
        self.lineno += 1
        problem = self._check_input(line)
        if problem:
            self._refuse(problem)
            return False
        if line.endswith("\r\n"):
            line = line[:-2] + "\n"
        if not line.endswith("\n"):
            line += "\n"
        self._pending.append(line)
        self._pending_size += len(line)
        if self._waiting and not self._worth_reparsing(line):
            return self._check_size()
        text = "".join(self._pending)
        parsed = parse(text, eof=False, first_line=self.lineno - len(self._pending) + 1)
        if parsed.waiting:
            self._waiting, self._delims = parsed.waiting, parsed.delims
            return self._check_size()
        self.cancel()
        self._execute(text, parsed)
        return True

    def _worth_reparsing(self, line: str) -> bool:
        # Only a line that could close what is open can change the outcome of a parse.
        if self._waiting == "heredoc":
            bare = line.rstrip("\n")
            return any((bare.lstrip("\t") if strip else bare) == delim for delim, strip in self._delims)
        if self._waiting in ("eof", "\\"):
            return True
        return self._waiting in line

    def _check_size(self) -> bool:
        if self._pending_size > MAX_INPUT:
            self.cancel()
            self._emit(2, f"nodeport-trainer: command too long (over {MAX_INPUT} characters); it was not run\n")
            self.status = 1
            return True
        if self._waiting != "heredoc" and len(self._pending) > MAX_CONTINUATION:
            self._give_up()
            return True
        return False

    def _end_input(self) -> None:
        while self._pending and self.exited is None:
            self._give_up()
            while self._queue and self.exited is None:
                self._feed_one(self._queue.popleft())
        self._queue.clear()

    def _give_up(self) -> None:
        """End an unfinished command as bash does at end of input.

        An unbalanced quote is bash's one-line error; a script then resumes at the line after
        the one that opened it (bash would have swallowed the rest of the script).
        """
        lines, start = self._pending, self.lineno - len(self._pending) + 1
        text = "".join(lines)
        self.cancel()
        parsed = parse(text, eof=True, first_line=start)
        if parsed.error and parsed.error.startswith("bash: unexpected EOF") and self.session.script:
            self._execute(text.split("\n", 1)[0], parsed)
            self.lineno = start
            self._queue.extendleft(reversed(lines[1:]))
            return
        self._execute(text, parsed)

    def _refuse(self, problem: str) -> None:
        where = f"line {self.lineno}: " if self.session.script else ""
        self._emit(2, f"nodeport-trainer: {where}{problem}\n")
        self.status = 1

    @staticmethod
    def _check_input(text: str) -> str | None:
        longest = max(map(len, text.split("\n"))) if len(text) > MAX_LINE else 0
        if longest > MAX_LINE:
            return f"input line too long ({longest} characters; the limit is {MAX_LINE}); it was ignored"
        if _BINARY.search(text):
            return "binary data ignored (the console reads text only)"
        return None

    # -------------------------------------------------------------- units

    def _run_unit(self, text: str, first_line: int) -> None:
        self._execute(text, parse(text, eof=True, first_line=first_line))

    def _execute(self, text: str, parsed: Parsed) -> None:
        for warning in parsed.warnings:
            self._emit(2, warning + "\n")
        if not parsed.program and not parsed.error:
            return
        self.history.append(text.rstrip("\n"))
        if parsed.error:
            self._emit(2, parsed.error + "\n")
            self.status = 2
        else:
            try:
                self._run_program(parsed.program, {1: _Terminal(self, 1), 2: _Terminal(self, 2)}, "")
            except _Unwind as unwind:
                self.status = unwind.status
                if unwind.leave:
                    self.exited = unwind.status
            except Exception as exc:  # a bug in the shell itself: report it, keep the session
                self._emit(2, f"nodeport-trainer: internal error in shell: {type(exc).__name__}: {exc}\n")
                self.status = 1
            finally:
                self.in_subshell = False
                self.exit_request = None
                self._err_sink = _Terminal(self, 2)
        self._after_line()

    def _after_line(self) -> None:
        for hook in list(self.session.after_command):
            self._guarded(getattr(hook, "__name__", "after_command hook"), lambda h=hook: h(self.session))
        notices, self.session.notices = self.session.notices, []
        for notice in notices:
            self._emit(2, notice if notice.endswith("\n") else notice + "\n")
        if self.session.script:
            self._guarded("clock", lambda: self.session.cluster.advance(1))

    def _guarded(self, name: str, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:
            self._emit(2, f"nodeport-trainer: internal error in {name}: {type(exc).__name__}: {exc}\n")

    # -------------------------------------------------------------- output

    def _begin(self) -> None:
        self._out, self._err = [], []

    def _result(self) -> Result:
        status = self.exited if self.exited is not None else self.status
        return Result("".join(self._out), "".join(self._err), status)

    def _emit(self, fd: int, text: str) -> None:
        if not text:
            return
        (self._out if fd == 1 else self._err).append(text)
        if self.stream is not None:
            self.stream(fd, text)

    # -------------------------------------------------------------- running

    def _run_program(self, program: list[AndOr], fds: dict, stdin: str) -> int:
        status = self.status
        for item in program:
            status = self._run_pipeline(item.pipelines[0], fds, stdin)
            for op, pipeline in zip(item.ops, item.pipelines[1:]):
                if (op == "&&") == (status == 0):
                    status = self._run_pipeline(pipeline, fds, stdin)
        return status

    def _run_pipeline(self, pipeline: Pipeline, fds: dict, stdin: str) -> int:
        data, last = stdin, len(pipeline.commands) - 1
        status = 0
        for i, command in enumerate(pipeline.commands):
            if i == last and last == 0:
                status = self._run_command(command, fds, data)
                break
            pipe = _Buffer()
            cfds = fds if i == last else {**fds, 1: pipe, **({2: pipe} if pipeline.both[i] else {})}
            # Each element of a real pipeline runs in a subshell: `exit` there ends only it.
            saved, self.in_subshell = self.in_subshell, True
            try:
                status = self._run_command(command, cfds, data)
            except _Unwind as unwind:
                status = unwind.status
            finally:
                self.in_subshell = saved
            data = pipe.text()
        if pipeline.negate:
            status = int(status == 0)
        self.status = status
        return status

    def _run_command(self, command: Command, fds: dict, stdin: str) -> int:
        saved_err, self._err_sink = self._err_sink, fds[2]
        self._subst_status = None
        env = self.session.env
        saved: dict[str, str | None] = {}
        argv: list[str] = []
        try:
            argv = self._expand_words(command.words)
            redirected = self._redirect(command.redirects, fds, stdin)
            if redirected is None:
                return 1
            # Each value sees the ones before it (X=1 Y=$X); with a command they are temporary.
            for word in command.assigns:
                value = self._expand_string(word.parts[word.value_at:])
                saved.setdefault(word.assign, env.get(word.assign))
                env[word.assign] = value
        except _ExpansionError as exc:
            fds[2].write(exc.message + "\n")
            if argv:
                _restore(env, saved)
            return 1
        finally:
            self._err_sink = saved_err
        fds, stdin = redirected
        if not argv:
            return self._subst_status if self._subst_status is not None else 0
        self.stdout_is_terminal = isinstance(fds[1], _Terminal) and not self.session.script
        try:
            result = self._invoke(argv, stdin)
        finally:
            if self.session.env is env:  # unless the command moved to another host's shell
                _restore(env, saved)
        fds[1].write(result.stdout)
        fds[2].write(result.stderr)
        self._sync_host()
        if self.exit_request is not None:
            (status, leave), self.exit_request = self.exit_request, None
            raise _Unwind(status, leave)
        return result.status

    def _invoke(self, argv: list[str], stdin: str) -> Result:
        from .commands import lookup

        name = argv[0]
        if "/" in name:
            from .builtins import read_text

            # There are no executables in the workspace: a path names a file at most.
            content = read_text(self.session, name)
            reason = "Permission denied" if isinstance(content, str) else content.reason
            return Result("", f"bash: {name}: {reason}\n", 127 if reason == "No such file or directory" else 126)
        fn = lookup(self.session, name)
        if fn is None:
            return Result("", f"bash: {name}: command not found\n", 127)
        try:
            result = fn(self.session, argv, stdin)
        except Exception as exc:  # a bug in a command: a bug report, not a crash
            return Result("", f"nodeport-trainer: internal error in {name}: {type(exc).__name__}: {exc}\n", 1)
        if not isinstance(result, Result):
            return Result("", f"nodeport-trainer: internal error in {name}: returned {type(result).__name__}\n", 1)
        return result

    def _sync_host(self) -> None:
        """Give each host its own variables: ssh starts a fresh shell on the node."""
        host = self.session.host
        if host == self._host:
            return
        if self._host is None:
            self._workstation_env = self.session.env
        if host is None:
            self.session.env = self._workstation_env or self.session.env
        else:
            self.session.env = _node_env(host)
        self._host = host

    # -------------------------------------------------------------- redirections

    def _redirect(self, redirects: list[Redirect], fds: dict, stdin: str) -> tuple[dict, str] | None:
        from .builtins import open_for_write, read_text

        fds = dict(fds)
        for r in redirects:
            fd = r.fd
            try:
                if r.op in ("<<", "<<-"):
                    text = self._expand_string(r.body)
                    if (fd or 0) == 0:
                        stdin = text
                    continue
                if r.op in (">&", "<&") and r.target.raw.isdigit():
                    source = int(r.target.raw)
                    if r.op == "<&" or source == 0:
                        if source != 0:
                            raise _ExpansionError(f"bash: {source}: Bad file descriptor")
                        continue
                    if source not in fds:
                        raise _ExpansionError(f"bash: {source}: Bad file descriptor")
                    fds[1 if fd is None else fd] = fds[source]
                    continue
                if r.op in (">&", "<&") and r.target.raw == "-":
                    fds[(1 if r.op == ">&" else 0) if fd is None else fd] = _Null()
                    continue
                target = self._expand_target(r.target)
                if r.op == "<<<":
                    stdin = target + "\n" if (fd or 0) == 0 else stdin
                    continue
                if r.op in ("<", "<>"):
                    text = "" if target == "/dev/null" else read_text(self.session, target)
                    if not isinstance(text, str):
                        raise _ExpansionError(f"bash: {target}: {text.reason}")
                    if (fd or 0) == 0:
                        stdin = text
                    continue
                if r.op == ">&" and fd is not None:
                    raise _ExpansionError(f"bash: {r.target.raw}: ambiguous redirect")
                sink = self._open(target, append=r.op in (">>", "&>>"), opener=open_for_write)
                for out in ((1, 2) if r.op in ("&>", "&>>", ">&") else (1 if fd is None else fd,)):
                    fds[out] = sink
            except _ExpansionError as exc:
                fds[2].write(exc.message + "\n")
                return None
        return fds, stdin

    def _open(self, target: str, append: bool, opener) -> _Sink:
        if target == "/dev/null":
            return _Null()
        if target in ("/dev/stdout", "/dev/stderr"):
            return _Terminal(self, 1 if target == "/dev/stdout" else 2)
        path = opener(self.session, target, append)
        if not isinstance(path, str):
            raise _ExpansionError(f"bash: {target}: {path.reason}")
        return _File(self, path, target)

    def _expand_target(self, word: Word) -> str:
        fields = self._expand_words([word])
        if len(fields) != 1:
            raise _ExpansionError(f"bash: {word.raw}: ambiguous redirect")
        return fields[0]

    # -------------------------------------------------------------- expansion

    def _expand_string(self, parts: list[Part]) -> str:
        """Expand without field splitting or globbing (assignments, heredoc bodies)."""
        out = []
        for part in parts:
            if part.kind == "lit":
                out.append(part.value)
            elif part.kind == "tilde":
                out.append(self.session.env.get("HOME", ""))
            else:
                out.append(self._expand_part(part))
        return "".join(out)

    def _expand_words(self, words: list[Word]) -> list[str]:
        fields: list[str] = []
        for word in words:
            fields += self._expand_word(word)
        return fields

    def _expand_word(self, word: Word) -> list[str]:
        fields: list[tuple[str, str, bool]] = []
        text: list[str] = []
        pattern: list[str] = []
        state = {"open": False, "glob": False}

        def add(value: str, globbing: bool) -> None:
            state["open"] = True
            text.append(value)
            if globbing:
                pattern.append(value)
                state["glob"] = state["glob"] or any(c in value for c in "*?[")
            else:
                pattern.append(re.sub(r"([*?\[])", r"[\1]", value))

        def finish() -> None:
            if state["open"]:
                fields.append(("".join(text), "".join(pattern), state["glob"]))
            text.clear()
            pattern.clear()
            state["open"] = state["glob"] = False

        for part in word.parts:
            if part.kind == "lit":
                add(part.value, not part.quoted)
            elif part.kind == "tilde":
                add(self.session.env.get("HOME", ""), False)
            else:
                value = self._expand_part(part)
                if part.quoted:
                    add(value, False)
                    continue
                pieces = re.split(r"[ \t\n]+", value)
                for i, piece in enumerate(pieces):
                    if i:
                        finish()
                    if piece:
                        add(piece, True)
        finish()
        out: list[str] = []
        for value, pat, has_glob in fields:
            out += (self._glob(pat) or [value]) if has_glob else [value]
        return out

    def _glob(self, pattern: str) -> list[str]:
        """Pathname expansion of the last path component; no match leaves the word as it was."""
        from .builtins import list_names

        directory, slash, base = pattern.rpartition("/")
        if not base or re.search(r"[*?\[]", _ESCAPED.sub("", directory)):
            return []
        prefix = _ESCAPED.sub(r"\1", directory) + slash
        names = list_names(self.session, prefix or ".")
        if not isinstance(names, list):
            return []
        hidden = base.startswith(".")
        return [prefix + name for name in names
                if fnmatch.fnmatchcase(name, base) and (hidden or not name.startswith("."))]

    def _expand_part(self, part: Part) -> str:
        env = self.session.env
        if part.kind == "var":
            return self._variable(part.value)
        if part.kind == "cmd":
            return self._capture(part.value)
        if part.kind == "arith":
            raise _ExpansionError(f"nodeport-trainer: {part.value}: arithmetic expansion is not supported "
                                  "in this console")
        name, op, operand = part.value
        if op == "bad":
            raise _ExpansionError(f"bash: {name}: bad substitution")
        if op == "unsupported":
            raise _ExpansionError(f"nodeport-trainer: {name}: this expansion is not supported in this "
                                  "console (use ${NAME}, ${NAME:-default} or ${#NAME})")
        value = self._variable(name) if name in _SPECIAL or name in env else None
        if op == "len":
            return str(len(value or ""))
        unset = value is None or (op.startswith(":") and value == "")
        kind = op[-1]
        if kind == "-":
            return self._expand_string(operand.parts) if unset else value
        if kind == "+":
            return "" if unset else self._expand_string(operand.parts)
        if kind == "=":
            if unset:
                if not _NAME.fullmatch(name):
                    raise _ExpansionError(f"bash: ${name}: cannot assign in this way")
                env[name] = self._expand_string(operand.parts)
                return env[name]
            return value
        if unset:
            message = self._expand_string(operand.parts) or "parameter null or not set"
            raise _ExpansionError(f"bash: {name}: {message}")
        return value

    def _variable(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return "4242"
        if name == "#":
            return "0"
        if name == "0":
            return "bash"
        if name == "-":
            return "himBHs"
        if name in _SPECIAL:
            return ""
        return self.session.env.get(name, "")

    def _capture(self, program: list[AndOr]) -> str:
        """Run $(...) in a subshell: its variables and `exit` stay inside; trailing newlines go."""
        session = self.session
        env, saved_env, saved_host, saved_sub = session.env, dict(session.env), session.host, self.in_subshell
        out = _Buffer()
        self.in_subshell = True
        try:
            status = self._run_program(program, {1: out, 2: self._err_sink}, "")
        except _Unwind as unwind:
            status = unwind.status
        finally:
            # Put the very same dict back: callers hold it while they assign.
            env.clear()
            env.update(saved_env)
            self.in_subshell = saved_sub
            session.env, session.host, self._host = env, saved_host, saved_host
        self._subst_status = self.status = status
        return out.text().rstrip("\n")


def _node_env(host: str) -> dict[str, str]:
    """A fresh root login's variables on a node."""
    return {"HOME": "/root", "USER": "root", "LOGNAME": "root", "PWD": "/root", "HOSTNAME": host,
            "SHELL": "/bin/bash"}


def run_remote(session: Session, line: str, stdin: str = "") -> Result:
    """trainer.sandbox.node.REMOTE_RUNNER: run a command line on the node set in session.host."""
    shell = shell_for(session) or Shell(session)
    return shell.run_remote(line, stdin)


def _restore(env: dict[str, str], saved: dict[str, str | None]) -> None:
    for name, old in saved.items():
        if old is None:
            env.pop(name, None)
        else:
            env[name] = old


__all__ = ["AndOr", "Command", "MAX_INPUT", "MAX_LINE", "Parsed", "Pipeline", "Shell", "Word",
           "decode_escapes", "parse", "run_remote", "shell_for"]
