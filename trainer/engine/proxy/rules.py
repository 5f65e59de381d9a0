"""Parse iptables-save text into tables, chains and pre-compiled rules."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

# The built-in chains of each IPv4 table, in the order the kernel creates them.
TABLE_CHAINS: dict[str, tuple[str, ...]] = {
    "raw": ("PREROUTING", "OUTPUT"),
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "security": ("INPUT", "FORWARD", "OUTPUT"),
}

PROTOCOLS: dict[str, int] = {
    "all": 0, "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47,
    "esp": 50, "ah": 51, "sctp": 132, "udplite": 136,
}
PROTOCOL_NAMES: dict[int, str] = {num: name for name, num in PROTOCOLS.items()}

# The route types addrtype knows (linux/rtnetlink.h RTN_*).
ADDRESS_TYPES = frozenset({
    "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
    "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
})

CONNTRACK_STATES = frozenset({"INVALID", "NEW", "ESTABLISHED", "RELATED", "UNTRACKED", "SNAT", "DNAT"})

REJECT_TYPES: dict[str, str] = {
    "icmp-net-unreachable": "icmp-net-unreachable", "net-unreach": "icmp-net-unreachable",
    "icmp-host-unreachable": "icmp-host-unreachable", "host-unreach": "icmp-host-unreachable",
    "icmp-port-unreachable": "icmp-port-unreachable", "port-unreach": "icmp-port-unreachable",
    "icmp-proto-unreachable": "icmp-proto-unreachable", "proto-unreach": "icmp-proto-unreachable",
    "icmp-net-prohibited": "icmp-net-prohibited", "net-prohib": "icmp-net-prohibited",
    "icmp-host-prohibited": "icmp-host-prohibited", "host-prohib": "icmp-host-prohibited",
    "icmp-admin-prohibited": "icmp-admin-prohibited", "admin-prohib": "icmp-admin-prohibited",
    "tcp-reset": "tcp-reset",
}

# The hooks from which the kernel lets a target run (xt_target.hooks); others run anywhere.
TARGET_HOOKS: dict[str, frozenset[str]] = {
    "DNAT": frozenset({"PREROUTING", "OUTPUT"}),
    "SNAT": frozenset({"POSTROUTING", "INPUT"}),
    "MASQUERADE": frozenset({"POSTROUTING"}),
    "REJECT": frozenset({"INPUT", "FORWARD", "OUTPUT"}),
}
# The one table a target is registered for (xt_target.table).
TARGET_TABLE: dict[str, str] = {"DNAT": "nat", "SNAT": "nat", "MASQUERADE": "nat", "REJECT": "filter"}

_ALL = 0xFFFFFFFF
_COUNTERS = re.compile(r"\[\d+:\d+\]$")
_TOKEN = re.compile(r'(?:[^\s"]|"(?:[^"\\]|\\.)*")+')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_CHAIN_NAME = re.compile(r"[^\s!]{1,28}$")


class RulesError(ValueError):
    """iptables-save text that iptables-restore or the kernel would refuse.

    Attributes:
        line_number: 1-based line in the text (0 when no line is to blame).
        line: the offending line, verbatim.
        reason: what is wrong, worded like iptables-restore or x_tables.
    """

    def __init__(self, line_number: int, line: str, reason: str) -> None:
        super().__init__(f"line {line_number}: {reason}" if line_number else reason)
        self.line_number = line_number
        self.line = line
        self.reason = reason


# ---------------------------------------------------------------------------
# Values


def parse_ipv4(text: str) -> int:
    """Parse a dotted-quad IPv4 address into an int.

    Raises:
        ValueError: when text is not a dotted quad.
    """
    parts = text.split(".")
    if len(parts) != 4:
        raise ValueError(f"host/network `{text}' not found")
    value = 0
    for part in parts:
        if not (part.isascii() and part.isdigit()):
            raise ValueError(f"host/network `{text}' not found")
        if len(part) > 1 and part[0] == "0":
            # xtables reads octets with strtoul base 0: a leading zero means octal.
            try:
                octet = int(part, 8)
            except ValueError:
                raise ValueError(f"host/network `{text}' not found") from None
        else:
            octet = int(part)
        if octet > 255:
            raise ValueError(f"host/network `{text}' not found")
        value = (value << 8) | octet
    return value


def format_ipv4(value: int) -> str:
    """Format an int as a dotted-quad IPv4 address."""
    return f"{value >> 24 & 255}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"


def parse_cidr(text: str) -> tuple[int, int]:
    """Parse `a.b.c.d[/n]` or `a.b.c.d/m.m.m.m` into (network, mask) ints.

    Host bits are cleared, as iptables does when it stores the rule.
    """
    addr, sep, bits = text.partition("/")
    ip = parse_ipv4(addr)
    if not sep:
        return ip, _ALL
    if bits.isdigit():
        length = int(bits)
        if length > 32:
            raise ValueError(f"invalid mask `{bits}' specified")
        mask = (_ALL << (32 - length)) & _ALL
    else:
        mask = parse_ipv4(bits)
    return ip & mask, mask


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        # Service names would need /etc/services; iptables-save never prints them.
        raise ValueError(f"invalid port/service `{text}' specified")
    return int(text)


def _port_range(text: str) -> tuple[int, int]:
    lo, sep, hi = text.partition(":")
    low = _port(lo) if lo else 0
    high = (_port(hi) if hi else 65535) if sep else low
    if low > high:
        low, high = high, low  # iptables swaps an inverted range
    return low, high


def _number(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise ValueError(f"Bad value `{text}'") from None
    if not 0 <= value <= _ALL:
        raise ValueError(f"Bad value `{text}'")
    return value


def _mark_value(text: str) -> tuple[int, int | None]:
    value, sep, mask = text.partition("/")
    return _number(value), (_number(mask) if sep else None)


# ---------------------------------------------------------------------------
# Compiled matches. Pure ones only look at the packet; the rest have effects.


@dataclass(frozen=True, slots=True)
class PortMatch:
    """-m tcp/udp/sctp when it could not be folded into the rule's own port fields."""

    protocol: str
    dport: tuple[int, int, bool] | None
    sport: tuple[int, int, bool] | None


