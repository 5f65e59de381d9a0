"""GNU sed: its script compiler (with GNU's error positions), addresses, and the commands the console runs."""

from __future__ import annotations

import posixpath
import re

from .host_files import read_text, write_text
from .session import FileError, Result, Session
from .tool_common import getopt_long, read_inputs, text_lines
from .tool_regex import RegexError, compile_regex

_SED_USAGE = """\
Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
"""


class _SedError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos, self.message = pos, message


class _SedCommand:
    def __init__(self, addr1, addr2, negate: bool, name: str) -> None:
        self.addr1, self.addr2, self.negate, self.name = addr1, addr2, negate, name
        self.active = False
        self.end_line = 0
        self.regex = None
        self.replacement: list = []
        self.global_ = False
        self.nth = 1
        self.print_ = False
        self.exit_code = 0


class _SedScript:
    """One -e expression compiled as GNU sed compiles it, with its error positions."""

    def __init__(self, text: str, extended: bool, previous: re.Pattern | None) -> None:
        self.text, self.i, self.extended, self.previous = text, 0, extended, previous
        self.commands: list[_SedCommand] = []
        while self._next_command():
            pass

    def _peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def _get(self) -> str:
        c = self._peek()
        self.i += bool(c)  # GNU counts characters read, and end of input is not one
        return c

    def _skip_spaces(self) -> None:
        while self._peek() in (" ", "\t") and self._peek():
            self.i += 1

    def _next_command(self) -> bool:
        while self._peek() and self._peek() in " \t\n;":
            self.i += 1
        if not self._peek():
            return False
        addr1 = self._address()
        addr2 = None
        if addr1 is not None:
            self._skip_spaces()
            if self._peek() == ",":
                self.i += 1
                self._skip_spaces()
                addr2 = self._address()
                if addr2 is None:
                    self.i += 1
                    raise _SedError(self.i, "unexpected `,'")
        self._skip_spaces()
        negate = False
        while self._peek() == "!":
            negate = True
            self.i += 1
            self._skip_spaces()
        name = self._get()
        if not name:
            raise _SedError(self.i, "missing command")
        command = _SedCommand(addr1, addr2, negate, name)
        if name == "#":
            while self._peek() and self._peek() != "\n":
                self.i += 1
            return True
        if name == "}":
            raise _SedError(self.i, "unexpected `}'")
        if name == "s":
            self._substitute(command)
        elif name == "y":
            self._transliterate(command)
        elif name in "pdqQ=hHgGx":
            if name in "qQ":
                self._skip_spaces()
                digits = re.match(r"\d+", self.text[self.i:])
                if digits:
                    command.exit_code = int(digits.group())
                    self.i += len(digits.group())
            self._end_of_command("extra characters after command")
        elif name in "aic{nNDPbtTrRwWeFzvlL":
            raise _SedError(self.i, f"command `{name}' is not supported in this console")
        else:
            raise _SedError(self.i, f"unknown command: `{name}'")
        self.commands.append(command)
        return True

    def _end_of_command(self, message: str) -> None:
        self._skip_spaces()
        c = self._get()
        if c in ("", ";", "\n"):
            return
        if c == "}":
            raise _SedError(self.i, "unexpected `}'")
        if c == "#":
            self.i -= 1
            return
        raise _SedError(self.i, message)

    def _address(self):
        c = self._peek()
        if c.isdigit():
            digits = re.match(r"\d+", self.text[self.i:]).group()
            self.i += len(digits)
            return ("line", int(digits))
        if c == "$":
            self.i += 1
            return ("last",)
        if c in ("/", "\\"):
            self.i += 1
            delim = "/" if c == "/" else self._get()
            body = self._delimited(delim, regex=True)
            if body is None:
                raise _SedError(len(self.text), "unterminated address regex")
            icase = False
            while self._peek() in ("I", "M") and self._peek():
                icase = icase or self._get() == "I"
            return ("re", self._regex(body, icase, self.i))
        return None

    def _delimited(self, delim: str, regex: bool) -> str | None:
        """Text up to an unescaped delimiter (brackets protect it in a regex); None if unterminated."""
        out, text = [], self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\\" and self.i + 1 < len(text):
                nxt = text[self.i + 1]
                out.append(nxt if nxt == delim else "\n" if nxt == "\n" else c + nxt)
                self.i += 2
                continue
            if c == delim:
                self.i += 1
                return "".join(out)
            if regex and c == "[":
                end = self.i + 1
                end += text[end:end + 1] == "^"
                end += text[end:end + 1] == "]"
                close = text.find("]", end)
                if close < 0:
                    return None  # an open bracket swallows the delimiter, as in GNU sed
                out.append(text[self.i:close + 1])
                self.i = close + 1
                continue
            if c == "\n" and not regex:
                out.append(c)
            elif c == "\n":
                return None
            else:
                out.append(c)
            self.i += 1
        return None

    def _regex(self, body: str, icase: bool, pos: int) -> re.Pattern:
        if body == "":
            if self.previous is None:
                raise _SedError(0, "no previous regular expression")
            return self.previous
        try:
            compiled = compile_regex(body, self.extended, icase)
        except RegexError as exc:
            raise _SedError(pos, str(exc)) from None
        self.previous = compiled
        return compiled

    def _transliterate(self, command: _SedCommand) -> None:
        delim = self._get()
        source = self._delimited(delim, regex=False) if delim not in ("", "\n", "\\") else None
        target = None if source is None else self._delimited(delim, regex=False)
        if target is None:
            raise _SedError(len(self.text), "unterminated `y' command")
        source, target = _unescape_y(source), _unescape_y(target)
        if len(source) != len(target):
            raise _SedError(self.i, "strings for `y' command are different lengths")
        command.replacement = [str.maketrans(source, target)] if source else [{}]
        self._end_of_command("extra characters after command")

    def _substitute(self, command: _SedCommand) -> None:
        delim = self._get()
        if delim in ("", "\n", "\\"):
            raise _SedError(self.i, "unterminated `s' command")
        pattern = self._delimited(delim, regex=True)
        replacement = None if pattern is None else self._delimited(delim, regex=False)
        if replacement is None:
            raise _SedError(len(self.text), "unterminated `s' command")
        icase = seen_number = False
        while True:
            self._skip_spaces()
            c = self._get()
            if c == "g":
                if command.global_:
                    raise _SedError(self.i, "multiple `g' options to `s' command")
                command.global_ = True
            elif c == "p":
                if command.print_:
                    raise _SedError(self.i, "multiple `p' options to `s' command")
                command.print_ = True
            elif c in ("i", "I"):
                icase = True
            elif c in ("m", "M"):
                continue
            elif c.isdigit():
                digits = re.match(r"\d+", self.text[self.i - 1:]).group()
                self.i += len(digits) - 1
                if seen_number:
                    raise _SedError(self.i, "multiple number options to `s' command")
                if int(digits) == 0:
                    raise _SedError(self.i, "number option to `s' command may not be zero")
                command.nth, seen_number = int(digits), True
            elif c in ("w", "e"):
                if c == "w" and not self.text[self.i:].strip():
                    raise _SedError(self.i, "missing filename in r/R/w/W commands")
                raise _SedError(self.i, f"the `{c}' option of `s' is not supported in this console")
            elif c in ("", ";", "\n"):
                break
            elif c == "#":
                self.i -= 1
                break
            elif c == "}":
                raise _SedError(self.i, "unexpected `}'")
            else:
                raise _SedError(self.i, "unknown option to `s'")
        command.regex = self._regex(pattern, icase, self.i)
        command.replacement = _replacement(replacement)
        for part in command.replacement:
            if isinstance(part, int) and part > command.regex.groups:
                raise _SedError(self.i, f"invalid reference \\{part} on `s' command's RHS")


