"""Command-line flags parsed the way cobra and pflag parse kubectl's, with their error texts."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

#: Values Go's strconv.ParseBool accepts.
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


@dataclass(frozen=True)
class Flag:
    """One flag.

    Attributes:
        name: the long name, without dashes.
        short: the one-letter shorthand, or "".
        kind: "bool", "string", "int" (int64), "int32", or "strings" (repeatable; each
            value is also split at commas when ``split`` is set, like a StringSlice).
        default: the value when the flag is absent.
        help: one line for our usage text.
        no_opt: pflag's NoOptDefVal, the value given by ``--flag`` without ``=``.
        split: split each value at commas (pflag StringSlice), else keep it whole (StringArray).
    """

    name: str
    short: str = ""
    kind: str = "string"
    default: object = None
    help: str = ""
    no_opt: str | None = None
    split: bool = False

    @property
    def label(self) -> str:
        """How pflag names the flag in errors: ``-r, --replicas`` or ``--port``."""
        return f"-{self.short}, --{self.name}" if self.short else f"--{self.name}"


@dataclass
class Parsed:
    """The outcome of parsing: positional args, flag values, and which flags were given.

    Attributes:
        args: positional arguments in order.
        values: every flag's value (defaults filled in).
        changed: names of the flags the user gave.
        dash: ArgsLenAtDash: how many args came before ``--`` (-1 without ``--``).
        help: True when -h/--help was given.
    """

    args: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    dash: int = -1
    help: bool = False

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def str(self, name: str) -> str:
        """A string flag's value."""
        return str(self.values.get(name) or "")

    def int(self, name: str) -> int:
        """An integer flag's value."""
        return int(self.values.get(name) or 0)

    def bool(self, name: str) -> bool:
        """A bool flag's value."""
        return bool(self.values.get(name))

    def list(self, name: str) -> list[str]:
        """A repeatable flag's values."""
        return list(self.values.get(name) or [])


@dataclass(frozen=True)
class FlagError:
    """A flag the parser rejected; cobra prints it as ``Error: <message>``."""

    message: str


# Flags shared by several commands, defined once so their texts stay the same everywhere.
NAMESPACE = Flag("namespace", "n", help="If present, the namespace scope for this CLI request")
KUBECONFIG = Flag("kubeconfig", help="Path to the kubeconfig file to use for CLI requests.")
CONTEXT = Flag("context", help="The name of the kubeconfig context to use")
ALL_NAMESPACES = Flag("all-namespaces", "A", "bool", False,
                      "If present, list the requested object(s) across all namespaces.")
SELECTOR = Flag("selector", "l", help="Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.")
OUTPUT = Flag("output", "o", help="Output format. One of: json, yaml, name, jsonpath=..., and wide for get.")
FILENAME = Flag("filename", "f", "strings", [], "Filename, directory, or URL to files (- reads stdin).", split=True)
RECURSIVE = Flag("recursive", "R", "bool", False, "Process the directory used in -f recursively.")
DRY_RUN = Flag("dry-run", help="Must be \"none\", \"server\", or \"client\".", default="none", no_opt="unchanged")
SHOW_LABELS = Flag("show-labels", kind="bool", default=False, help="Show all labels as the last column.")
NO_HEADERS = Flag("no-headers", kind="bool", default=False, help="Don't print headers.")
IGNORE_NOT_FOUND = Flag("ignore-not-found", kind="bool", default=False, help="Treat \"resource not found\" as a success.")
ALL = Flag("all", kind="bool", default=False, help="Select all resources in the namespace of the specified types.")
OVERWRITE = Flag("overwrite", kind="bool", default=False, help="Allow labels to be overwritten.")

#: Flags every kubectl command accepts (cobra persistent flags of the root command).
GLOBAL = (NAMESPACE, KUBECONFIG, CONTEXT)


def find(flags: tuple[Flag, ...], name: str = "", short: str = "") -> Flag | None:
    """The flag with this long name or shorthand."""
    for flag in flags:
        if (name and flag.name == name) or (short and flag.short == short):
            return flag
    return None


def takes_value(flags: tuple[Flag, ...], arg: str) -> bool:
    """Whether ``arg`` (a flag without ``=``) consumes the next argument, as cobra's stripFlags decides.

    Unknown flags count as taking a value, so ``kubectl --foo get`` finds no command, as upstream.
    """
    if arg in ("--help", "-h"):
        return False
    if arg.startswith("--"):
        flag = find(flags, name=arg[2:])
    elif arg.startswith("-") and len(arg) == 2:
        flag = find(flags, short=arg[1:])
    else:
        return False
    return flag is None or (flag.kind != "bool" and flag.no_opt is None)