@dataclass(frozen=True, slots=True)
class MultiportMatch:
    """-m multiport: (lo, hi) ranges against dport, sport or either."""

    ranges: tuple[tuple[int, int], ...]
    direction: str  # "dst", "src" or "any"
    invert: bool


@dataclass(frozen=True, slots=True)
class AddrTypeMatch:
    """-m addrtype --src-type/--dst-type, optionally limited to the in/out interface."""

    src_types: frozenset[str] | None
    src_invert: bool
    dst_types: frozenset[str] | None
    dst_invert: bool
    limit_iface_in: bool
    limit_iface_out: bool


@dataclass(frozen=True, slots=True)
class MarkMatch:
    """-m mark --mark value[/mask]: (skb mark & mask) == value."""

    value: int
    mask: int
    invert: bool


@dataclass(frozen=True, slots=True)
class ConntrackMatch:
    """-m conntrack --ctstate (or -m state --state)."""

    states: frozenset[str]
    invert: bool


@dataclass(frozen=True, slots=True)
class PhysdevMatch:
    """-m physdev: parsed only; the simulated packets are never bridged."""

    options: tuple[tuple[str, str | None, bool], ...]

    def matches_unbridged(self) -> bool:
        """Whether the kernel's physdev_mt matches a packet that has no bridge info."""
        # physdev_mt: without bridge info, the match holds only if every option is inverted.
        return all(invert for _, _, invert in self.options)


@dataclass(frozen=True, slots=True)
class StatisticMatch:
    """-m statistic --mode random: matches when a 31-bit random number < threshold."""

    threshold: int  # lround(2**31 * probability), as libxt_statistic stores it
    invert: bool

    @property
    def probability(self) -> float:
        """The probability as iptables-save prints it (%.11f of threshold / 2**31)."""
        return self.threshold / 0x80000000


@dataclass(frozen=True, slots=True)
class RecentMatch:
    """-m recent: one operation on a named list of addresses."""

    name: str
    op: str  # "set", "rcheck", "update" or "remove"
    invert: bool
    seconds: int
    reap: bool
    mask: int
    side: str  # "src" or "dst"


EFFECTFUL = (StatisticMatch, RecentMatch)


# ---------------------------------------------------------------------------
# Compiled targets.


@dataclass(frozen=True, slots=True)
class Verdict:
    """ACCEPT, DROP or RETURN."""

    name: str


@dataclass(frozen=True, slots=True)
class Jump:
    """-j CHAIN (goto=False) or -g CHAIN (goto=True)."""

    chain: str
    goto: bool


@dataclass(frozen=True, slots=True)
class Reject:
    """REJECT --reject-with TYPE."""

    reject_with: str


@dataclass(frozen=True, slots=True)
class Dnat:
    """DNAT --to-destination IP[:PORT]; port None keeps the packet's port."""

    ip: int
    port: int | None
    to: str
    random: bool
    persistent: bool


@dataclass(frozen=True, slots=True)
class Snat:
    """SNAT --to-source ADDR[:PORTS]."""

    to: str
    random: bool
    random_fully: bool
    persistent: bool


@dataclass(frozen=True, slots=True)
class Masquerade:
    """MASQUERADE: SNAT to the out-interface's address."""

    to_ports: str | None
    random: bool
    random_fully: bool


@dataclass(frozen=True, slots=True)
class MarkTarget:
    """MARK in x_tables form: mark = (mark & ~mask) ^ value."""

    value: int
    mask: int

    def apply(self, mark: int) -> int:
        """The skb mark after this target."""
        return (mark & ~self.mask & _ALL) ^ self.value


@dataclass(frozen=True, slots=True)
class Log:
    """LOG: writes a kernel log line and continues."""

    prefix: str
    level: str


Target = Verdict | Jump | Reject | Dnat | Snat | Masquerade | MarkTarget | Log | None


class Rule:
    """One `-A` line: its text plus the matches and target compiled for fast checks.

    The ip-level checks (-s, -d, -p, -i, -o) and the pure matches that come before any
    effectful one are order-free and are checked first. `ordered` holds the remaining
    matches from the first effectful one (statistic, recent) on, in line order, because
    the kernel evaluates extension matches in order and a `--set` happens even when a
    later match fails. Destination ports from a leading -m tcp/udp/sctp are folded into
    `dport_lo`/`dport_hi` so that the common kube-proxy rule costs a few int compares.
    """

    # Class-level defaults: a rule only stores what its line sets, which keeps compiling
    # 200k rules cheap. A zero mask matches every address, so absent -s/-d need no branch.
    comment: str | None = None
    src_net = src_mask = 0
    src_inv = False
    dst_net = dst_mask = 0
    dst_inv = False
    proto = 0
    proto_inv = False
    in_iface: tuple[str, bool, bool] | None = None
    out_iface: tuple[str, bool, bool] | None = None
    fragment: bool | None = None
    dport_lo, dport_hi, dport_inv = 0, 65535, False
    sport_lo, sport_hi, sport_inv = 0, 65535, False
    checks: tuple = ()
    ordered: tuple = ()
    target: Target = None
    target_text = ""

    def __init__(self, table: str, chain: str, line_number: int, text: str) -> None:
        self.table = table
        self.chain = chain
        self.line_number = line_number
        self.text = text

    @property
    def exact_dport(self) -> int | None:
        """The one destination port every matching packet must have, if any."""
        if self.dport_lo == self.dport_hi and not self.dport_inv and self.proto and not self.proto_inv:
            return self.dport_lo
        return None

    def __repr__(self) -> str:
        return f"Rule({self.table}/{self.chain} line {self.line_number}: {self.text!r})"


