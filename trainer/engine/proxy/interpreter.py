"""Run a packet through a node's iptables rules the way netfilter's hooks order them."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterable, Mapping, NamedTuple

from trainer.engine.proxy.rules import (
    PROTOCOL_NAMES,
    PROTOCOLS,
    TARGET_HOOKS,
    AddrTypeMatch,
    Chain,
    ConntrackMatch,
    Dnat,
    Jump,
    Log,
    MarkMatch,
    MarkTarget,
    Masquerade,
    MultiportMatch,
    PhysdevMatch,
    PortMatch,
    RecentMatch,
    Reject,
    Rule,
    Ruleset,
    RulesError,
    Snat,
    StatisticMatch,
    Table,
    Verdict,
    format_ipv4,
    no_gc,
    parse_ipv4,
)

NETWORK = "network"
"""The packet arrived on an interface: PREROUTING, routing, then INPUT or FORWARD."""
LOCAL = "local"
"""A process on the node sent the packet: OUTPUT, POSTROUTING, and INPUT again via lo."""

ACCEPT = "accept"
DROP = "drop"
REJECT = "reject"

# The tables each hook runs, in the order of their priorities (raw -300, mangle -150,
# nat DNAT -100, filter 0, security 50, nat SNAT 100).
HOOK_TABLES: dict[str, tuple[str, ...]] = {
    "PREROUTING": ("raw", "mangle", "nat"),
    "INPUT": ("mangle", "filter", "security", "nat"),
    "FORWARD": ("mangle", "filter", "security"),
    "OUTPUT": ("raw", "mangle", "nat", "filter", "security"),
    "POSTROUTING": ("mangle", "nat"),
}
# nat runs once per connection for each manipulation: destination in PREROUTING/OUTPUT,
# source in POSTROUTING/INPUT (nf_nat_inet_fn skips a manip that is already set up).
_DST_MANIP = frozenset({"PREROUTING", "OUTPUT"})
_ADDRTYPE_IN_HOOKS = frozenset({"PREROUTING", "INPUT", "FORWARD"})
_ADDRTYPE_OUT_HOOKS = frozenset({"POSTROUTING", "OUTPUT", "FORWARD"})

# Chains at least this long get a dispatch index on (dst, proto, dport).
INDEX_MIN_RULES = 16
# The kernel refuses rulesets with loops; a deeper stack than this means one slipped in.
_MAX_DEPTH = 64
_TWO_31 = 0x80000000
_LOOPBACK = 127


class Hop(NamedTuple):
    """One step of a trace: a rule that matched (or a policy that applied).

    Attributes:
        hook: the netfilter hook, e.g. "PREROUTING".
        table: "nat", "filter", ...
        chain: the chain the rule is in.
        rule: the rule's line as iptables-save shows it, or the chain's declaration
            (":INPUT ACCEPT [0:0]") when its policy applied.
        action: what happened: "jump KUBE-SVC-...", "DNAT to 10.244.1.5:8080",
            "MARK 0x0 -> 0x4000", "ACCEPT", "policy ACCEPT", "no match (random)" ...
        line_number: the line in the iptables-save text (0 for an implicit chain).
        matched: False only for a random branch not taken.
        probability: for `-m statistic` rules, the chance of this branch.
    """

    hook: str
    table: str
    chain: str
    rule: str
    action: str
    line_number: int
    matched: bool = True
    probability: Fraction | None = None


@dataclass(frozen=True)
class Packet:
    """The first packet of a connection, as netfilter sees it.

    Attributes:
        src: source IPv4 address.
        dst: destination IPv4 address.
        dport: destination port (0 for protocols without ports).
        proto: "tcp", "udp", "sctp", "icmp" ...
        sport: source port.
        in_iface: the interface it arrived on (network origin), e.g. "eth0".
        out_iface: the interface it leaves by; routing fills it in outcomes.
        mark: the skb mark.
        ct_state: the conntrack state: "NEW" for a new connection. Only NEW (and
            RELATED) connections are seen by the nat table.
        ct_nat: NAT statuses already on the conntrack entry ("DNAT", "SNAT").
    """

    src: str
    dst: str
    dport: int
    proto: str = "tcp"
    sport: int = 40000
    in_iface: str | None = None
    out_iface: str | None = None
    mark: int = 0
    ct_state: str = "NEW"
    ct_nat: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NodeRouting:
    """What the node knows that is not in its rules.

    Attributes:
        local_addresses: the node's own IPv4 addresses (addrtype LOCAL, local delivery).
            127.0.0.0/8 is always local.
        route: destination -> out interface name, for `-o` matches and outcomes.
            Default: "lo" for local destinations, else None.
        is_local: destination -> delivered locally (INPUT) rather than forwarded.
            Default: the address is in local_addresses or 127.0.0.0/8.
        interface_addresses: interface -> its addresses, for addrtype --limit-iface-*.
            Without it those options fall back to the node-wide answer.
        broadcast_addresses: subnet broadcast addresses (addrtype BROADCAST).
        ip_forward: net.ipv4.ip_forward; when off, forwarded packets are dropped.
    """

    local_addresses: Iterable[str] = ()
    route: Callable[[str], str | None] | None = None
    is_local: Callable[[str], bool] | None = None
    interface_addresses: Mapping[str, Iterable[str]] | None = None
    broadcast_addresses: Iterable[str] = ()
    ip_forward: bool = True
    _local: frozenset[int] = field(init=False, repr=False, compare=False)
    _broadcast: frozenset[int] = field(init=False, repr=False, compare=False)
    _iface: dict[str, frozenset[int]] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "local_addresses", frozenset(self.local_addresses))
        object.__setattr__(self, "_local", frozenset(parse_ipv4(a) for a in self.local_addresses))
        object.__setattr__(self, "_broadcast", frozenset(parse_ipv4(a) for a in self.broadcast_addresses))
        iface = None
        if self.interface_addresses is not None:
            iface = {name: frozenset(parse_ipv4(a) for a in addrs)
                     for name, addrs in self.interface_addresses.items()}
        object.__setattr__(self, "_iface", iface)


class SourceNat(NamedTuple):
    """A source rewrite that nat POSTROUTING (or INPUT) set up.

    Attributes:
        target: "MASQUERADE" or "SNAT".
        to_source: SNAT's --to-source; None for MASQUERADE, whose address is the out
            interface's, which is the caller's to decide.
        target_text: the target with its options, e.g. "MASQUERADE --random-fully".
        rule: the rule's line.
        random_fully: whether source ports are fully randomised.
    """

    target: str
    to_source: str | None
    target_text: str
    rule: str
    random_fully: bool


class RecentUpdate(NamedTuple):
    """A change a `-m recent` rule made to a list; feed it back with apply_recent_updates."""

    name: str
    address: str
    op: str  # "set", "update" or "remove"


@dataclass(frozen=True)
class Outcome:
    """One possible fate of the packet, with its exact probability.

    Attributes:
        probability: exact, from the kernel's 31-bit statistic thresholds.
        verdict: "accept", "drop" or "reject".
        delivery: for accepted packets: "local" (to a socket on this node), "forward"
            (routed on by this node) or "output" (sent out by this node); else None.
        packet: the packet at the end: destination after DNAT, the mark, interfaces.
            Source rewrites are not applied; see source_nat.
        dnat: the --to-destination that was applied, if any.
        source_nat: the MASQUERADE/SNAT set up for the connection, if any.
        hops: the rules that matched, in order, across hooks and tables.
        hooks: the hooks the packet went through, in order.
        decided_by: "table/HOOK" whose verdict ended the journey ("routing/FORWARD"
            when forwarding is off); for accepted packets, the last table traversed.
        reject_with: REJECT's --reject-with when the verdict is "reject".
        recent: `-m recent` changes this connection makes.
        alternatives: other rule paths that led to this same outcome (merged).
    """

    probability: Fraction
    verdict: str
    delivery: str | None
    packet: Packet
    dnat: str | None
    source_nat: SourceNat | None
    hops: tuple[Hop, ...]
    hooks: tuple[str, ...]
    decided_by: str
    reject_with: str | None = None
    recent: tuple[RecentUpdate, ...] = ()
    alternatives: tuple[tuple[Hop, ...], ...] = ()

    @property
    def masquerade(self) -> bool:
        """Whether the source address is rewritten (MASQUERADE or SNAT)."""
        return self.source_nat is not None

    @property
    def destination(self) -> str:
        """The final destination as "ip:port"."""
        return f"{self.packet.dst}:{self.packet.dport}"

    @property
    def chance(self) -> float:
        """The probability as a float."""
        return float(self.probability)


@dataclass(frozen=True)
class Trace:
    """Every outcome of one packet, in the order the rules enumerate them."""

    packet: Packet
    origin: str
    outcomes: tuple[Outcome, ...]

    @property
    def total(self) -> Fraction:
        """The sum of the probabilities: always 1."""
        return sum((o.probability for o in self.outcomes), Fraction(0))

    def probability_of(self, verdict: str) -> Fraction:
        """The chance of one verdict ("accept", "drop", "reject")."""
        return sum((o.probability for o in self.outcomes if o.verdict == verdict), Fraction(0))

    def destinations(self) -> dict[str, Fraction]:
        """Accepted outcomes' final "ip:port" with their chances."""
        out: dict[str, Fraction] = {}
        for outcome in self.outcomes:
            if outcome.verdict == ACCEPT:
                out[outcome.destination] = out.get(outcome.destination, Fraction(0)) + outcome.probability
        return out

    def rounded(self, places: int = 4) -> list[float]:
        """The probabilities rounded to `places` decimals, still summing to exactly 1.

        Largest-remainder rounding, so three endpoints show 0.3334/0.3333/0.3333 rather
        than three 0.3333 that add up to 0.9999.
        """
        scale = 10 ** places
        raw = [o.probability * scale for o in self.outcomes]
        floors = [int(r) for r in raw]
        short = scale - sum(floors)
        order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
        for i in order[:short]:
            floors[i] += 1
        return [f / scale for f in floors]


