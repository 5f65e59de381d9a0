"""iptables and iptables-save on a node, over the rules the engine's kube-proxy wrote there."""

from __future__ import annotations

import datetime as _dt

from .iptables_list import ListFormat, references, render_list, render_rules, list_row, save_line, table_chains
from .session import Result, Session

VERSION = "iptables v1.8.9 (nf_tables)"
TABLES = ("filter", "nat", "mangle", "raw", "security")
_TRY = "Try `iptables -h' or 'iptables --help' for more information.\n"
_COMMANDS = {"L": "list", "S": "list-rules", "A": "append", "C": "check", "D": "delete", "I": "insert",
             "R": "replace", "F": "flush", "Z": "zero", "N": "new-chain", "X": "delete-chain",
             "E": "rename-chain", "P": "policy"}
_LONG = {"--list": "L", "--list-rules": "S", "--append": "A", "--check": "C", "--delete": "D",
         "--insert": "I", "--replace": "R", "--flush": "F", "--zero": "Z", "--new-chain": "N", "--new": "N",
         "--delete-chain": "X", "--rename-chain": "E", "--policy": "P", "--table": "t", "--numeric": "n",
         "--verbose": "v", "--exact": "x", "--wait": "w", "--wait-interval": "W", "--version": "V",
         "--help": "h", "--protocol": "p", "--source": "s", "--src": "s", "--destination": "d", "--dst": "d",
         "--jump": "j", "--goto": "g", "--in-interface": "i", "--out-interface": "o", "--match": "m",
         "--fragment": "f", "--set-counters": "c", "--ipv4": "4", "--ipv6": "6", "--line-numbers": "#"}
# Short options and whether they take an argument (True), an optional one ("?"), or none.
_SHORT = {"L": "?", "S": "?", "F": "?", "Z": "?", "X": "?", "A": True, "C": True, "D": True, "I": True,
          "R": True, "N": True, "E": True, "P": True, "t": True, "p": True, "s": True, "d": True, "j": True,
          "g": True, "i": True, "o": True, "m": True, "c": True, "W": True, "w": "?", "n": False, "v": False,
          "x": False, "f": False, "V": False, "h": False, "4": False, "6": False, "#": False}
# The options -L and -S accept; the rest are "Illegal option ... with this command".
_ILLEGAL_ORDER = ("n", "s", "d", "p", "j", "v", "x", "i", "o", "#", "c", "f")
_LEGAL = {"L": {"n", "v", "x", "#"}, "S": {"v"}}

HELP = VERSION + """

Usage: iptables -[ACD] chain rule-specification [options]
       iptables -I chain [rulenum] rule-specification [options]
       iptables -R chain rulenum rule-specification [options]
       iptables -D chain rulenum [options]
       iptables -[LS] [chain [rulenum]] [options]
       iptables -[FZ] [chain] [options]
       iptables -[NX] chain
       iptables -E old-chain-name new-chain-name
       iptables -P chain target [options]
       iptables -h (print this help information)

Commands:
Either long or short options are allowed.
  --append  -A chain\t\tAppend to chain
  --check   -C chain\t\tCheck for the existence of a rule
  --delete  -D chain\t\tDelete matching rule from chain
  --delete  -D chain rulenum
\t\t\t\tDelete rule rulenum (1 = first) from chain
  --insert  -I chain [rulenum]
\t\t\t\tInsert in chain as rulenum (default 1=first)
  --replace -R chain rulenum
\t\t\t\tReplace rule rulenum (1 = first) in chain
  --list    -L [chain [rulenum]]
\t\t\t\tList the rules in a chain or all chains
  --list-rules -S [chain [rulenum]]
\t\t\t\tPrint the rules in a chain or all chains
  --flush   -F [chain]\t\tDelete all rules in  chain or all chains
  --zero    -Z [chain [rulenum]]
\t\t\t\tZero counters in chain or all chains
  --new     -N chain\t\tCreate a new user-defined chain
  --delete-chain
            -X [chain]\t\tDelete a user-defined chain
  --policy  -P chain target
\t\t\t\tChange policy on chain to target
  --rename-chain
            -E old-chain new-chain
\t\t\t\tChange chain name, (moving any references)

Options:
    --ipv4\t-4\t\tNothing (line is ignored by ip6tables-restore)
    --ipv6\t-6\t\tError (line is ignored by iptables-restore)
[!] --protocol\t-p proto\tprotocol: by number or name, eg. `tcp'
[!] --source\t-s address[/mask][...]
\t\t\t\tsource specification
[!] --destination -d address[/mask][...]
\t\t\t\tdestination specification
[!] --in-interface -i input name[+]
\t\t\t\tnetwork interface name ([+] for wildcard)
 --jump\t-j target
\t\t\t\ttarget for rule (may load target extension)
  --goto      -g chain
\t\t\t       jump to chain with no return
  --match\t-m match
\t\t\t\textended match (may load extension)
  --numeric\t-n\t\tnumeric output of addresses and ports
[!] --out-interface -o output name[+]
\t\t\t\tnetwork interface name ([+] for wildcard)
  --table\t-t table\ttable to manipulate (default: `filter')
  --verbose\t-v\t\tverbose mode
  --wait\t-w [seconds]\tmaximum wait to acquire xtables lock before give up
  --line-numbers\t\tprint line numbers when listing
  --exact\t-x\t\texpand numbers (display exact values)
[!] --fragment\t-f\t\tmatch second or further fragments only
  --modprobe=<command>\t\ttry to insert modules using this command
  --set-counters -c PKTS BYTES\tset the counter during insert/append
[!] --version\t-V\t\tprint package version.
"""