class Chain:
    """A chain: its declaration and its rules, compiled on first use."""

    __slots__ = ("table", "name", "policy", "builtin", "line_number", "declaration",
                 "_spans", "_text", "_count", "_rules", "_names", "index")

    def __init__(self, table: str, name: str, policy: str | None, line_number: int,
                 declaration: str, names: dict[str, "Chain"]) -> None:
        self.table = table
        self.name = name
        self.policy = policy  # ACCEPT/DROP for built-in chains, None for user chains
        self.builtin = policy is not None
        self.line_number = line_number
        self.declaration = declaration
        # Where the chain's rule lines sit in the dump: [start, end, first line number] per
        # run of consecutive lines. iptables-save writes a chain's rules together, so this
        # is usually one span; the lines are only split out when the chain is compiled.
        self._spans: list[list[int]] = []
        self._text = ""
        self._count = 0
        self._rules: tuple[Rule, ...] | None = None
        self._names = names
        self.index: object = None  # the interpreter's dispatch index, built on demand

    @property
    def compiled(self) -> bool:
        """Whether the rules have been compiled yet."""
        return self._rules is not None

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The compiled rules (compiling them now if needed).

        Raises:
            RulesError: the first rule that iptables-restore would refuse.
        """
        if self._rules is None:
            table, names = self.table, self._names
            lines = self._numbered_lines()
            if gc.isenabled() and len(lines) > 1000:
                with no_gc():
                    self._rules = tuple(_compile_rule(table, names, n, text) for n, text in lines)
            else:
                self._rules = tuple(_compile_rule(table, names, n, text) for n, text in lines)
            self._spans, self._text = [], ""
        return self._rules

    def _numbered_lines(self) -> list[tuple[int, str]]:
        """(line number, line) of each rule, cut from the dump."""
        out: list[tuple[int, str]] = []
        for start, end, first in self._spans:
            for i, raw in enumerate(self._text[start:end].split("\n")):
                out.append((first + i, raw.rstrip("\r")))
        return out

    def _add_line(self, text: str, start: int, end: int, line_number: int) -> None:
        """Record one rule line found at text[start:end]."""
        self._text = text
        self._count += 1
        last = self._spans[-1] if self._spans else None
        if last is not None and last[1] + 1 == start:
            last[1] = end
        else:
            self._spans.append([start, end, line_number])

    @property
    def lines(self) -> list[str]:
        """The rule lines of this chain, verbatim."""
        if self._rules is None:
            return [text for _, text in self._numbered_lines()]
        return [rule.text for rule in self._rules]

    def __len__(self) -> int:
        return len(self._rules) if self._rules is not None else self._count

    def __repr__(self) -> str:
        return f"Chain({self.table}/{self.name}, {len(self)} rules)"


class Table:
    """One `*table` section: its chains by name."""

    __slots__ = ("name", "line_number", "chains")

    def __init__(self, name: str, line_number: int) -> None:
        self.name = name
        self.line_number = line_number
        self.chains: dict[str, Chain] = {}

    def __repr__(self) -> str:
        return f"Table({self.name}, {len(self.chains)} chains)"


class Ruleset:
    """The tables of one node's iptables-save output."""

    __slots__ = ("tables",)

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables

    def chain(self, table: str, name: str) -> Chain | None:
        """The named chain of a table, or None when either is absent."""
        tab = self.tables.get(table)
        return tab.chains.get(name) if tab is not None else None

    def release(self) -> None:
        """Break the chain <-> chain-table references, so a discarded ruleset is freed at once.

        Chains point at their table's chain dict (to resolve jumps), which points back at
        them; without this, a big ruleset waits for the cyclic garbage collector.
        """
        for table in self.tables.values():
            for chain in table.chains.values():
                chain._names = {}
            table.chains.clear()

    def compile_all(self) -> None:
        """Compile every chain now, so that any bad rule is reported.

        Raises:
            RulesError: the refused rule with the lowest line number, as
                iptables-restore stops at the first bad line of its input.
        """
        errors: list[RulesError] = []
        with no_gc():
            for table in self.tables.values():
                for chain in table.chains.values():
                    try:
                        chain.rules  # noqa: B018 - compiling is the point
                    except RulesError as err:
                        errors.append(err)
        if errors:
            raise min(errors, key=lambda err: err.line_number)

    def rules(self) -> Iterator[Rule]:
        """Every rule of every table, compiled."""
        for table in self.tables.values():
            for chain in table.chains.values():
                yield from chain.rules

    def __repr__(self) -> str:
        return f"Ruleset({', '.join(self.tables)})"


# ---------------------------------------------------------------------------
# The text format.


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic collector while building many acyclic objects.

    Each generation-0 collection would rescan the survivors; with 200k new rules that
    is most of the parse time. Rules hold no reference cycles, so nothing leaks.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_ruleset(text: str, *, lazy: bool = False) -> Ruleset:
    """Parse iptables-save output the way iptables-restore reads it.

    Args:
        text: the dump: `*table`, `:CHAIN POLICY [p:b]`, `[p:b] -A CHAIN ...`, `COMMIT`.
        lazy: split the lines into chains now but compile each chain's rules only when
            something first reads them (the interpreter only touches the chains a packet
            visits). Errors in a rule then surface when its chain is first used;
            `Ruleset.compile_all()` forces them out.

    Returns:
        The ruleset, chains indexed by name.

    Raises:
        RulesError: the first line iptables-restore would refuse, with its line number.
    """
    with no_gc():
        ruleset = _split_tables(text)
        if not lazy:
            ruleset.compile_all()
    return ruleset


def _iter_lines(text: str):
    """(offset, line) for each line, without holding every line of a big dump at once."""
    pos, size = 0, len(text)
    while True:
        end = text.find("\n", pos)
        if end < 0:
            yield pos, text[pos:]
            return
        yield pos, text[pos:end]
        pos = end + 1
        if pos > size:
            return