def parse(flags: tuple[Flag, ...], argv: list[str]) -> Parsed | FlagError:
    """Parse argv like pflag with interspersed flags: flags may follow positional args.

    Args:
        flags: the command's flags (global flags included).
        argv: the arguments after the command path.
    """
    out = Parsed(values={f.name: _default(f) for f in flags})
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            out.dash = len(out.args)
            out.args.extend(argv[i:])
            break
        if not arg.startswith("-") or arg == "-":
            out.args.append(arg)
            continue
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name in ("help",) and not find(flags, name="help"):
                out.help = True
                continue
            flag = find(flags, name=name)
            if flag is None:
                return FlagError(f"unknown flag: --{name}")
            if not eq:
                if flag.kind == "bool":
                    value = "true"
                elif flag.no_opt is not None:
                    value = flag.no_opt
                elif i < len(argv):
                    value = argv[i]
                    i += 1
                else:
                    return FlagError(f"flag needs an argument: {arg}")
            err = _set(out, flag, value)
            if err:
                return err
            continue
        err, i = _short(flags, out, arg, argv, i)
        if err:
            return err
    return out


def _short(flags: tuple[Flag, ...], out: Parsed, arg: str, argv: list[str], i: int) -> tuple[FlagError | None, int]:
    """Parse one ``-abc`` / ``-nvalue`` / ``-n=value`` group of shorthands."""
    letters = arg[1:]
    while letters:
        c = letters[0]
        if c == "h" and not find(flags, short="h"):
            out.help = True
            letters = letters[1:]
            continue
        flag = find(flags, short=c)
        if flag is None:
            return FlagError(f"unknown shorthand flag: '{c}' in {arg}"), i
        rest = letters[1:]
        if rest.startswith("="):
            value, letters = rest[1:], ""
        elif flag.kind == "bool":
            value, letters = "true", rest
        elif flag.no_opt is not None:
            value, letters = (rest, "") if rest else (flag.no_opt, "")
        elif rest:
            value, letters = rest, ""
        elif i < len(argv):
            value, letters = argv[i], ""
            i += 1
        else:
            return FlagError(f"flag needs an argument: '{c}' in {arg}"), i
        err = _set(out, flag, value)
        if err:
            return err, i
    return None, i


def _default(flag: Flag) -> object:
    return list(flag.default) if isinstance(flag.default, list) else flag.default


def _set(out: Parsed, flag: Flag, value: str) -> FlagError | None:
    """Store one value, converting it as the flag's Go type does."""
    bad = f'invalid argument "{value}" for "{flag.label}" flag: '
    if flag.kind == "bool":
        if value not in _TRUE and value not in _FALSE:
            return FlagError(bad + f'strconv.ParseBool: parsing "{value}": invalid syntax')
        out.values[flag.name] = value in _TRUE
    elif flag.kind in ("int", "int32"):
        number = go_parse_int(value, 32 if flag.kind == "int32" else 64)
        if isinstance(number, str):
            return FlagError(bad + number)
        out.values[flag.name] = number
    elif flag.kind == "strings":
        current = out.values[flag.name] if flag.name in out.changed else []
        assert isinstance(current, list)
        current.extend(value.split(",") if flag.split and value else [value])
        out.values[flag.name] = current
    else:
        out.values[flag.name] = value
    out.changed.add(flag.name)
    return None


def go_parse_int(text: str, bits: int = 64) -> int | str:
    """strconv.ParseInt(text, 0, bits): the number, or Go's error text."""
    body = text[1:] if text[:1] in "+-" else text
    base, digits = 10, body
    if body[:2].lower() in ("0x", "0o", "0b"):
        # Base 0 accepts Go's prefixes; an underscore may follow the prefix.
        base, digits = {"x": 16, "o": 8, "b": 2}[body[1].lower()], body[2:].removeprefix("_")
    elif len(body) > 1 and body.startswith("0"):
        base, digits = 8, body[1:].removeprefix("_")
    try:
        # Python's int() takes underscores between digits as Go does, but also trims spaces.
        if not digits or digits != digits.strip():
            raise ValueError
        value = int(digits, base)
    except ValueError:
        return f'strconv.ParseInt: parsing "{text}": invalid syntax'
    value = -value if text.startswith("-") else value
    if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
        return f'strconv.ParseInt: parsing "{text}": value out of range'
    return value