def apply_recent_updates(state: Mapping[str, Iterable[str]] | None,
                         updates: Iterable[RecentUpdate]) -> dict[str, set[str]]:
    """A new recent-list state (name -> addresses) after a trace's updates.

    Ages are not kept: an address present is taken as just seen.
    """
    out: dict[str, set[str]] = {name: set(addrs) for name, addrs in (state or {}).items()}
    for update in updates:
        entries = out.setdefault(update.name, set())
        if update.op == "remove":
            entries.discard(update.address)
        else:
            entries.add(update.address)
    return out


def trace(ruleset: Ruleset, packet: Packet, node: NodeRouting, *, origin: str = NETWORK,
          recent: Mapping[str, Iterable[str] | Mapping[str, float]] | None = None) -> Trace:
    """Trace the first packet of a new connection through the node's rules.

    Args:
        ruleset: the node's parsed iptables-save.
        packet: the packet as it enters the first hook.
        node: the node's addresses and routing.
        origin: NETWORK (arrived on packet.in_iface) or LOCAL (sent by the node).
        recent: `-m recent` lists: name -> addresses (seen just now), or name ->
            {address: seconds since last seen} for --seconds checks. Empty by default:
            a new client.

    Returns:
        Every outcome with its exact probability; the probabilities sum to 1.

    Raises:
        RulesError: a rule the kernel would have refused (a lazily compiled chain with a
            bad line, a NAT/REJECT target reached from a hook it is not valid in, or a
            loop between chains).
    """
    if origin not in (NETWORK, LOCAL):
        raise ValueError(f"origin must be {NETWORK!r} or {LOCAL!r}, not {origin!r}")
    return _Tracer(ruleset, node, recent).run(packet, origin)