def _split_tables(text: str) -> Ruleset:
    """Read the table, chain and COMMIT lines; file each rule line under its chain."""
    tables: dict[str, Table] = {}
    table: Table | None = None
    chains: dict[str, Chain] = {}
    line_number = 0
    for line_number, (start, raw) in enumerate(_iter_lines(text), 1):
        line = raw.rstrip("\r")
        if not line:
            continue
        first = line[0]
        if first == "-" or first == "[":
            if table is None:
                raise RulesError(line_number, line, "no table specified")
            body = line
            if first == "[":
                end = line.find("]")
                if end < 0 or not _COUNTERS.match(line[: end + 1]):
                    raise RulesError(line_number, line, "bad counters")
                body = line[end + 1:].lstrip()
            if body.startswith("-A "):
                space = body.find(" ", 3)
                name = body[3:space] if space > 0 else body[3:]
            else:
                head = body.split(None, 2)
                if not head or head[0] not in ("-A", "--append"):
                    command = head[0] if head else body
                    raise RulesError(line_number, line,
                                     f"unsupported command `{command}' (iptables-save writes only -A)")
                name = head[1] if len(head) > 1 else ""
            chain = chains.get(name)
            if chain is None:
                raise RulesError(line_number, line, f"chain `{name}' does not exist")
            chain._add_line(text, start, start + len(raw), line_number)
        elif first == ":":
            if table is None:
                raise RulesError(line_number, line, "no table specified")
            parts = line[1:].split()
            if len(parts) < 2:
                raise RulesError(line_number, line, "bad chain declaration")
            name, policy = parts[0], parts[1]
            if len(parts) > 2 and not _COUNTERS.match(parts[2]):
                raise RulesError(line_number, line, "bad counters")
            builtin = name in TABLE_CHAINS[table.name]
            existing = chains.get(name)
            if builtin:
                if policy not in ("ACCEPT", "DROP"):
                    raise RulesError(line_number, line, f"bad built-in chain policy `{policy}'")
                if policy == "DROP" and table.name == "nat":
                    raise RulesError(line_number, line, _NAT_DROP)
                if existing.line_number:
                    raise RulesError(line_number, line, f"chain `{name}' declared twice")
                # Built-in chains exist from the table's start; the line only sets the policy.
                existing.policy, existing.line_number, existing.declaration = policy, line_number, line
            else:
                if policy != "-":
                    raise RulesError(line_number, line, f"user chain `{name}' cannot have a policy")
                if not _CHAIN_NAME.match(name) or name in _BUILTIN_TARGETS or name.startswith("-"):
                    raise RulesError(line_number, line, f"invalid chain name `{name}'")
                if existing is not None:
                    raise RulesError(line_number, line, f"chain `{name}' declared twice")
                chains[name] = Chain(table.name, name, None, line_number, line, chains)
        elif first == "*":
            if table is not None:
                raise RulesError(line_number, line, f"table `{table.name}' has no COMMIT")
            name = line[1:].strip()
            if name not in TABLE_CHAINS:
                raise RulesError(line_number, line, f"unable to initialize table '{name}'")
            if name in tables:
                raise RulesError(line_number, line, f"table `{name}' appears twice")
            table = Table(name, line_number)
            chains = table.chains
            # The kernel creates the built-in chains with the table; a dump may omit them.
            for builtin_name in TABLE_CHAINS[name]:
                chains[builtin_name] = Chain(name, builtin_name, "ACCEPT", 0, f":{builtin_name} ACCEPT [0:0]", chains)
        elif first == "#":
            continue
        elif line.strip() == "COMMIT":
            if table is None:
                raise RulesError(line_number, line, "COMMIT without a table")
            tables[table.name] = table
            table = None
        elif not line.strip():
            continue
        else:
            raise RulesError(line_number, line, "unrecognised line")
    if table is not None:
        # Like iptables-restore, count the lines read and blame the one after them.
        read = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        raise RulesError(read, "", f"COMMIT expected at line {read + 1}")
    return Ruleset(tables)


def try_parse_ruleset(text: str, *, lazy: bool = False) -> Ruleset | RulesError:
    """parse_ruleset, but the error comes back as a value instead of being raised."""
    try:
        return parse_ruleset(text, lazy=lazy)
    except RulesError as err:
        return err


_NAT_DROP = 'The "nat" table is not intended for filtering, the use of DROP is therefore inhibited.'
_BUILTIN_TARGETS = frozenset({"ACCEPT", "DROP", "RETURN", "QUEUE", "REJECT", "DNAT", "SNAT",
                              "MASQUERADE", "MARK", "LOG"})


def _split(body: str) -> list[str]:
    """Split like iptables-restore: double quotes group words, backslash escapes in quotes."""
    if "\\" in body:
        return _split_escaped(body)
    parts = body.split('"')
    if len(parts) == 3:
        # The usual case: one quoted comment standing between spaces.
        head, quoted, tail = parts
        if head[-1:] == " " and tail[:1] == " ":
            tokens = head.split()
            tokens.append(quoted)
            tokens.extend(tail.split())
            return tokens
    if not len(parts) & 1:
        raise ValueError("unterminated quote")
    tokens: list[str] = []
    glue = False  # whether the next piece continues the last token (no space between)
    for index, part in enumerate(parts):
        if index & 1:
            if glue:
                tokens[-1] += part
            else:
                tokens.append(part)
            glue = True
        elif part:
            words = part.split()
            if words and glue and not part[0].isspace():
                tokens[-1] += words[0]
                del words[0]
            tokens.extend(words)
            glue = not part[-1].isspace()
    return tokens


def _split_escaped(body: str) -> list[str]:
    tokens = []
    pos = 0
    for found in _TOKEN.finditer(body):
        if body[pos:found.start()].strip():
            raise ValueError("unterminated quote")
        pos = found.end()
        token = found.group()
        if '"' in token:
            token = _QUOTED.sub(lambda q: _ESCAPE.sub(r"\1", q.group(1)), token)
        tokens.append(token)
    if body[pos:].strip():
        raise ValueError("unterminated quote")
    return tokens


def _compile_rule(table: str, names: dict[str, Chain], line_number: int, text: str) -> Rule:
    """Compile one `-A` line; see Rule."""
    body = text
    if body[0] == "[":
        body = body[body.find("]") + 1:].lstrip()
    try:
        tokens = _split(body) if '"' in body else body.split()
        return _compile_tokens(table, names, line_number, text, tokens)
    except RulesError:
        raise
    except ValueError as err:
        raise RulesError(line_number, text, str(err)) from None


