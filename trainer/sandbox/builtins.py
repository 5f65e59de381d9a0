"""Shell builtins and the small coreutils the console offers: echo, cd, cat, ls, sed, grep and friends."""

from __future__ import annotations

import datetime as _dt
import math
import os
import posixpath
import re

from .session import CommandFn, FileError, Result, Session
from .shell import decode_escapes, shell_for

#: Directories every node has, even when the console holds no file in them.
NODE_DIRS = frozenset({"/", "/root", "/etc", "/etc/kubernetes", "/home", "/opt", "/tmp", "/usr", "/var",
                       "/var/log"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CLEAR = "\x1b[H\x1b[2J\x1b[3J"


# ------------------------------------------------------------------ files on the current host

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


# ------------------------------------------------------------------ option parsing

def _getopt(argv: list[str], spec: str, longs: dict[str, str] | None = None):
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


def _usage_error(tool: str, message: str, status: int = 1, tail: str | None = None) -> Result:
    tail = f"Try '{tool} --help' for more information.\n" if tail is None else tail
    return Result("", f"{tool}: {message}\n{tail}", status)


def _unsupported_option(tool: str, key: str, status: int) -> Result:
    return Result("", f"{tool}: option -{key} is not supported in this console\n", status)


def _inputs(session: Session, tool: str, files: list[str], stdin: str, message: str = "{tool}: {path}: {reason}"):
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


def _lines(text: str) -> list[str]:
    """Lines without their newlines; a last line without one still counts."""
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []


# ------------------------------------------------------------------ bash builtins

def echo(session: Session, argv: list[str], stdin: str) -> Result:
    """bash's echo: -n (no newline), -e (escapes), -E."""
    args, newline, escapes = argv[1:], True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args[0][1:]:
            newline = newline and flag != "n"
            escapes = flag == "e" if flag in "eE" else escapes
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stopped = decode_escapes(text)
        if stopped:
            return Result(text)
    return Result(text + ("\n" if newline else ""))


def printf(session: Session, argv: list[str], stdin: str) -> Result:
    """bash's printf: %s %b %q %c %d %i %u %o %x %X %e %f %g with flags, width and precision; -v VAR."""
    args = argv[1:]
    target = None
    if args[:1] == ["-v"]:
        if len(args) < 2:
            return Result("", "bash: printf: -v: option requires an argument\n"
                              "printf: usage: printf [-v var] format [arguments]\n", 2)
        target, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return Result("", "printf: usage: printf [-v var] format [arguments]\n", 2)
    fmt, values = args[0], args[1:]
    out, err = [], []
    while True:
        used, stopped = _printf_once(fmt, values, out, err)
        values = values[used:]
        if stopped or not used or not values:
            break
    text = "".join(out)
    if target is not None:
        if not _NAME.fullmatch(target):
            return Result("", f"bash: printf: `{target}': not a valid identifier\n", 1)
        session.env[target] = text
        text = ""
    return Result(text, "".join(err), 1 if err else 0)


_PRINTF_SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%]?)")


def _printf_once(fmt: str, values: list[str], out: list[str], err: list[str]) -> tuple[int, bool]:
    """Format once; returns (arguments used, whether %b's \\c stopped all output)."""
    used, i = 0, 0

    def take() -> str | None:
        nonlocal used
        used += 1
        return values[used - 1] if used <= len(values) else None

    while i < len(fmt):
        c = fmt[i]
        if c == "\\":
            match = re.match(r"\\([0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|.)", fmt[i:], re.S)
            code = match.group(1)
            out.append(chr(int(code, 8)) if code[0] in "01234567" else decode_escapes("\\" + code, True)[0])
            i += match.end()
            continue
        if c != "%":
            out.append(c)
            i += 1
            continue
        match = _PRINTF_SPEC.match(fmt, i)
        flags, width, precision, conv = match.groups()
        i = match.end()
        if conv == "%":
            out.append("%")
            continue
        if not conv or conv not in "sbqcdiuoxXeEfFgG":
            err.append(f"bash: printf: `{conv or fmt[i - 1]}': invalid format character\n")
            return used, True
        if width == "*":
            width = str(_printf_int(take() or "0", err))
        if precision == "*":
            precision = str(_printf_int(take() or "0", err))
        spec = "%" + flags + (width or "") + ("." + precision if precision is not None else "")
        arg = take()
        if conv in "sbqc":
            text = arg or ""
            if conv == "b":
                text, stop = decode_escapes(text)
                if stop:
                    out.append(text)
                    return used, True
            elif conv == "q":
                text = re.sub(r"([^A-Za-z0-9_./:=@%+,^-])", r"\\\1", text) if text else "''"
            elif conv == "c":
                text = text[:1]
            out.append((spec + "s") % text)
        elif conv in "diuoxX":
            out.append((spec + ("d" if conv in "iu" else conv)) % _printf_int(arg or "0", err))
        else:
            try:
                number = float(arg or "0")
            except ValueError:
                err.append(f"bash: printf: {arg}: invalid number\n")
                number = 0.0
            out.append((spec + conv) % number)
    return used, False