class _Usage(Exception):
    """A command-line error: iptables prints the message and the "Try" line, exit 2."""

    def __init__(self, message: str, prefixed: bool = True) -> None:
        super().__init__(message)
        self.text = (f"{VERSION}: {message}\n" if prefixed else f"{message}\n") + _TRY


def _rulenum(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise _Usage(f"Invalid rule number `{text}'")
    return int(text)


def _parse(argv: list[str]) -> dict:
    """Parse iptables' command line the way its getopt loop does, for the listing commands."""
    st: dict = {"command": None, "chain": None, "rulenum": 0, "table": "filter", "opts": [], "verbose": 0}
    i = 0
    args = argv[1:]
    while i < len(args):
        word = args[i]
        i += 1
        if word.startswith("--") and len(word) > 2:
            name, eq, attached = word.partition("=")
            letter = _LONG.get(name)
            if letter is None:
                raise _Usage(f'unknown option "{word}"')
            letters = [(letter, attached if eq else None)]
        elif word.startswith("-") and len(word) > 1 and word != "-":
            letters = []
            j = 1
            while j < len(word):
                letter = word[j]
                j += 1
                if letter not in _SHORT or letter == "#":
                    raise _Usage(f'unknown option "-{letter}"')
                kind = _SHORT[letter]
                if kind is not False and j < len(word):
                    letters.append((letter, word[j:]))
                    break
                letters.append((letter, None))
        elif word == "!":
            continue
        else:
            raise _Usage(f"Bad argument `{word}'", prefixed=False)
        for letter, attached in letters:
            i = _apply(st, letter, attached, args, i)
    return st


def _apply(st: dict, letter: str, attached: str | None, args: list[str], i: int) -> int:
    kind = _SHORT[letter]
    if letter in _COMMANDS:
        if {letter, st["command"]} == {"L", "Z"}:
            # -L and -Z combine: list, then zero the counters.
            letter, st["command"] = "L", None
        if st["command"] is not None:
            raise _Usage(f"Cannot use -{letter} with -{st['command']}")
        st["command"] = letter
        if kind == "?":
            if attached is not None:
                st["chain"] = attached
            elif i < len(args) and not args[i].startswith(("-", "!")):
                st["chain"] = args[i]
                i += 1
            if letter in ("L", "S", "Z") and i < len(args) and not args[i].startswith(("-", "!")):
                st["rulenum"] = _rulenum(args[i])
                i += 1
        else:
            if attached is None and i >= len(args):
                raise _Usage(f'option "-{letter}" requires an argument')
            st["chain"] = attached if attached is not None else args[i]
            i += attached is None
        return i
    if kind is True:
        if attached is None:
            if i >= len(args):
                raise _Usage(f'option "-{letter}" requires an argument')
            attached = args[i]
            i += 1
        if letter == "t":
            st["table"] = attached
            return i
        if letter == "c" and i < len(args):
            i += 1
    elif kind == "?" and attached is None and letter == "w" and i < len(args) and args[i].isdigit():
        i += 1
    if letter == "v":
        st["verbose"] += 1
    elif letter in st["opts"] and letter in ("n", "x"):
        raise _Usage(f"multiple -{letter} flags not allowed")
    if letter in ("V", "h", "6"):
        st.setdefault("special", letter)
    st["opts"].append(letter)
    return i


def iptables_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """iptables [-t TABLE] -L|-S [CHAIN [RULENUM]] [-n] [-v] [-x] [--line-numbers]."""
    node = session.host or ""
    try:
        st = _parse(argv)
    except _Usage as err:
        return Result("", err.text, 2)
    special = st.get("special")
    if special == "V":
        return Result(VERSION + "\n", "", 0)
    if special == "h":
        return Result(HELP, "", 0)
    if special == "6":
        return Result("", _TRY, 2)
    command = st["command"]
    if command is None:
        return Result("", f"{VERSION}: no command specified\n{_TRY}", 2)
    if command in _LEGAL:
        for letter in _ILLEGAL_ORDER:
            if letter in st["opts"] and letter not in _LEGAL[command]:
                shown = "--line-numbers" if letter == "#" else f"-{letter}"
                return Result("", f"{VERSION}: Illegal option `{shown}' with this command\n{_TRY}", 2)
    table = st["table"]
    if table not in TABLES:
        return Result("", f"{VERSION}: table '{table}' does not exist\n"
                          "Perhaps iptables or your kernel needs to be upgraded.\n", 3)
    if command not in ("L", "S", "Z"):
        return Result("", "iptables: this sandbox lists the rules kube-proxy wrote (-L, -S, iptables-save); "
                          "changing them is not simulated, and kube-proxy would rewrite them anyway.\n", 1)
    chains = table_chains(session.cluster.net.ruleset(node), table)
    chain = st["chain"]
    if chain is not None:
        picked = [c for c in chains if c[0] == chain]
        if not picked:
            return Result("", f"{VERSION}: chain `{chain}' in table `{table}' is incompatible, use 'nft' tool.\n", 1)
    else:
        picked = chains
    if command == "Z":
        return Result("", "", 0)
    verbose = st["verbose"] > 0
    if command == "S":
        if st["rulenum"]:
            lines = picked[0][2]
            n = st["rulenum"]
            return Result(save_line(lines[n - 1], verbose) + "\n" if n <= len(lines) else "", "", 0)
        return Result(render_rules(picked, verbose), "", 0)
    fmt = ListFormat(numeric="n" in st["opts"], verbose=verbose, exact="x" in st["opts"],
                     line_numbers="#" in st["opts"])
    if st["rulenum"]:
        lines = picked[0][2]
        n = st["rulenum"]
        return Result(list_row(lines[n - 1], fmt, n) + "\n" if n <= len(lines) else "", "", 0)
    return Result(render_list(picked, references(chains), fmt), "", 0)


def ctime(epoch: float) -> str:
    """Time as C's ctime() prints it (UTC, as on the nodes): Thu Jan  1 00:00:00 2026."""
    t = _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc)
    return f"{t:%a %b} {t.day:>2} {t:%H:%M:%S %Y}"