class _Line:
    """The tokens of one rule being compiled, shared with the extension builders."""

    __slots__ = ("table", "names", "tokens", "pos", "rule")

    def __init__(self, table: str, names: dict[str, Chain], tokens: list[str], rule: Rule) -> None:
        self.table = table
        self.names = names
        self.tokens = tokens
        self.pos = 2
        self.rule = rule

    def value(self, option: str) -> str:
        """The next token, as the argument of `option`."""
        if self.pos >= len(self.tokens):
            raise ValueError(f'option "{option}" requires an argument')
        token = self.tokens[self.pos]
        self.pos += 1
        return token


def _compile_tokens(table: str, names: dict[str, Chain], line_number: int, text: str,
                    tokens: list[str]) -> Rule:
    rule = Rule(table, tokens[1], line_number, text)
    line = _Line(table, names, tokens, rule)
    builders: list[_MatchBuilder] = []
    port_builder: _PortBuilder | None = None
    target: _TargetBuilder | None = None
    target_at = -1
    seen = 0
    invert = False
    count = len(tokens)
    # `pos` lives in a local for speed; line.pos is synced around calls that read values.
    pos = 2
    while pos < count:
        token = tokens[pos]
        pos += 1
        if token == "-m" or token == "--match":
            if invert:
                raise ValueError("unexpected ! flag before --match")
            if pos >= count:
                raise ValueError(f'option "{token}" requires an argument')
            name = tokens[pos]
            pos += 1
            # Fast path: `-m comment --comment TEXT` is on nearly every kube-proxy rule.
            if name == "comment" and pos + 1 < count and tokens[pos] == "--comment":
                rule.comment = tokens[pos + 1]
                pos += 2
                continue
            builder_type = _MATCH_BUILDERS.get(name)
            if builder_type is None:
                raise ValueError(f"Couldn't load match `{name}':No such file or directory")
            builder = builder_type(name)
            builders.append(builder)
            if builder_type is _PortBuilder:
                port_builder = builder
            continue
        if token == "!":
            if invert:
                raise ValueError("multiple consecutive ! not allowed")
            invert = True
            continue
        line.pos = pos
        key = _BASE_OPTIONS.get(token)
        if key is not None:
            if seen & key:
                raise ValueError(f"multiple {token} flags not allowed")
            seen |= key
            _base_option(line, key, token, invert)
        elif token == "-j" or token == "-g" or token == "--jump" or token == "--goto":
            if invert:
                raise ValueError(f"cannot have ! before {token}")
            if target is not None:
                raise ValueError("multiple -j flags not allowed")
            target_at = pos
            target = _target_builder(names, line.value(token), goto=token in ("-g", "--goto"))
        elif token.startswith("--"):
            option = token[2:]
            if (option == "dport" or option == "sport") and port_builder is not None and target is None:
                port_builder.feed(line, token, option, invert)
            else:
                port_builder = _extension_option(line, builders, target, port_builder, token, option, invert)
        elif token.startswith("-"):
            raise ValueError(f'unknown option "{token}"')
        else:
            raise ValueError(f"Bad argument `{token}'")
        pos = line.pos
        invert = False
    if invert:
        raise ValueError("! at end of rule")
    if builders:
        _finish(line, builders)
    if target is not None:
        rule.target = built = target.build(line)
        kind = type(built)
        if kind is Jump or kind is Verdict:
            rule.target_text = target.name
        else:
            rule.target_text = " ".join(_quote(t) for t in tokens[target_at:])
    return rule


def _base_option(line: _Line, key: int, token: str, invert: bool) -> None:
    rule = line.rule
    if key == _S:
        rule.src_net, rule.src_mask = parse_cidr(line.value(token))
        rule.src_inv = invert
    elif key == _D:
        rule.dst_net, rule.dst_mask = parse_cidr(line.value(token))
        rule.dst_inv = invert
    elif key == _P:
        name = line.value(token).lower()
        if name in PROTOCOLS:
            rule.proto = PROTOCOLS[name]
        elif name.isdigit() and int(name) <= 255:
            rule.proto = int(name)
        else:
            raise ValueError(f"unknown protocol \"{name}\" specified")
        if rule.proto == 0 and invert:
            raise ValueError("rule would never match protocol")
        rule.proto_inv = invert
    elif key == _I or key == _O:
        name = line.value(token)
        if not name or len(name) > 15:
            raise ValueError(f"interface name `{name}' must be shorter than 16 characters")
        spec = (name[:-1], True, invert) if name.endswith("+") else (name, False, invert)
        if key == _I:
            rule.in_iface = spec
        else:
            rule.out_iface = spec
    elif key == _F:
        rule.fragment = not invert
    else:  # -c PKTS BYTES
        line.value(token)
        line.value(token)


def _extension_option(line: _Line, builders: list["_MatchBuilder"], target: "_TargetBuilder | None",
                      port_builder: "_PortBuilder | None", token: str, option: str,
                      invert: bool) -> "_PortBuilder | None":
    # Target options first once -j is seen, then the matches newest first, as iptables
    # merges every loaded extension's options into one getopt table.
    if target is not None and option in target.OPTIONS:
        target.feed(line, token, option, invert)
        return port_builder
    for builder in reversed(builders):
        if option in builder.OPTIONS:
            builder.feed(line, token, option, invert)
            return port_builder
    proto = PROTOCOL_NAMES.get(line.rule.proto)
    if proto in ("tcp", "udp", "sctp") and option in _PortBuilder.OPTIONS:
        # iptables loads the protocol's match by itself for `-p tcp --dport 80`.
        builder = _PortBuilder(proto)
        builders.append(builder)
        builder.feed(line, token, option, invert)
        return builder
    raise ValueError(f'unknown option "{token}"')


def _target_builder(names: dict[str, Chain], name: str, goto: bool) -> "_TargetBuilder":
    builder_type = _TARGET_BUILDERS.get(name)
    if builder_type is not None and not goto:
        return builder_type(name)
    chain = names.get(name)
    if chain is None or chain.builtin:
        raise ValueError(f"Couldn't load target `{name}':No such file or directory")
    return _JumpBuilder(name, goto)