def _printf_int(text: str, err: list[str]) -> int:
    if text[:1] in ("'", '"'):
        return ord(text[1]) if len(text) > 1 else 0
    try:
        return int(text, 0) if not re.fullmatch(r"[-+]?0\d+", text) else int(text, 8)
    except ValueError:
        err.append(f"bash: printf: {text}: invalid number\n")
        return 0


def true(session: Session, argv: list[str], stdin: str) -> Result:
    """Succeed."""
    return Result()


def false(session: Session, argv: list[str], stdin: str) -> Result:
    """Fail."""
    return Result(status=1)


def pwd(session: Session, argv: list[str], stdin: str) -> Result:
    """Print the current directory."""
    return Result(cwd(session) + "\n")


def cd(session: Session, argv: list[str], stdin: str) -> Result:
    """Change directory (on the workstation, within the workspace)."""
    args = argv[1:]
    if len(args) > 1:
        return Result("", "bash: cd: too many arguments\n", 1)
    env = session.env
    target = args[0] if args else env.get("HOME", "")
    if not args and not target:
        return Result("", "bash: cd: HOME not set\n", 1)
    if target == "-":
        if not env.get("OLDPWD"):
            return Result("", "bash: cd: OLDPWD not set\n", 1)
        target = env["OLDPWD"]
    if target == "":
        return Result()
    full = host_path(session, target)
    if isinstance(full, FileError):
        return Result("", f"bash: cd: {target}: {full.reason}\n", 1)
    if not is_directory(session, full):
        exists = not isinstance(read_text(session, full), FileError)
        reason = "Not a directory" if exists else "No such file or directory"
        return Result("", f"bash: cd: {target}: {reason}\n", 1)
    env["OLDPWD"], env["PWD"] = cwd(session), full
    return Result(full + "\n" if args and args[0] == "-" else "")


def export(session: Session, argv: list[str], stdin: str) -> Result:
    """Set variables (all console variables are exported); with no names, list them."""
    args = argv[1:]
    if args and args[0].startswith("-") and args[0] != "-p":
        return Result("", f"bash: export: {args[0][:2]}: invalid option\n"
                          "export: usage: export [-fn] [name[=value] ...] or export -p\n", 2)
    if not args or args == ["-p"]:
        out = []
        for name in sorted(session.env):
            value = re.sub(r'(["\\$`])', r"\\\1", session.env[name])
            out.append(f'declare -x {name}="{value}"\n')
        return Result("".join(out))
    err, status = [], 0
    for arg in args:
        name, eq, value = arg.partition("=")
        if not _NAME.fullmatch(name):
            err.append(f"bash: export: `{arg}': not a valid identifier\n")
            status = 1
        elif eq:
            session.env[name] = value
    return Result("", "".join(err), status)


def unset(session: Session, argv: list[str], stdin: str) -> Result:
    """Remove variables (bash 5.2 passes over names that are not identifiers in silence)."""
    for name in argv[1:]:
        if name.startswith("-") and name not in ("-v", "-f", "-n"):
            return Result("", f"bash: unset: {name[:2]}: invalid option\n"
                              "unset: usage: unset [-f] [-v] [-n] [name ...]\n", 2)
        session.env.pop(name, None)
    return Result()