def _unescape_y(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text, flags=re.S)


def _replacement(text: str) -> list:
    """The right-hand side of s///: literal strings and group numbers (& is 0)."""
    parts: list = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "&":
            parts.append(0)
        elif c == "\\" and i + 1 < len(text):
            i += 1
            e = text[i]
            parts.append(int(e) if e.isdigit() else {"n": "\n", "t": "\t", "\n": "\n"}.get(e, e))
        else:
            parts.append(c)
        i += 1
    return parts


def sed(session: Session, argv: list[str], stdin: str) -> Result:
    """GNU sed: s y p d q Q = h H g G x, addresses (N, $, /re/, ranges, !); -n -e -E/-r -i[SUFFIX]."""
    parsed = getopt_long(argv, "nrsuEzi::e:f:l:",
                         {"quiet": "n", "silent": "n", "regexp-extended": "E", "in-place=?": "i", "expression=": "e",
                          "separate": "s", "unbuffered": "u", "null-data": "z", "file=": "f", "line-length=": "l",
                          "posix": "P", "debug": "D", "sandbox": "S", "follow-symlinks": "F", "help": "h",
                          "version": "V"})
    if isinstance(parsed, str):
        return Result("", f"sed: {parsed}\n{_SED_USAGE}", 1)
    opts, operands = parsed
    quiet = extended = False
    in_place: str | None = None
    scripts: list[str] = []
    for key, value in opts:
        if key == "n":
            quiet = True
        elif key in "Er":
            extended = True
        elif key == "i":
            in_place = value or ""
        elif key == "e":
            scripts.append(value)
        elif key in "suPS":
            continue
        else:
            return Result("", f"sed: option {'-' + key if len(key) == 1 else key} is not supported "
                              "in this console\n", 1)
    if not scripts:
        if not operands:
            return Result("", _SED_USAGE, 1)
        scripts, operands = [operands[0]], operands[1:]
    commands, previous = [], None
    for number, script in enumerate(scripts, 1):
        try:
            compiled = _SedScript(script, extended, previous)
        except _SedError as exc:
            return Result("", f"sed: -e expression #{number}, char {exc.pos}: {exc.message}\n", 1)
        commands += compiled.commands
        previous = compiled.previous
    if in_place is not None:
        return _sed_in_place(session, commands, quiet, operands, in_place)
    texts, err = [], []
    for _, text, problem in read_inputs(session, "sed", operands, stdin, "sed: can't read {path}: {reason}"):
        if problem:
            err.append(problem)
        else:
            texts.append(text)
    out, code = _sed_run(commands, quiet, "".join(texts))
    return Result(out, "".join(err), code if code else 2 if err else 0)