def _finish(line: _Line, builders: list["_MatchBuilder"]) -> None:
    """Build the matches and split them into order-free checks and ordered ones."""
    rule = line.rule
    checks: list = []
    ordered: list = []
    for builder in builders:
        built = builder.build(line)
        if built is None:
            continue
        if ordered or isinstance(built, EFFECTFUL):
            ordered.append(built)
        elif (type(built) is PortMatch and rule.dport_lo == 0 and rule.dport_hi == 65535 and not rule.dport_inv
              and rule.sport_lo == 0 and rule.sport_hi == 65535 and not rule.sport_inv):
            # A port match before any effectful one folds into the rule's int fields.
            if built.dport:
                rule.dport_lo, rule.dport_hi, rule.dport_inv = built.dport
            if built.sport:
                rule.sport_lo, rule.sport_hi, rule.sport_inv = built.sport
        else:
            checks.append(built)
    if checks:
        rule.checks = tuple(checks)
    if ordered:
        rule.ordered = tuple(ordered)


def _quote(token: str) -> str:
    if token and not any(c in token for c in ' \t"\\'):
        return token
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Base options as bits, so that a repeated option is caught with one AND.
_S, _D, _P, _I, _O, _F, _C = 1, 2, 4, 8, 16, 32, 64
_BASE_OPTIONS = {
    "-s": _S, "--source": _S, "--src": _S,
    "-d": _D, "--destination": _D, "--dst": _D,
    "-p": _P, "--protocol": _P,
    "-i": _I, "--in-interface": _I,
    "-o": _O, "--out-interface": _O,
    "-f": _F, "--fragment": _F,
    "-c": _C, "--set-counters": _C,
}


# ---------------------------------------------------------------------------
# Match builders: collect one extension's options, then check and build it.


class _MatchBuilder:
    """Collects the options of one `-m NAME`."""

    # option -> (takes a value, may be inverted)
    OPTIONS: dict[str, tuple[bool, bool]] = {}

    __slots__ = ("name", "values")

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[str, tuple[str | None, bool]] = {}

    def feed(self, line: _Line, token: str, option: str, invert: bool) -> None:
        takes_value, invertible = self.OPTIONS[option]
        if invert and not invertible:
            raise ValueError(f"{self.name}: unexpected ! flag before --{option}")
        if option in self.values:
            raise ValueError(f"{self.name}: \"--{option}\" option may only be specified once")
        self.values[option] = (line.value(token) if takes_value else None, invert)

    def build(self, line: _Line) -> object:
        raise NotImplementedError

    def require_protocol(self, line: _Line, allowed: tuple[str, ...]) -> str:
        proto = PROTOCOL_NAMES.get(line.rule.proto)
        if proto not in allowed or line.rule.proto_inv:
            raise ValueError(f"{self.name} match: only valid for protocol {'/'.join(allowed)}")
        return proto


class _CommentBuilder(_MatchBuilder):
    OPTIONS = {"comment": (True, False)}

    def build(self, line: _Line) -> None:
        if "comment" not in self.values:
            raise ValueError("comment: option \"--comment\" must be specified")
        line.rule.comment = self.values["comment"][0]
        return None  # a comment never affects matching


class _NfacctBuilder(_MatchBuilder):
    OPTIONS = {"nfacct-name": (True, False)}

    def build(self, line: _Line) -> None:
        if "nfacct-name" not in self.values:
            raise ValueError("nfacct: option \"--nfacct-name\" must be specified")
        return None  # nfacct only counts; it always matches


_UNSUPPORTED_PORT_OPTIONS = {"tcp-flags", "syn", "tcp-option", "chunk-types"}


class _PortBuilder(_MatchBuilder):
    OPTIONS = {
        "dport": (True, True), "destination-port": (True, True),
        "sport": (True, True), "source-port": (True, True),
        **{name: (True, True) for name in _UNSUPPORTED_PORT_OPTIONS},
    }

    def feed(self, line: _Line, token: str, option: str, invert: bool) -> None:
        if option in _UNSUPPORTED_PORT_OPTIONS:
            raise ValueError(f"{self.name}: option \"--{option}\" is not supported by this simulator")
        option = {"destination-port": "dport", "source-port": "sport"}.get(option, option)
        super().feed(line, token, option, invert)

    def build(self, line: _Line) -> PortMatch | None:
        self.require_protocol(line, (self.name,))
        dport = sport = None
        if "dport" in self.values:
            value, invert = self.values["dport"]
            dport = (*_port_range(value), invert)
        if "sport" in self.values:
            value, invert = self.values["sport"]
            sport = (*_port_range(value), invert)
        if dport is None and sport is None:
            return None  # `-m tcp` alone is just the protocol check -p already does
        return PortMatch(self.name, dport, sport)


class _MultiportBuilder(_MatchBuilder):
    OPTIONS = {
        "dports": (True, True), "destination-ports": (True, True),
        "sports": (True, True), "source-ports": (True, True), "ports": (True, True),
    }

    def build(self, line: _Line) -> MultiportMatch:
        self.require_protocol(line, ("tcp", "udp", "udplite", "sctp", "dccp"))
        if len(self.values) != 1:
            raise ValueError("multiport: exactly one of --sports, --dports or --ports is required")
        option, (value, invert) = next(iter(self.values.items()))
        direction = {"dports": "dst", "destination-ports": "dst", "sports": "src",
                     "source-ports": "src", "ports": "any"}[option]
        ranges = tuple(_port_range(part) for part in value.split(","))
        if sum(1 if lo == hi else 2 for lo, hi in ranges) > 15:
            raise ValueError("multiport: too many ports specified")
        return MultiportMatch(ranges, direction, invert)