# ---------------------------------------------------------------------------
# The machinery.


class _World:
    """One branch of the enumeration: the packet's state and the path so far."""

    __slots__ = ("src", "dst", "proto", "sport", "dport", "in_if", "out_if", "mark",
                 "ct_state", "ct_dnat", "ct_snat", "dst_done", "src_done", "prob", "hops",
                 "recent", "dnat", "snat", "reject_with", "hooks", "last", "stack", "order")

    def fork(self) -> "_World":
        other = _World.__new__(_World)
        for name in _World.__slots__:
            setattr(other, name, getattr(self, name))
        other.hops = list(self.hops)
        other.recent = list(self.recent)
        other.hooks = list(self.hooks)
        other.stack = [list(frame) for frame in self.stack]
        return other


def _iface_matches(spec: tuple[str, bool, bool], name: str | None) -> bool:
    wanted, prefix, invert = spec
    name = name or ""
    hit = name.startswith(wanted) if prefix else name == wanted
    return hit != invert


_PROBABILITIES: dict[int, Fraction] = {}


def _probability(threshold: int) -> Fraction:
    prob = _PROBABILITIES.get(threshold)
    if prob is None:
        prob = _PROBABILITIES[threshold] = Fraction(min(threshold, _TWO_31), _TWO_31)
    return prob