def iptables_save_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """iptables-save [-t TABLE] [-c]: the engine's text with the real tool's comment lines."""
    table = None
    counters = False
    args = argv[1:]
    i = 0
    err_tail = "Look at manual page `iptables-save.8' for more information.\n"
    while i < len(args):
        word = args[i]
        i += 1
        if word in ("-t", "--table") or (word.startswith("-t") and len(word) > 2 and not word.startswith("--")):
            if word.startswith("-t") and len(word) > 2:
                table = word[2:]
            elif i < len(args):
                table = args[i]
                i += 1
            else:
                return Result("", f"iptables-save: option requires an argument -- 't'\n{err_tail}", 1)
        elif word.startswith("--table="):
            table = word.split("=", 1)[1]
        elif word in ("-c", "--counters"):
            counters = True
        elif word in ("-V", "--version"):
            return Result("iptables-save v1.8.9 (nf_tables)\n", "", 0)
        elif word.startswith("--"):
            return Result("", f"iptables-save: unrecognized option '{word}'\n{err_tail}", 1)
        elif word.startswith("-") and len(word) > 1:
            return Result("", f"iptables-save: invalid option -- '{word[1]}'\n{err_tail}", 1)
        else:
            return Result("", "Unknown arguments found on commandline\n", 1)
    if table is not None and table not in TABLES:
        return Result("", f"Table `{table}' does not exist\n", 1)
    text = session.cluster.net.iptables_save(session.host or "")
    stamp = ctime(session.cluster.clock.now)
    out: list[str] = []
    for name, body in _sections(text):
        if table is not None and name != table:
            continue
        lines = [f"[0:0] {line}" if counters and line.startswith("-A ") else line for line in body]
        out += [f"# Generated by iptables-save v1.8.9 (nf_tables) on {stamp}", *lines, f"# Completed on {stamp}"]
    if table is not None and not out:
        out = [f"# Generated by iptables-save v1.8.9 (nf_tables) on {stamp}", f"*{table}",
               *_empty_table(table), "COMMIT", f"# Completed on {stamp}"]
    return Result("".join(line + "\n" for line in out), "", 0)


def _empty_table(table: str) -> list[str]:
    from ..engine.proxy.rules import TABLE_CHAINS

    return [f":{chain} ACCEPT [0:0]" for chain in TABLE_CHAINS[table]]


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """Split iptables-save text into (table, lines from *table through COMMIT)."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("*"):
            out.append((line[1:], [line]))
        elif out:
            out[-1][1].append(line)
    return out


__all__ = ["HELP", "VERSION", "ctime", "iptables_main", "iptables_save_main"]
