"""bash's builtins (echo, printf, cd, export, exit ...) and the console's tables of builtins and coreutils."""

from __future__ import annotations

import math
import re

from .host_files import (NODE_DIRS, cwd, host_path, is_directory, list_names, open_for_write, read_text,
                         write_text)
from .session import CommandFn, FileError, Result, Session
from .shell import shell_for
from .shell_parse import NAME, decode_escapes
from .tool_common import usage_error
from .tool_files import cat, ls
from .tool_regex import compile_regex
from .tool_sed import sed
from .tool_text import grep, head, tail, wc

_CLEAR = "\x1b[H\x1b[2J\x1b[3J"


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
        if not NAME.fullmatch(target):
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
        if not NAME.fullmatch(name):
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
        return usage_error("sleep", "missing operand")
    total = 0.0
    for arg in argv[1:]:
        match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
        if not match:
            return usage_error("sleep", f"invalid time interval ‘{arg}’")
        total += float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    if math.isfinite(total) and total > 0:
        session.cluster.advance(total)
    return Result()


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