def exit_(session: Session, argv: list[str], stdin: str) -> Result:
    """Leave the node back to the workstation (as ssh does), or end the console."""
    shell = shell_for(session)
    sub = shell is not None and shell.in_subshell
    err = ""
    if not sub and session.host is not None:
        err = "logout\n"  # bash on the node is a login shell
    elif not sub and not session.script:
        err = "exit\n"  # an interactive bash says so; a script's does not
    args = argv[1:]
    status = shell.status if shell is not None else 0
    if args:
        if len(args) > 1:
            return Result("", err + f"bash: {argv[0]}: too many arguments\n", 1)
        if re.fullmatch(r"\s*[-+]?\d+\s*", args[0]):
            status = int(args[0]) & 0xFF
        else:
            err += f"bash: {argv[0]}: {args[0]}: numeric argument required\n"
            status = 2
    if shell is not None:
        shell.exit_request = (status, not sub and session.host is None)
    if not sub and session.host is not None:
        err += f"Connection to {session.host} closed.\n"
        session.host = None
    return Result("", err, status)


def logout(session: Session, argv: list[str], stdin: str) -> Result:
    """Leave a node; the workstation's shell is not a login shell."""
    if session.host is None:
        return Result("", "bash: logout: not login shell: use `exit'\n", 1)
    return exit_(session, argv, stdin)


def history(session: Session, argv: list[str], stdin: str) -> Result:
    """The command lines run so far, numbered as bash numbers them."""
    shell = shell_for(session)
    entries = shell.history if shell is not None else []
    args = argv[1:]
    if args == ["-c"]:
        entries.clear()
        return Result()
    if len(args) > 1:
        return Result("", "bash: history: too many arguments\n", 1)
    if args and not args[0].isdigit():
        return Result("", f"bash: history: {args[0]}: numeric argument required\n", 1)
    count = int(args[0]) if args else len(entries)
    start = max(len(entries) - count, 0)
    return Result("".join(f"{i + 1:5d}  {entries[i]}\n" for i in range(start, len(entries))))


def help_(session: Session, argv: list[str], stdin: str) -> Result:
    """What can be run here."""
    from .commands import available

    where = "the workstation" if session.host is None else session.host
    tools, basics = [], []
    for name, summary in available(session):
        (tools if summary else basics).append((name, summary))
    width = max((len(name) for name, _ in tools), default=0) + 2
    out = [f"Commands on {where}:\n"]
    out += [f"  {name:<{width}}{summary}\n" for name, summary in tools]
    out.append("Shell builtins and tools:\n  " + " ".join(name for name, _ in basics) + "\n")
    out.append("The shell understands quotes, $VAR, ${VAR}, $(...), pipes, && || ;, redirections\n"
               "(> >> < 2>&1) and heredocs (<<EOF). ")
    out.append("`exit` returns to the workstation.\n" if session.host else "Leave with `exit` or Ctrl-D.\n")
    return Result("".join(out))


# ------------------------------------------------------------------ small coreutils

def clear(session: Session, argv: list[str], stdin: str) -> Result:
    """Clear the screen (xterm's sequence)."""
    return Result(_CLEAR)


def sleep(session: Session, argv: list[str], stdin: str) -> Result:
    """Let simulated time pass at once: `sleep 30` ages the cluster by 30 seconds."""
    if len(argv) < 2:
        return _usage_error("sleep", "missing operand")
    total = 0.0
    for arg in argv[1:]:
        match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
        if not match:
            return _usage_error("sleep", f"invalid time interval ‘{arg}’")
        total += float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    if math.isfinite(total) and total > 0:
        session.cluster.advance(total)
    return Result()