def usage_error(path: str, message: str) -> str:
    """The two lines cobra prints for a bad flag, e.g. ``Error: unknown flag: --foo``."""
    return f"Error: {message}\nSee '{path} --help' for usage.\n"


def klog(severity: str, where: str, message: str, clock_now: float) -> str:
    """A klog line as kubectl writes it on stderr, stamped with the simulated clock.

    Args:
        severity: "E" or "W".
        where: the Go source position klog names, e.g. "run.go:72".
        message: the text after the header.
        clock_now: the simulated time (the pid is a fixed stand-in).
    """
    moment = _dt.datetime.fromtimestamp(clock_now, _dt.timezone.utc)
    return f"{severity}{moment:%m%d %H:%M:%S}.{moment.microsecond:06d} {4242:7d} {where}] {message}\n"


def required_missing(names: list[str], clock_now: float) -> str:
    """The klog line kubectl v1.32 prints when a required flag is missing."""
    quoted = " ".join(f'\\"{n}\\"' for n in names)
    return klog("E", "run.go:72", f'"command failed" err="required flag(s) {quoted} not set"', clock_now)


def dry_run_strategy(value: str) -> tuple[str | None, str]:
    """cmdutil.GetDryRunStrategy: ("none"|"client"|"server" or None when invalid, deprecation warning).

    The warning is klog's message text ("" when there is none).
    """
    if value in _TRUE or value in _FALSE:
        strategy = "client" if value in _TRUE else "none"
        return strategy, f"--dry-run={value} is deprecated (boolean value) and can be replaced with --dry-run={strategy}."
    if value == "unchanged":
        return "client", "--dry-run is deprecated and can be replaced with --dry-run=client."
    if value in ("client", "server", "none"):
        return value, ""
    return None, ""


def _shown_default(flag: Flag) -> str:
    """A flag's default as kubectl's help shows it: false, 1, 'none', []."""
    if flag.kind == "bool":
        return "true" if flag.default else "false"
    if flag.kind in ("int", "int32"):
        return str(flag.default or 0)
    if flag.kind == "strings":
        return "[]"
    return f"'{flag.default or ''}'"


def help_text(path: str, summary: str, usage: str, flags: tuple[Flag, ...], examples: str = "") -> str:
    """Our short --help page for one command: what it does, examples, its flags, and usage."""
    lines = [summary, ""]
    if examples:
        lines += ["Examples:", examples.rstrip("\n"), ""]
    own = sorted((f for f in flags if f not in GLOBAL), key=lambda f: f.name)
    if own:
        lines.append("Options:")
        for flag in own:
            head = f"    -{flag.short}, --{flag.name}" if flag.short else f"    --{flag.name}"
            lines.append(f"{head}={_shown_default(flag)}:")
            lines.append(f"\t{flag.help}")
            lines.append("")
    lines += ["Usage:", f"  {usage}", "",
              "Use \"kubectl options\" for a list of global command-line options (applies to all commands)."]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Command:
    """A kubectl command: its flags, our help text, and what it runs.

    Attributes:
        name: the word on the command line, e.g. "get", "nodeport".
        summary: one line for help pages and the command list.
        usage: the usage line, e.g. "kubectl get TYPE [NAME] [options]".
        flags: its own flags (the global ones are added by the dispatcher).
        run: the verb: (Ctx) -> Result; None for a command that only groups subcommands.
        children: subcommands.
        aliases: other words for it (``svc`` for ``service``).
        examples: example lines for --help.
        required: flags cobra marks required.
        help_to_stdout: where a bare group command prints its help (kubectl varies).
    """

    name: str
    summary: str
    usage: str
    flags: tuple[Flag, ...] = ()
    run: object = None
    children: tuple["Command", ...] = ()
    aliases: tuple[str, ...] = ()
    examples: str = ""
    required: tuple[str, ...] = ()
    help_to_stdout: bool = False

    def child(self, word: str) -> "Command | None":
        """The subcommand named (or aliased) ``word``."""
        for cmd in self.children:
            if word == cmd.name or word in cmd.aliases:
                return cmd
        return None

    def help(self, path: str) -> str:
        """This command's --help page."""
        if self.children and self.run is None:
            width = max(len(c.name) for c in self.children)
            lines = [self.summary, "", "Available Commands:"]
            lines += [f"  {c.name.ljust(width)}   {c.summary}" for c in self.children]
            lines += ["", "Usage:", f"  {self.usage}", "",
                      f'Use "{path} <command> --help" for more information about a given command.']
            return "\n".join(lines) + "\n"
        return help_text(path, self.summary, self.usage, self.flags, self.examples)