def _sed_in_place(session: Session, commands: list, quiet: bool, files: list[str], suffix: str) -> Result:
    if not files:
        return Result("", "sed: no input files\n", 4)
    err, code = [], 0
    for path in files:
        text = read_text(session, path)
        if isinstance(text, FileError):
            reason = text.reason
            err.append(f"sed: couldn't edit {path}: not a regular file\n" if reason == "Is a directory"
                       else f"sed: can't read {path}: {reason}\n")
            continue
        out, code = _sed_run(commands, quiet, text)
        if suffix:
            backup = suffix.replace("*", posixpath.basename(path)) if "*" in suffix else path + suffix
            write_text(session, backup, text)
        problem = write_text(session, path, out)
        if problem is not None:
            err.append(f"sed: couldn't open file {path}: {problem.reason}\n")
    return Result("", "".join(err), code if code else 4 if any("couldn't" in e for e in err) else 2 if err else 0)


def _sed_run(commands: list[_SedCommand], quiet: bool, text: str) -> tuple[str, int]:
    lines = text_lines(text)
    missing_newline = bool(text) and not text.endswith("\n")
    out: list[str] = []
    hold = ""

    def emit(line: str, index: int) -> None:
        last = index == len(lines) - 1
        out.append(line + ("" if last and missing_newline else "\n"))

    for index, line in enumerate(lines):
        number, space, deleted, quit_code = index + 1, line, False, None
        for command in commands:
            if not _sed_selects(command, number, len(lines), space):
                continue
            name = command.name
            if name == "s":
                space, changed = _sed_substitute(command, space)
                if changed and command.print_:
                    emit(space, -1)
            elif name == "p":
                emit(space, -1)
            elif name == "y":
                space = space.translate(command.replacement[0])
            elif name in "hH":
                hold = space if name == "h" else hold + "\n" + space
            elif name in "gG":
                space = hold if name == "g" else space + "\n" + hold
            elif name == "x":
                space, hold = hold, space
            elif name == "=":
                out.append(f"{number}\n")
            elif name == "d":
                deleted = True
                break
            elif name in "qQ":
                quit_code = (command.exit_code, name == "q")
                break
        if not deleted and not quiet and (quit_code is None or quit_code[1]):
            emit(space, index)
        if quit_code is not None:
            return "".join(out), quit_code[0]
    return "".join(out), 0


def _sed_selects(command: _SedCommand, number: int, last: int, space: str) -> bool:
    def matches(address) -> bool:
        kind = address[0]
        return number == address[1] if kind == "line" else number == last if kind == "last" \
            else bool(address[1].search(space))

    if command.addr1 is None:
        hit = True
    elif command.addr2 is None:
        hit = matches(command.addr1)
    elif command.active:
        addr2 = command.addr2
        if addr2[0] == "line":
            hit = True
            command.active = number < addr2[1]
        else:
            hit = True
            command.active = not matches(addr2)
    elif matches(command.addr1):
        hit = True
        addr2 = command.addr2
        command.active = not (addr2[0] == "line" and addr2[1] <= number) and not (addr2[0] == "last" and
                                                                                   number == last)
    else:
        hit = False
    return hit != command.negate


def _sed_substitute(command: _SedCommand, space: str) -> tuple[str, bool]:
    out, last, count, changed = [], 0, 0, False
    for match in command.regex.finditer(space):
        count += 1
        if count < command.nth:
            continue
        out.append(space[last:match.start()])
        out.append("".join(match.group(p) or "" if isinstance(p, int) else p for p in command.replacement))
        last, changed = match.end(), True
        if not command.global_:
            break
    if not changed:
        return space, False
    out.append(space[last:])
    return "".join(out), True


__all__ = ["sed"]