def cat(session: Session, argv: list[str], stdin: str) -> Result:
    """Concatenate files (stdin for none or "-"); -n numbers lines."""
    parsed = _getopt(argv, "AbeEnstTuv", {"number": "n", "show-all": "A", "number-nonblank": "b",
                                          "squeeze-blank": "s", "show-ends": "E", "show-tabs": "T",
                                          "show-nonprinting": "v", "help": "h", "version": "V"})
    if isinstance(parsed, str):
        return _usage_error("cat", parsed)
    opts, files = parsed
    for key, _ in opts:
        if key not in "nu":
            return _unsupported_option("cat", key, 1)
    number = any(key == "n" for key, _ in opts)
    out, err, line_no = [], [], 0
    for _, text, problem in _inputs(session, "cat", files, stdin):
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
    parsed = _getopt(argv, "abcdfghiklmnopqrstuvw:xABCDFGHI:LNQRST:UXZ1",
                     {"all": "a", "almost-all": "A", "help": "h", "version": "V"})
    if isinstance(parsed, str):
        return _usage_error("ls", parsed, 2)
    opts, paths = parsed
    flags = {key for key, _ in opts}
    for key in flags - set("aA1l"):
        return _unsupported_option("ls", key, 2)
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
    parsed = _getopt(argv, spec, longs)
    if isinstance(parsed, str):
        return _usage_error(tool, parsed)
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
            return _unsupported_option(tool, key, 1)
    out, err = [], []
    message = "{tool}: cannot open '{path}' for reading: {reason}"
    for index, (name, text, problem) in enumerate(_inputs(session, tool, files, stdin, message)):
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
    parsed = _getopt(argv, "clLmw", {"bytes": "c", "chars": "m", "lines": "l", "words": "w"})
    if isinstance(parsed, str):
        return _usage_error("wc", parsed)
    opts, files = parsed
    keys = {key for key, _ in opts}
    if "L" in keys:
        return _unsupported_option("wc", "L", 1)
    shown = [k for k in "lwmc" if k in keys] or ["l", "w", "c"]
    rows, err, size = [], [], 0
    for name, text, problem in _inputs(session, "wc", files, stdin):
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


# ------------------------------------------------------------------ regular expressions (POSIX, GNU flavour)

class _RegexError(Exception):
    pass


_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "0-9A-Za-z", "upper": "A-Z", "lower": "a-z",
            "space": r" \t\n\r\f\v", "blank": r" \t", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
            "print": r"\x20-\x7e", "graph": r"\x21-\x7e", "cntrl": r"\x00-\x1f\x7f", "xdigit": "0-9A-Fa-f"}


def compile_regex(pattern: str, extended: bool = False, icase: bool = False) -> re.Pattern:
    """Compile a POSIX basic (or extended) regular expression as GNU tools read it.

    Raises:
        _RegexError: with glibc's message, e.g. "Unmatched ( or \\(".
    """
    translated = _translate(pattern, extended)
    try:
        return re.compile(translated, re.DOTALL | (re.IGNORECASE if icase else 0))
    except re.error as exc:
        text = str(exc)
        if "repeat" in text and "greater" in text:
            raise _RegexError("Invalid content of \\{\\}") from None
        if "range" in text:
            raise _RegexError("Invalid range end") from None
        if "group" in text:
            raise _RegexError("Invalid back reference") from None
        raise _RegexError("Invalid preceding regular expression") from None


def _translate(pat: str, ere: bool) -> str:
    out: list[str] = []
    i, n, depth, start = 0, len(pat), 0, True  # start: where * is literal in a BRE
    while i < n:
        c = pat[i]
        if c == "\\":
            if i + 1 >= n:
                raise _RegexError("Trailing backslash")
            e, i = pat[i + 1], i + 2
            if not ere and e in "(){|+?":
                if e == "{":
                    end = pat.find("\\}", i)
                    if start:
                        raise _RegexError("Invalid preceding regular expression")
                    if end < 0:
                        raise _RegexError("Unmatched \\{")
                    body = pat[i:end]
                    if not re.fullmatch(r"\d+(,\d*)?|,\d+", body):
                        raise _RegexError("Invalid content of \\{\\}")
                    out.append("{" + body + "}")
                    i = end + 2
                    continue
                if e == ")":
                    if not depth:
                        raise _RegexError("Unmatched ) or \\)")
                    depth -= 1
                depth += e == "("
                out.append(e)
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
            if c == ")":
                if not depth:
                    raise _RegexError("Unmatched ) or \\)")
                depth -= 1
            depth += c == "("
            out.append(c)
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
        raise _RegexError("Unmatched ( or \\(")
    return "".join(out)


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
                raise _RegexError("Unmatched [, [^, [:, [., or [=")
            name = pat[i + 2:end]
            if name not in _CLASSES:
                raise _RegexError("Invalid character class name")
            items.append(_CLASSES[name])
            i = end + 2
            continue
        c = pat[i]
        if c == "\\" and pat[i + 1:i + 2] in ("n", "t"):
            c, i = "\n" if pat[i + 1] == "n" else "\t", i + 1
        if i + 2 < n and pat[i + 1] == "-" and pat[i + 2] != "]":
            low, high = c, pat[i + 2]
            if ord(low) > ord(high):
                raise _RegexError("Invalid range end")
            items.append(re.escape(low) + "-" + re.escape(high))
            i += 3
            continue
        items.append(re.escape(c))
        i += 1
    if i >= n:
        raise _RegexError("Unmatched [, [^, [:, [., or [=")
    return i + 1, "[" + ("^" if negate else "") + "".join(items) + "]"