class _AddrTypeBuilder(_MatchBuilder):
    OPTIONS = {"src-type": (True, True), "dst-type": (True, True),
               "limit-iface-in": (False, False), "limit-iface-out": (False, False)}

    def build(self, line: _Line) -> AddrTypeMatch:
        def types(option: str) -> tuple[frozenset[str] | None, bool]:
            if option not in self.values:
                return None, False
            value, invert = self.values[option]
            names = frozenset(value.upper().split(","))
            bad = names - ADDRESS_TYPES
            if bad:
                raise ValueError(f"addrtype: unknown type `{sorted(bad)[0]}'")
            return names, invert

        src, src_inv = types("src-type")
        dst, dst_inv = types("dst-type")
        if src is None and dst is None:
            raise ValueError("addrtype: you must specify --src-type or --dst-type")
        limit_in = "limit-iface-in" in self.values
        limit_out = "limit-iface-out" in self.values
        if limit_in and limit_out:
            raise ValueError("addrtype: you can't specify both --limit-iface-in and --limit-iface-out")
        return AddrTypeMatch(src, src_inv, dst, dst_inv, limit_in, limit_out)


class _StatisticBuilder(_MatchBuilder):
    OPTIONS = {"mode": (True, False), "probability": (True, True),
               "every": (True, True), "packet": (True, False)}

    def build(self, line: _Line) -> StatisticMatch:
        mode = self.values.get("mode", (None, False))[0]
        if mode == "nth":
            raise ValueError("statistic: --mode nth is not supported by this simulator")
        if mode != "random":
            raise ValueError("statistic: bad mode `%s'" % mode if mode else "statistic: no mode specified")
        if "probability" not in self.values:
            raise ValueError("statistic: --probability must be specified with --mode random")
        value, invert = self.values["probability"]
        try:
            probability = float(value)
        except ValueError:
            raise ValueError(f"statistic: bad probability \"{value}\"") from None
        if not 0.0 <= probability <= 1.0:
            raise ValueError("statistic: --probability must be between 0 and 1")
        # libxt_statistic stores lround(2^31 * p); the kernel compares a 31-bit random value.
        threshold = int(probability * 0x80000000 + 0.5)
        return StatisticMatch(threshold, invert)


class _RecentBuilder(_MatchBuilder):
    OPTIONS = {
        "set": (False, True), "rcheck": (False, True), "update": (False, True), "remove": (False, True),
        "seconds": (True, False), "reap": (False, False), "hitcount": (True, False),
        "rttl": (False, False), "name": (True, False), "rsource": (False, False),
        "rdest": (False, False), "mask": (True, False),
    }

    def build(self, line: _Line) -> RecentMatch:
        ops = [op for op in ("set", "rcheck", "update", "remove") if op in self.values]
        if len(ops) != 1:
            raise ValueError("recent: you must specify one of `--set', `--rcheck', `--update' or `--remove'")
        op = ops[0]
        for unsupported in ("hitcount", "rttl"):
            if unsupported in self.values:
                raise ValueError(f"recent: option \"--{unsupported}\" is not supported by this simulator")
        seconds = 0
        if "seconds" in self.values:
            seconds = _number(self.values["seconds"][0])
            if seconds < 1:
                raise ValueError("recent: --seconds must be at least 1")
        reap = "reap" in self.values
        if reap and not seconds:
            raise ValueError("recent: --reap requires --seconds")
        if (seconds or reap) and op not in ("rcheck", "update"):
            raise ValueError("recent: --seconds and --reap are only valid with --rcheck or --update")
        if "rsource" in self.values and "rdest" in self.values:
            raise ValueError("recent: --rsource and --rdest are mutually exclusive")
        mask = parse_ipv4(self.values["mask"][0]) if "mask" in self.values else _ALL
        name = self.values.get("name", ("DEFAULT", False))[0]
        return RecentMatch(name, op, self.values[op][1], seconds, reap, mask,
                           "dst" if "rdest" in self.values else "src")


class _MarkMatchBuilder(_MatchBuilder):
    OPTIONS = {"mark": (True, True)}

    def build(self, line: _Line) -> MarkMatch:
        if "mark" not in self.values:
            raise ValueError("mark match: option \"--mark\" must be specified")
        text, invert = self.values["mark"]
        value, mask = _mark_value(text)
        mask = _ALL if mask is None else mask
        return MarkMatch(value, mask, invert)


class _ConntrackBuilder(_MatchBuilder):
    OPTIONS = {"ctstate": (True, True), "state": (True, True)}
    UNSUPPORTED = ("ctproto", "ctorigsrc", "ctorigdst", "ctreplsrc", "ctrepldst", "ctorigsrcport",
                   "ctorigdstport", "ctreplsrcport", "ctrepldstport", "ctstatus", "ctexpire", "ctdir")

    def build(self, line: _Line) -> ConntrackMatch:
        key = "state" if self.name == "state" else "ctstate"
        if key not in self.values or len(self.values) != 1:
            raise ValueError(f"{self.name}: only --{key} is supported by this simulator")
        text, invert = self.values[key]
        states = frozenset(text.upper().split(","))
        bad = states - CONNTRACK_STATES
        if bad:
            raise ValueError(f"Bad ctstate \"{sorted(bad)[0]}\"")
        return ConntrackMatch(states, invert)


class _ConntrackOnly(_ConntrackBuilder):
    OPTIONS = {"ctstate": (True, True), **{name: (True, True) for name in _ConntrackBuilder.UNSUPPORTED}}


class _StateOnly(_ConntrackBuilder):
    OPTIONS = {"state": (True, True)}


class _PhysdevBuilder(_MatchBuilder):
    OPTIONS = {"physdev-in": (True, True), "physdev-out": (True, True), "physdev-is-in": (False, True),
               "physdev-is-out": (False, True), "physdev-is-bridged": (False, True)}

    def build(self, line: _Line) -> PhysdevMatch:
        if not self.values:
            raise ValueError("PHYSDEV: no physdev option specified")
        return PhysdevMatch(tuple((name, value, invert) for name, (value, invert) in self.values.items()))


_MATCH_BUILDERS: dict[str, type[_MatchBuilder]] = {
    "comment": _CommentBuilder,
    "tcp": _PortBuilder,
    "udp": _PortBuilder,
    "sctp": _PortBuilder,
    "multiport": _MultiportBuilder,
    "addrtype": _AddrTypeBuilder,
    "statistic": _StatisticBuilder,
    "recent": _RecentBuilder,
    "mark": _MarkMatchBuilder,
    "conntrack": _ConntrackOnly,
    "state": _StateOnly,
    "nfacct": _NfacctBuilder,
    "physdev": _PhysdevBuilder,
}