def _candidates(chain: Chain, w: _World):
    """The rules of a chain that could match this packet, in order.

    For long chains an index on (dst, proto, dport) and (proto, dport) leaves out only
    rules whose ip-level fields cannot match, so the result equals a linear scan. Within
    one table traversal those fields change only by DNAT, which ends the traversal.
    """
    rules = chain.rules
    if len(rules) < INDEX_MIN_RULES:
        return rules
    index = chain.index
    if index is None:
        with no_gc():
            index = chain.index = _build_index(rules)
    if index is False:
        return rules
    by_dst, by_port, other = index
    hit = by_dst.get((w.dst, w.proto, w.dport))
    more = by_port.get((w.proto, w.dport))
    if hit is None and more is None:
        return other
    merged = (hit or []) + (more or []) + other
    merged.sort(key=_line_of)
    return merged


def _line_of(rule: Rule) -> int:
    return rule.line_number


def _build_index(rules: tuple[Rule, ...]):
    by_dst: dict[tuple[int, int, int], list[Rule]] = {}
    by_port: dict[tuple[int, int], list[Rule]] = {}
    other: list[Rule] = []
    for rule in rules:
        port = rule.exact_dport
        if port is None:
            other.append(rule)
        elif rule.dst_mask == 0xFFFFFFFF and not rule.dst_inv:
            by_dst.setdefault((rule.dst_net, rule.proto, port), []).append(rule)
        else:
            by_port.setdefault((rule.proto, port), []).append(rule)
    if len(other) * 2 > len(rules):
        return False  # mostly unindexable: a plain scan is as good
    return by_dst, by_port, other