# ------------------------------------------------------------------ grep

def grep(session: Session, argv: list[str], stdin: str) -> Result:
    """Print lines that match: -E -F -i -v -c -n -l -L -o -q -s -w -x -h -H -e."""
    usage = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
    parsed = _getopt(argv, "0123456789A:B:C:D:EFGHIJLNPRTUVX:abcd:e:f:hiLlm:noqRrsuvwxyZz",
                     {"extended-regexp": "E", "fixed-strings": "F", "basic-regexp": "G", "ignore-case": "i",
                      "invert-match": "v", "count": "c", "line-number": "n", "files-with-matches": "l",
                      "files-without-match": "L", "only-matching": "o", "quiet": "q", "silent": "q",
                      "no-messages": "s", "word-regexp": "w", "line-regexp": "x", "no-filename": "h",
                      "with-filename": "H", "regexp=": "e", "color=?": "color", "colour=?": "color"})
    if isinstance(parsed, str):
        return _usage_error("grep", parsed, 2, usage)
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
            return _unsupported_option("grep", key, 2)
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
            body = "|".join(f"(?:{_translate(p, 'E' in flags)})" for p in alternatives)
            regex = re.compile(body, re.IGNORECASE if "i" in flags else 0)
        if "w" in flags:
            regex = re.compile(rf"(?<!\w)(?:{regex.pattern})(?!\w)", regex.flags)
    except (_RegexError, re.error) as exc:
        message = str(exc) if isinstance(exc, _RegexError) else "Invalid regular expression"
        return Result("", f"grep: {message}\n", 2)
    named = ("H" in flags or len(operands) > 1) and "h" not in flags
    out, err, matched, failed = [], [], False, False
    for name, text, problem in _inputs(session, "grep", operands, stdin, "{tool}: {path}: {reason}"):
        if problem:
            failed = True
            err += [] if "s" in flags else [problem]
            continue
        shown = "(standard input)" if name == "-" else name
        prefix = f"{shown}:" if named else ""
        count = 0
        for number, line in enumerate(_lines(text), 1):
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


# ------------------------------------------------------------------ sed

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
        except _RegexError as exc:
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
    parsed = _getopt(argv, "nrsuEzi::e:f:l:",
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
    for _, text, problem in _inputs(session, "sed", operands, stdin, "sed: can't read {path}: {reason}"):
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
    lines = _lines(text)
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


# ------------------------------------------------------------------ the tables

#: bash builtins: they run in the shell itself, so they come before any command of the same name.
SHELL_BUILTINS: dict[str, CommandFn] = {
    ":": true, "cd": cd, "echo": echo, "printf": printf, "exit": exit_, "export": export, "false": false, "help": help_,
    "history": history, "logout": logout, "pwd": pwd, "true": true, "unset": unset,
}

#: Small coreutils; a node's own commands of the same name take precedence.
TOOLS: dict[str, CommandFn] = {
    "cat": cat, "clear": clear, "grep": grep, "head": head, "ls": ls, "sed": sed, "sleep": sleep,
    "tail": tail, "wc": wc,
}

__all__ = ["NODE_DIRS", "SHELL_BUILTINS", "TOOLS", "compile_regex", "cwd", "host_path", "is_directory",
           "list_names", "open_for_write", "read_text", "write_text"]