# ---------------------------------------------------------------------------
# Target builders.


class _TargetBuilder(_MatchBuilder):
    """Collects the options after `-j NAME`."""

    def check_table(self, line: _Line) -> None:
        table = TARGET_TABLE.get(self.name)
        if table is not None and table != line.table:
            raise ValueError(f"x_tables: ip_tables: {self.name} target: only valid in {table} table, "
                             f"not {line.table}")


class _VerdictBuilder(_TargetBuilder):
    OPTIONS: dict[str, tuple[bool, bool]] = {}

    def build(self, line: _Line) -> Verdict:
        if self.name == "DROP" and line.table == "nat":
            raise ValueError(_NAT_DROP)
        return Verdict(self.name)


class _JumpBuilder(_TargetBuilder):
    OPTIONS: dict[str, tuple[bool, bool]] = {}

    __slots__ = ("goto",)

    def __init__(self, name: str, goto: bool) -> None:
        super().__init__(name)
        self.goto = goto

    def build(self, line: _Line) -> Jump:
        return Jump(self.name, self.goto)


class _RejectBuilder(_TargetBuilder):
    OPTIONS = {"reject-with": (True, False)}

    def build(self, line: _Line) -> Reject:
        self.check_table(line)
        kind = self.values.get("reject-with", ("icmp-port-unreachable", False))[0]
        if kind not in REJECT_TYPES:
            raise ValueError(f"unknown reject type \"{kind}\"")
        kind = REJECT_TYPES[kind]
        if kind == "tcp-reset" and (PROTOCOL_NAMES.get(line.rule.proto) != "tcp" or line.rule.proto_inv):
            raise ValueError("x_tables: ip_tables: REJECT target: TCP_RESET invalid for non-tcp")
        return Reject(kind)


class _DnatBuilder(_TargetBuilder):
    OPTIONS = {"to-destination": (True, False), "random": (False, False), "persistent": (False, False)}

    def build(self, line: _Line) -> Dnat:
        self.check_table(line)
        to = self.values.get("to-destination", (None, False))[0]
        if not to:
            raise ValueError("DNAT: option \"--to-destination\" must be specified")
        addr, sep, port = to.partition(":")
        if "-" in addr or "-" in port or not addr:
            raise ValueError(f"DNAT: ranges in \"{to}\" are not supported by this simulator")
        port_num = None
        if sep:
            if PROTOCOL_NAMES.get(line.rule.proto) not in ("tcp", "udp", "sctp", "dccp", "udplite"):
                raise ValueError("Need TCP, UDP, SCTP or DCCP with port specification")
            port_num = _port(port)
        return Dnat(parse_ipv4(addr), port_num, to, "random" in self.values, "persistent" in self.values)


class _SnatBuilder(_TargetBuilder):
    OPTIONS = {"to-source": (True, False), "random": (False, False), "random-fully": (False, False),
               "persistent": (False, False)}

    def build(self, line: _Line) -> Snat:
        self.check_table(line)
        to = self.values.get("to-source", (None, False))[0]
        if not to:
            raise ValueError("SNAT: option \"--to-source\" must be specified")
        parse_ipv4(to.partition(":")[0].partition("-")[0])
        return Snat(to, "random" in self.values, "random-fully" in self.values, "persistent" in self.values)


class _MasqueradeBuilder(_TargetBuilder):
    OPTIONS = {"to-ports": (True, False), "random": (False, False), "random-fully": (False, False)}

    def build(self, line: _Line) -> Masquerade:
        self.check_table(line)
        ports = self.values.get("to-ports", (None, False))[0]
        return Masquerade(ports, "random" in self.values, "random-fully" in self.values)


class _MarkTargetBuilder(_TargetBuilder):
    OPTIONS = {"set-xmark": (True, False), "set-mark": (True, False), "and-mark": (True, False),
               "or-mark": (True, False), "xor-mark": (True, False)}

    def build(self, line: _Line) -> MarkTarget:
        if len(self.values) != 1:
            raise ValueError("MARK target: exactly one of --set-xmark, --set-mark, --and-mark, "
                             "--or-mark or --xor-mark is required")
        option, (text, _) = next(iter(self.values.items()))
        value, mask = _mark_value(text)
        # libxt_MARK turns every form into the kernel's (value, mask) xmark pair.
        if option == "set-xmark":
            return MarkTarget(value, _ALL if mask is None else mask)
        if option == "set-mark":
            return MarkTarget(value, value | (_ALL if mask is None else mask))
        if mask is not None:
            raise ValueError(f"MARK target: --{option} takes no mask")
        if option == "and-mark":
            return MarkTarget(0, ~value & _ALL)
        if option == "or-mark":
            return MarkTarget(value, value)
        return MarkTarget(value, 0)


class _LogBuilder(_TargetBuilder):
    OPTIONS = {"log-prefix": (True, False), "log-level": (True, False), "log-tcp-sequence": (False, False),
               "log-tcp-options": (False, False), "log-ip-options": (False, False),
               "log-uid": (False, False), "log-macdecode": (False, False)}

    def build(self, line: _Line) -> Log:
        prefix = self.values.get("log-prefix", ("", False))[0]
        if len(prefix) > 29:
            raise ValueError("LOG: Maximum prefix length 29 for --log-prefix")
        return Log(prefix, self.values.get("log-level", ("warning", False))[0])


_TARGET_BUILDERS: dict[str, type[_TargetBuilder]] = {
    "ACCEPT": _VerdictBuilder,
    "DROP": _VerdictBuilder,
    "RETURN": _VerdictBuilder,
    "REJECT": _RejectBuilder,
    "DNAT": _DnatBuilder,
    "SNAT": _SnatBuilder,
    "MASQUERADE": _MasqueradeBuilder,
    "MARK": _MarkTargetBuilder,
    "LOG": _LogBuilder,
}