class _Tracer:
    """Enumerates every branch of one packet through the hooks."""

    def __init__(self, ruleset: Ruleset, node: NodeRouting,
                 recent: Mapping[str, Iterable[str] | Mapping[str, float]] | None) -> None:
        self.ruleset = ruleset
        self.node = node
        self.recent: dict[str, dict[int, float]] = {}
        for name, entries in (recent or {}).items():
            if isinstance(entries, Mapping):
                self.recent[name] = {parse_ipv4(a): float(age) for a, age in entries.items()}
            else:
                self.recent[name] = {parse_ipv4(a): 0.0 for a in entries}
        self.finals: list[tuple[_World, str, str | None]] = []

    # -- the journey -------------------------------------------------------

    def run(self, packet: Packet, origin: str) -> Trace:
        w = self._initial(packet)
        if origin == NETWORK:
            survivors = self._hook([w], "PREROUTING")
            self._route_in(survivors)
        else:
            w.in_if = None
            w.out_if = self._route(w.dst)
            first_dst = w.dst
            survivors = self._hook([w], "OUTPUT")
            for s in survivors:
                if s.dst != first_dst:
                    s.out_if = self._route(s.dst)  # ip_route_me_harder after DNAT
            looped = []
            for s in self._hook(survivors, "POSTROUTING"):
                if self._is_local(s.dst):
                    # Sent to ourselves: it comes back in through lo, conntrack already set.
                    s.in_if, s.out_if = "lo", None
                    looped.append(s)
                else:
                    self._finish(s, ACCEPT, "output")
            for s in self._hook(self._hook(looped, "PREROUTING"), "INPUT"):
                self._finish(s, ACCEPT, "local")
        return Trace(packet, origin, self._outcomes(packet))

    def _route_in(self, worlds: list[_World]) -> None:
        local = []
        forward = []
        for w in worlds:
            if self._is_local(w.dst):
                w.out_if = None  # INPUT has no out-interface
                local.append(w)
            else:
                forward.append(w)
        for w in self._hook(local, "INPUT"):
            self._finish(w, ACCEPT, "local")
        if not forward:
            return
        if not self.node.ip_forward:
            for w in forward:
                w.last = "routing/FORWARD"
                self._finish(w, DROP, None)
            return
        for w in forward:
            w.out_if = self._route(w.dst)
        for w in self._hook(self._hook(forward, "FORWARD"), "POSTROUTING"):
            self._finish(w, ACCEPT, "forward")

    def _hook(self, worlds: list[_World], hook: str) -> list[_World]:
        """Run the hook's tables over each world; return those still alive."""
        for w in worlds:
            w.hooks.append(hook)
        tables = self.ruleset.tables
        for table_name in HOOK_TABLES[hook]:
            table = tables.get(table_name)
            if table is None or not worlds:
                continue
            survivors: list[_World] = []
            nat = table_name == "nat"
            for w in worlds:
                if nat:
                    dst_manip = hook in _DST_MANIP
                    done = w.dst_done if dst_manip else w.src_done
                    if done or w.ct_state not in ("NEW", "RELATED"):
                        survivors.append(w)
                        continue
                    if dst_manip:
                        w.dst_done = True
                    else:
                        w.src_done = True
                for branch, verdict in self._traverse(w, table, hook):
                    branch.last = f"{table_name}/{hook}"
                    if verdict == "ACCEPT":
                        survivors.append(branch)
                    else:
                        self._finish(branch, DROP if verdict == "DROP" else REJECT, None)
            worlds = survivors
        return worlds

    # -- one table, one hook -----------------------------------------------

    def _traverse(self, w: _World, table: Table, hook: str) -> list[tuple[_World, str]]:
        base = table.chains[hook]
        w.stack = [[base, _candidates(base, w), 0]]
        pending = [w]
        results = []
        while pending:
            current = pending.pop()
            results.append((current, self._run_chains(current, table, hook, base, pending)))
        return results

    def _run_chains(self, w: _World, table: Table, hook: str, base: Chain,
                    pending: list[_World]) -> str:
        """Walk rules until a verdict; random rules fork worlds onto `pending`."""
        stack = w.stack
        hops = w.hops
        tname = table.name
        while True:
            frame = stack[-1]
            rules = frame[1]
            pos = frame[2]
            if pos >= len(rules):
                stack.pop()
                if not stack:
                    hops.append(Hop(hook, tname, base.name, base.declaration, f"policy {base.policy}",
                                    base.line_number))
                    return base.policy
                continue
            frame[2] = pos + 1
            rule = rules[pos]
            # The ip-level fields first, cheapest and most selective first.
            if ((w.dst & rule.dst_mask) == rule.dst_net) == rule.dst_inv:
                continue
            if rule.proto and (rule.proto == w.proto) == rule.proto_inv:
                continue
            if (rule.dport_lo <= w.dport <= rule.dport_hi) == rule.dport_inv:
                continue
            if ((w.src & rule.src_mask) == rule.src_net) == rule.src_inv:
                continue
            if (rule.sport_lo <= w.sport <= rule.sport_hi) == rule.sport_inv:
                continue
            if rule.in_iface is not None and not _iface_matches(rule.in_iface, w.in_if):
                continue
            if rule.out_iface is not None and not _iface_matches(rule.out_iface, w.out_if):
                continue
            if rule.fragment:
                continue  # traced packets are never non-first fragments
            if rule.checks and not self._checks(rule, w, hook):
                continue
            factor = None
            if rule.ordered:
                factor = self._ordered(rule, w, hook, tname, frame[0].name, pending)
                if factor is False:
                    continue
            target = rule.target
            chain_name = frame[0].name
            kind = type(target)
            verdict = None
            if kind is Jump:
                action = f"{'goto' if target.goto else 'jump'} {target.chain}"
                callee = table.chains[target.chain]
                if target.goto:
                    stack.pop()
                if len(stack) >= _MAX_DEPTH:
                    raise RulesError(rule.line_number, rule.text,
                                     f"Too many levels of symbolic links (chain loop through {target.chain})")
                stack.append([callee, _candidates(callee, w), 0])
            elif kind is Verdict:
                action = target.name
                if action == "RETURN":
                    stack.pop()
                else:
                    verdict = action
            elif kind is MarkTarget:
                old = w.mark
                w.mark = target.apply(old)
                action = f"MARK {old:#x} -> {w.mark:#x}"
            elif kind is Dnat:
                self._check_hook("DNAT", hook, rule)
                new_port = w.dport if target.port is None else target.port
                if target.ip != w.dst or new_port != w.dport:
                    w.ct_dnat = True  # nf_nat_setup_info flags IPS_DST_NAT only on a change
                w.dst, w.dport = target.ip, new_port
                w.dnat = target.to
                action = f"DNAT to {target.to}"
                verdict = "ACCEPT"  # the mapping is set up; nat is done for this hook
            elif kind is Masquerade or kind is Snat:
                name = "MASQUERADE" if kind is Masquerade else "SNAT"
                self._check_hook(name, hook, rule)
                action = rule.target_text
                w.snat = SourceNat(name, None if kind is Masquerade else target.to, action, rule.text,
                                   target.random_fully)
                w.ct_snat = True
                verdict = "ACCEPT"
            elif kind is Reject:
                self._check_hook("REJECT", hook, rule)
                w.reject_with = target.reject_with
                action = f"REJECT {target.reject_with}"
                verdict = "REJECT"
            elif kind is Log:
                action = f"LOG {target.prefix!r}"
            else:
                action = "continue"  # a rule without a target only counts the packet
            hops.append(Hop(hook, tname, chain_name, rule.text, action, rule.line_number, True, factor))
            if verdict is not None:
                return verdict
            if not stack:
                # RETURN from the built-in chain itself: its policy decides.
                hops.append(Hop(hook, tname, base.name, base.declaration, f"policy {base.policy}",
                                base.line_number))
                return base.policy

    @staticmethod
    def _check_hook(target: str, hook: str, rule: Rule) -> None:
        allowed = TARGET_HOOKS[target]
        if hook not in allowed:
            raise RulesError(rule.line_number, rule.text,
                             f"x_tables: ip_tables: {target} target: used from hooks {hook}, "
                             f"but only usable from {'/'.join(sorted(allowed))}")

    # -- matches -----------------------------------------------------------

    def _checks(self, rule: Rule, w: _World, hook: str) -> bool:
        for match in rule.checks:
            if not self._pure(match, w, hook, rule):
                return False
        return True

    def _pure(self, match, w: _World, hook: str, rule: Rule) -> bool:
        kind = type(match)
        if kind is AddrTypeMatch:
            return self._addrtype(match, w, hook, rule)
        if kind is MarkMatch:
            return ((w.mark & match.mask) == match.value) != match.invert
        if kind is ConntrackMatch:
            return bool(match.states & self._ct_states(w)) != match.invert
        if kind is PortMatch:
            if match.dport is not None:
                lo, hi, invert = match.dport
                if (lo <= w.dport <= hi) == invert:
                    return False
            if match.sport is not None:
                lo, hi, invert = match.sport
                if (lo <= w.sport <= hi) == invert:
                    return False
            return True
        if kind is MultiportMatch:
            ports = {"dst": (w.dport,), "src": (w.sport,), "any": (w.dport, w.sport)}[match.direction]
            hit = any(lo <= p <= hi for p in ports for lo, hi in match.ranges)
            return hit != match.invert
        if kind is PhysdevMatch:
            return match.matches_unbridged()
        raise RulesError(rule.line_number, rule.text, f"internal: no evaluator for {kind.__name__}")

    def _ordered(self, rule: Rule, w: _World, hook: str, table: str, chain: str,
                 pending: list[_World]) -> Fraction | None | bool:
        """Evaluate matches in line order from the first effectful one; may fork.

        Returns:
            False when the rule does not match; else the chance of the random branch
            taken (None when no random match split the world).
        """
        factor = None
        for match in rule.ordered:
            kind = type(match)
            if kind is StatisticMatch:
                prob = _probability(match.threshold)
                if match.invert:
                    prob = 1 - prob
                if prob == 0:
                    return False
                if prob == 1:
                    continue
                # Both branches happen: the world that misses goes on with the next rule.
                miss = w.fork()
                miss.prob = w.prob * (1 - prob)
                miss.hops.append(Hop(hook, table, chain, rule.text, "no match (random)", rule.line_number,
                                     False, 1 - prob))
                pending.append(miss)
                # Branch paths sort outcomes into rule order: taken before not taken.
                miss.order = w.order + (1,)
                w.order = w.order + (0,)
                w.prob = w.prob * prob
                factor = prob if factor is None else factor * prob
            elif kind is RecentMatch:
                if not self._recent(match, w):
                    return False
            elif not self._pure(match, w, hook, rule):
                return False
        return factor

    @staticmethod
    def _ct_states(w: _World) -> frozenset[str]:
        state = w.ct_state
        if state in ("INVALID", "UNTRACKED"):
            return frozenset((state,))
        extra = ()
        if w.ct_dnat:
            extra += ("DNAT",)
        if w.ct_snat:
            extra += ("SNAT",)
        return frozenset((state, *extra))

    def _addr_type(self, ip: int, iface: str | None, limit: bool) -> str:
        # The order of the kernel's __inet_dev_addr_type: special ranges, then the local table.
        if ip >> 24 == 0 or ip == 0xFFFFFFFF:
            return "BROADCAST"
        if ip >> 28 == 0xE:
            return "MULTICAST"
        node = self.node
        if limit and node._iface is not None:
            # A local route counts only if it is on the interface named.
            if ip >> 24 == _LOOPBACK:
                local = iface == "lo"
            else:
                local = ip in node._iface.get(iface or "", ())
        else:
            local = ip in node._local or ip >> 24 == _LOOPBACK
        if local:
            return "LOCAL"
        if ip in node._broadcast:
            return "BROADCAST"
        return "UNICAST"

    def _addrtype(self, match: AddrTypeMatch, w: _World, hook: str, rule: Rule) -> bool:
        limit = match.limit_iface_in or match.limit_iface_out
        iface = None
        if match.limit_iface_in:
            if hook not in _ADDRTYPE_IN_HOOKS:
                raise RulesError(rule.line_number, rule.text,
                                 "ipt_addrtype: input interface limitation not valid in POSTROUTING and OUTPUT")
            iface = w.in_if
        elif match.limit_iface_out:
            if hook not in _ADDRTYPE_OUT_HOOKS:
                raise RulesError(rule.line_number, rule.text,
                                 "ipt_addrtype: output interface limitation not valid in PREROUTING and INPUT")
            iface = w.out_if
        if match.src_types is not None:
            if (self._addr_type(w.src, iface, limit) in match.src_types) == match.src_invert:
                return False
        if match.dst_types is not None:
            if (self._addr_type(w.dst, iface, limit) in match.dst_types) == match.dst_invert:
                return False
        return True

    def _recent(self, match: RecentMatch, w: _World) -> bool:
        """xt_recent's recent_mt, against the caller's lists plus this trace's changes."""
        addr = (w.src if match.side == "src" else w.dst) & match.mask
        age = self._recent_age(w, match.name, addr)
        result = match.invert
        text = format_ipv4(addr)
        if age is None:
            if match.op != "set":
                return result
            w.recent.append(RecentUpdate(match.name, text, "set"))
            return not result
        if match.op == "set":
            result = not result
        elif match.op == "remove":
            w.recent.append(RecentUpdate(match.name, text, "remove"))
            return not result
        elif match.seconds:
            if age <= match.seconds:
                result = not result
        else:
            result = not result
        if match.op == "set" or (match.op == "update" and result):
            w.recent.append(RecentUpdate(match.name, text, match.op))
        return result

    def _recent_age(self, w: _World, name: str, addr: int) -> float | None:
        text = None
        for update in reversed(w.recent):
            if update.name == name:
                text = text or format_ipv4(addr)
                if update.address == text:
                    return None if update.op == "remove" else 0.0
        return self.recent.get(name, {}).get(addr)

    # -- facts and bookkeeping ---------------------------------------------

    def _is_local(self, ip: int) -> bool:
        node = self.node
        if node.is_local is not None:
            return node.is_local(format_ipv4(ip))
        return ip in node._local or ip >> 24 == _LOOPBACK

    def _route(self, ip: int) -> str | None:
        if self.node.route is not None:
            return self.node.route(format_ipv4(ip))
        return "lo" if self._is_local(ip) else None

    def _initial(self, packet: Packet) -> _World:
        w = _World()
        w.src = parse_ipv4(packet.src)
        w.dst = parse_ipv4(packet.dst)
        proto = packet.proto.lower()
        if proto not in PROTOCOLS:
            raise ValueError(f"unknown protocol {packet.proto!r}")
        w.proto = PROTOCOLS[proto]
        w.sport = packet.sport
        w.dport = packet.dport
        w.in_if = packet.in_iface
        w.out_if = packet.out_iface
        w.mark = packet.mark
        w.ct_state = packet.ct_state.upper()
        w.ct_dnat = "DNAT" in packet.ct_nat
        w.ct_snat = "SNAT" in packet.ct_nat
        # Only a connection's first packet meets the nat table.
        w.dst_done = w.src_done = False
        w.prob = 1
        w.hops = []
        w.recent = []
        w.dnat = None
        w.snat = None
        w.reject_with = None
        w.hooks = []
        w.last = ""
        w.stack = []
        w.order = ()
        return w

    def _finish(self, w: _World, verdict: str, delivery: str | None) -> None:
        self.finals.append((w, verdict, delivery))

    def _outcomes(self, packet: Packet) -> tuple[Outcome, ...]:
        merged: dict[tuple, list] = {}
        self.finals.sort(key=lambda final: final[0].order)
        for w, verdict, delivery in self.finals:
            nat = frozenset(n for n, on in (("DNAT", w.ct_dnat), ("SNAT", w.ct_snat)) if on)
            final = Packet(packet.src, format_ipv4(w.dst), w.dport, PROTOCOL_NAMES.get(w.proto, str(w.proto)),
                           w.sport, w.in_if, w.out_if, w.mark, w.ct_state, nat)
            key = (verdict, delivery, final, w.dnat, w.snat, w.last, w.reject_with, tuple(w.recent),
                   tuple(w.hooks))
            entry = merged.get(key)
            if entry is None:
                merged[key] = [Fraction(w.prob), tuple(w.hops), [], w]
            else:
                entry[0] += w.prob
                entry[2].append(tuple(w.hops))
        outcomes = []
        for (verdict, delivery, final, dnat, snat, last, reject_with, recent, hooks), (prob, hops, alts, w) \
                in merged.items():
            outcomes.append(Outcome(prob, verdict, delivery, final, dnat, snat, hops, hooks, last,
                                    reject_with, recent, tuple(alts)))
        return tuple(outcomes)
