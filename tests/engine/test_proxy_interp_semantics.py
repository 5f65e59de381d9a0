"""Netfilter semantics of the interpreter: hooks, chains, matches and targets."""

from __future__ import annotations

from fractions import Fraction

import pytest

import trainer.engine.proxy.interpreter as interpreter
from trainer.engine.proxy.interpreter import (
    ACCEPT,
    DROP,
    LOCAL,
    NodeRouting,
    Packet,
    RecentUpdate,
    trace,
)
from trainer.engine.proxy.rules import RulesError, parse_ruleset

NODE = NodeRouting(local_addresses={"192.168.56.11"})


def table(name: str, *rules: str, chains: tuple[str, ...] = (), policies: str = "") -> str:
    decls = "".join(f":{c} - [0:0]\n" for c in chains)
    return f"*{name}\n{policies}{decls}" + "".join(r + "\n" for r in rules) + "COMMIT\n"


def run(text: str, packet: Packet, node: NodeRouting = NODE, **kwargs):
    return trace(parse_ruleset(text), packet, node, **kwargs)


def actions(outcome, table_name: str | None = None) -> list[str]:
    return [f"{h.chain}:{h.action}" for h in outcome.hops if table_name in (None, h.table)]


def pkt(dst: str = "10.0.0.9", dport: int = 80, src: str = "10.1.1.1", **kwargs) -> Packet:
    kwargs.setdefault("in_iface", "eth0")
    return Packet(src, dst, dport, **kwargs)


# --- chains ------------------------------------------------------------------------------


def test_builtin_policy_decides_at_the_end():
    text = table("filter", "-A FORWARD -p udp -j ACCEPT", policies=":FORWARD DROP [0:0]\n")
    (outcome,) = run(text, pkt()).outcomes
    assert (outcome.verdict, outcome.decided_by) == (DROP, "filter/FORWARD")
    assert outcome.hops[-1].rule == ":FORWARD DROP [0:0]"
    assert outcome.hops[-1].action == "policy DROP"
    assert outcome.hops[-1].line_number == 2


def test_return_from_a_builtin_chain_applies_its_policy():
    text = table("filter", "-A FORWARD -j RETURN", "-A FORWARD -j ACCEPT", policies=":FORWARD DROP [0:0]\n")
    (outcome,) = run(text, pkt()).outcomes
    assert actions(outcome) == ["FORWARD:RETURN", "FORWARD:policy DROP"]


def test_user_chain_falls_through_and_returns():
    text = table("filter", "-A FORWARD -j A", "-A FORWARD -j DROP", "-A A -p udp -j ACCEPT", chains=("A",))
    (outcome,) = run(text, pkt()).outcomes
    assert actions(outcome) == ["FORWARD:jump A", "FORWARD:DROP"]


def test_goto_returns_to_the_callers_caller():
    text = table(
        "filter",
        "-A FORWARD -j A", "-A FORWARD -j DROP",
        "-A A -g B", "-A A -j ACCEPT",
        "-A B -j RETURN",
        chains=("A", "B"))
    (outcome,) = run(text, pkt()).outcomes
    # B's RETURN skips the rest of A (the goto replaced A's frame) and resumes FORWARD.
    assert actions(outcome) == ["FORWARD:jump A", "A:goto B", "B:RETURN", "FORWARD:DROP"]


def test_goto_from_a_builtin_chain_ends_in_its_policy():
    text = table("filter", "-A FORWARD -g A", "-A FORWARD -j ACCEPT", "-A A -p udp -j ACCEPT",
                 chains=("A",), policies=":FORWARD DROP [0:0]\n")
    (outcome,) = run(text, pkt()).outcomes
    assert actions(outcome) == ["FORWARD:goto A", "FORWARD:policy DROP"]


def test_rule_without_target_and_log_only_count_and_continue():
    text = table("filter", "-A FORWARD -m comment --comment seen", '-A FORWARD -j LOG --log-prefix "fw: "',
                 "-A FORWARD -j ACCEPT")
    (outcome,) = run(text, pkt()).outcomes
    assert actions(outcome) == ["FORWARD:continue", "FORWARD:LOG 'fw: '", "FORWARD:ACCEPT"]


def test_chain_loop_is_refused():
    text = table("filter", "-A FORWARD -j A", "-A A -j B", "-A B -j A", chains=("A", "B"))
    with pytest.raises(RulesError, match="Too many levels of symbolic links"):
        run(text, pkt())


# --- hooks and tables --------------------------------------------------------------------


def test_tables_run_in_priority_order_within_each_hook():
    text = (
        table("raw", '-A PREROUTING -j LOG --log-prefix "raw"', '-A OUTPUT -j LOG --log-prefix "raw"')
        + table("mangle", *(f'-A {c} -j LOG --log-prefix "mangle"'
                            for c in ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")))
        + table("nat", *(f'-A {c} -j LOG --log-prefix "nat"' for c in ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")))
        + table("filter", *(f'-A {c} -j LOG --log-prefix "filter"' for c in ("INPUT", "FORWARD", "OUTPUT")))
        + table("security", *(f'-A {c} -j LOG --log-prefix "security"' for c in ("INPUT", "FORWARD", "OUTPUT")))
    )

    def logged(outcome):
        return [f"{h.hook}/{h.table}" for h in outcome.hops if h.action.startswith("LOG")]

    (forwarded,) = run(text, pkt()).outcomes
    assert logged(forwarded) == [
        "PREROUTING/raw", "PREROUTING/mangle", "PREROUTING/nat",
        "FORWARD/mangle", "FORWARD/filter", "FORWARD/security",
        "POSTROUTING/mangle", "POSTROUTING/nat"]

    (delivered,) = run(text, pkt(dst="192.168.56.11")).outcomes
    assert logged(delivered) == [
        "PREROUTING/raw", "PREROUTING/mangle", "PREROUTING/nat",
        "INPUT/mangle", "INPUT/filter", "INPUT/security", "INPUT/nat"]

    (sent,) = run(text, Packet("192.168.56.11", "10.0.0.9", 80), origin=LOCAL).outcomes
    assert logged(sent) == [
        "OUTPUT/raw", "OUTPUT/mangle", "OUTPUT/nat", "OUTPUT/filter", "OUTPUT/security",
        "POSTROUTING/mangle", "POSTROUTING/nat"]

    # To itself: out through lo and back in; conntrack already did both NAT hooks.
    (looped,) = run(text, Packet("192.168.56.11", "192.168.56.11", 80), origin=LOCAL).outcomes
    assert looped.hooks == ("OUTPUT", "POSTROUTING", "PREROUTING", "INPUT")
    assert looped.delivery == "local"
    assert logged(looped) == [
        "OUTPUT/raw", "OUTPUT/mangle", "OUTPUT/nat", "OUTPUT/filter", "OUTPUT/security",
        "POSTROUTING/mangle", "POSTROUTING/nat",
        "PREROUTING/raw", "PREROUTING/mangle", "INPUT/mangle", "INPUT/filter", "INPUT/security"]
    assert looped.packet.in_iface == "lo"


def test_only_tables_in_the_dump_are_traversed():
    (outcome,) = run(table("filter"), pkt()).outcomes
    assert [(h.table, h.chain) for h in outcome.hops] == [("filter", "FORWARD")]
    assert outcome.hooks == ("PREROUTING", "FORWARD", "POSTROUTING")


def test_accept_in_nat_ends_only_that_table_for_the_hook():
    text = (table("nat", "-A PREROUTING -j ACCEPT", "-A PREROUTING -j DNAT --to-destination 10.9.9.9")
            + table("filter", "-A FORWARD -j DROP"))
    (outcome,) = run(text, pkt()).outcomes
    assert outcome.dnat is None
    assert (outcome.verdict, outcome.decided_by) == (DROP, "filter/FORWARD")


@pytest.mark.parametrize(("rules", "origin", "message"), [
    (("-A POSTROUTING -j DNAT --to-destination 10.9.9.9",), "network",
     "DNAT target: used from hooks POSTROUTING, but only usable from OUTPUT/PREROUTING"),
    (("-A PREROUTING -j MASQUERADE",), "network",
     "MASQUERADE target: used from hooks PREROUTING, but only usable from POSTROUTING"),
    (("-A OUTPUT -j SNAT --to-source 10.9.9.9",), LOCAL,
     "SNAT target: used from hooks OUTPUT, but only usable from INPUT/POSTROUTING"),
])
def test_targets_reached_from_the_wrong_hook_are_refused(rules, origin, message):
    with pytest.raises(RulesError, match=message):
        run(table("nat", *rules), pkt(), origin=origin)


# --- NAT ----------------------------------------------------------------------------------


def test_dnat_without_port_keeps_the_port_and_sets_conntrack_dnat():
    text = (table("nat", "-A PREROUTING -j DNAT --to-destination 10.9.9.9")
            + table("filter", "-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT", policies=":FORWARD DROP [0:0]\n"))
    (outcome,) = run(text, pkt(dport=8443)).outcomes
    assert (outcome.verdict, outcome.destination, outcome.dnat) == (ACCEPT, "10.9.9.9:8443", "10.9.9.9")
    assert outcome.packet.ct_nat == frozenset({"DNAT"})


def test_dnat_to_the_same_address_is_no_nat_for_conntrack():
    text = (table("nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9:80")
            + table("filter", "-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT", policies=":FORWARD DROP [0:0]\n"))
    (outcome,) = run(text, pkt()).outcomes
    assert outcome.verdict == DROP
    assert outcome.packet.ct_nat == frozenset()


def test_snat_reports_its_source_and_target_text():
    text = table("nat", "-A POSTROUTING -o eth1 -j SNAT --to-source 198.51.100.1 --random-fully")
    node = NodeRouting(local_addresses={"192.168.56.11"}, route=lambda dst: "eth1")
    (outcome,) = run(text, pkt(), node).outcomes
    assert outcome.source_nat.target == "SNAT"
    assert outcome.source_nat.to_source == "198.51.100.1"
    assert outcome.source_nat.target_text == "SNAT --to-source 198.51.100.1 --random-fully"
    assert outcome.source_nat.random_fully
    assert outcome.packet.src == "10.1.1.1"  # reported, not applied


def test_reply_direction_packets_do_not_meet_nat():
    text = table("nat", "-A PREROUTING -j DNAT --to-destination 10.9.9.9")
    for state in ("ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"):
        (outcome,) = run(text, pkt(ct_state=state)).outcomes
        assert (outcome.dnat is not None) == (state == "RELATED")


# --- matches ------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule", "mark", "hit"), [
    ("-m mark --mark 0x4000/0x4000", 0x4001, True),
    ("-m mark --mark 0x4000/0x4000", 0x1, False),
    ("-m mark ! --mark 0x4000/0x4000", 0x1, True),
    ("-m mark --mark 0x4000", 0x4001, False),
    ("-m mark --mark 0x4001", 0x4001, True),
])
def test_mark_match(rule, mark, hit):
    text = table("filter", f"-A FORWARD {rule} -j ACCEPT", "-A FORWARD -j DROP")
    (outcome,) = run(text, pkt(mark=mark)).outcomes
    assert (outcome.verdict == ACCEPT) == hit


def test_mark_targets_in_sequence():
    text = table("mangle", "-A PREROUTING -j MARK --set-mark 0x10/0xf0", "-A PREROUTING -j MARK --or-mark 0x4000",
                 "-A PREROUTING -j MARK --and-mark 0xffff", "-A PREROUTING -j MARK --xor-mark 0x4000",
                 "-A PREROUTING -j MARK --set-xmark 0x0/0x10")
    (outcome,) = run(text, pkt(mark=0x100FF)).outcomes
    assert [h.action for h in outcome.hops[:5]] == [
        "MARK 0x100ff -> 0x1001f", "MARK 0x1001f -> 0x1401f", "MARK 0x1401f -> 0x401f",
        "MARK 0x401f -> 0x1f", "MARK 0x1f -> 0xf"]
    assert outcome.packet.mark == 0xF


@pytest.mark.parametrize(("dst", "kind"), [
    ("192.168.56.11", "LOCAL"), ("127.0.0.53", "LOCAL"), ("10.0.0.9", "UNICAST"), ("224.0.0.1", "MULTICAST"),
    ("255.255.255.255", "BROADCAST"), ("0.0.0.0", "BROADCAST"), ("192.168.56.255", "BROADCAST"),
])
def test_addrtype_classifies_like_the_kernel(dst, kind):
    node = NodeRouting(local_addresses={"192.168.56.11"}, broadcast_addresses={"192.168.56.255"})
    text = table("nat", f"-A PREROUTING -m addrtype --dst-type {kind} -j ACCEPT",
                 "-A PREROUTING -j DNAT --to-destination 10.9.9.9")
    (outcome,) = run(text, pkt(dst=dst), node).outcomes
    assert outcome.dnat is None


def test_addrtype_limit_iface_in_uses_the_interfaces_addresses():
    node = NodeRouting(local_addresses={"192.168.56.11", "10.244.1.1"},
                     interface_addresses={"eth0": {"192.168.56.11"}, "cni0": {"10.244.1.1"}})
    text = table("nat", "-A PREROUTING -m addrtype --dst-type LOCAL --limit-iface-in -j DNAT --to-destination 10.9.9.9")
    assert run(text, pkt(dst="192.168.56.11"), node).outcomes[0].dnat == "10.9.9.9"
    assert run(text, pkt(dst="10.244.1.1"), node).outcomes[0].dnat is None
    with pytest.raises(RulesError, match="input interface limitation"):
        run(table("nat", "-A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT"),
            Packet("192.168.56.11", "10.0.0.9", 80), node, origin=LOCAL)


@pytest.mark.parametrize(("rule", "dport", "hit"), [
    ("-p tcp -m multiport --dports 80,443", 443, True),
    ("-p tcp -m multiport --dports 80,8000:8080", 8042, True),
    ("-p tcp -m multiport ! --dports 80,443", 443, False),
    ("-p tcp -m multiport --ports 40000", 80, True),  # --ports matches either side; sport is 40000
    ("-p udp -m multiport --dports 80", 80, False),
    ("-i eth+ -p tcp", 80, True),
    ("! -i eth0", 80, False),
    ("-i lo", 80, False),
    ("-m physdev --physdev-is-bridged", 80, False),
    ("-m physdev ! --physdev-is-bridged", 80, True),
    ("-m physdev --physdev-in veth0", 80, False),
    ("-f", 80, False),
    ("! -f", 80, True),
    ("-p tcp -m tcp --sport 40000 --dport 80", 80, True),
    ("-p tcp -m tcp ! --sport 1:1024", 80, True),
])
def test_simple_matches(rule, dport, hit):
    text = table("filter", f"-A FORWARD {rule} -j ACCEPT", "-A FORWARD -j DROP")
    (outcome,) = run(text, pkt(dport=dport)).outcomes
    assert (outcome.verdict == ACCEPT) == hit


def test_out_interface_comes_from_routing():
    node = NodeRouting(local_addresses={"192.168.56.11"}, route=lambda dst: "flannel.1")
    text = table("filter", "-A FORWARD -o flannel.+ -j DROP")
    (outcome,) = run(text, pkt(), node).outcomes
    assert (outcome.verdict, outcome.decided_by) == (DROP, "filter/FORWARD")
    assert outcome.packet.out_iface == "flannel.1"


# --- random branches ----------------------------------------------------------------------


def test_certain_and_impossible_probabilities_do_not_fork():
    text = table("nat", "-A PREROUTING -m statistic --mode random --probability 0.0 -j DNAT --to-destination 10.0.0.1",
                 "-A PREROUTING -m statistic --mode random --probability 1.0 -j DNAT --to-destination 10.0.0.2")
    (outcome,) = run(text, pkt()).outcomes
    assert outcome.destination == "10.0.0.2:80"
    assert outcome.hops[-1].probability is None


def test_inverted_statistic_takes_the_complement():
    text = table("nat", "-A PREROUTING -m statistic --mode random ! --probability 0.25 -j DNAT --to-destination 10.0.0.1")
    result = run(text, pkt())
    assert [(o.dnat, o.probability) for o in result.outcomes] == [("10.0.0.1", Fraction(3, 4)), (None, Fraction(1, 4))]


def test_branches_that_end_alike_are_merged():
    # The random rule only logs: both branches reach the same end, so one outcome remains.
    text = table("filter", "-A FORWARD -m statistic --mode random --probability 0.5 -j LOG", "-A FORWARD -j ACCEPT")
    result = run(text, pkt())
    (outcome,) = result.outcomes
    assert outcome.probability == 1
    assert len(outcome.alternatives) == 1
    assert actions(outcome) == ["FORWARD:LOG ''", "FORWARD:ACCEPT"]
    assert [f"{h.chain}:{h.action}" for h in outcome.alternatives[0]] == ["FORWARD:no match (random)",
                                                                           "FORWARD:ACCEPT"]


def test_nested_random_branches_multiply():
    text = table(
        "nat",
        "-A PREROUTING -m statistic --mode random --probability 0.5 -j A",
        "-A PREROUTING -j DNAT --to-destination 10.0.0.3",
        "-A A -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.0.0.1",
        "-A A -j DNAT --to-destination 10.0.0.2",
        chains=("A",))
    result = run(text, pkt())
    assert result.destinations() == {"10.0.0.1:80": Fraction(1, 4), "10.0.0.2:80": Fraction(1, 4),
                                     "10.0.0.3:80": Fraction(1, 2)}
    assert result.rounded(2) == [0.25, 0.25, 0.5]


# --- recent -------------------------------------------------------------------------------


def test_recent_set_happens_even_when_a_later_match_fails():
    text = table("filter", "-A FORWARD -m recent --name seen --set -p tcp -m tcp --dport 443 -j DROP")
    (outcome,) = run(text, pkt(dport=80)).outcomes
    assert outcome.verdict == ACCEPT
    assert outcome.recent == (RecentUpdate("seen", "10.1.1.1", "set"),)


def test_recent_update_remove_rdest_and_mask():
    text = table(
        "filter",
        "-A FORWARD -m recent --name a --update --seconds 60 -j LOG",
        "-A FORWARD -m recent --name b --remove -j LOG",
        "-A FORWARD -m recent --name c --rcheck --rdest -j LOG",
        "-A FORWARD -m recent --name d --rcheck --mask 255.255.255.0 -j LOG",
        "-A FORWARD -m recent --name a ! --rcheck -j DROP",
    )
    recent = {"a": {"10.1.1.1": 5}, "b": ["10.1.1.1"], "c": ["10.0.0.9"], "d": ["10.1.1.0"]}
    (outcome,) = run(text, pkt(), recent=recent).outcomes
    assert outcome.verdict == ACCEPT
    assert [h.line_number for h in outcome.hops if h.action.startswith("LOG")] == [2, 3, 4, 5]
    assert outcome.recent == (RecentUpdate("a", "10.1.1.1", "update"), RecentUpdate("b", "10.1.1.1", "remove"))


def test_recent_sees_its_own_earlier_set_in_the_same_trace():
    text = table("filter", "-A FORWARD -m recent --name x --set -j LOG", "-A FORWARD -m recent --name x --rcheck -j DROP")
    (outcome,) = run(text, pkt()).outcomes
    assert outcome.verdict == DROP


# --- the dispatch index -------------------------------------------------------------------


def big_dump(services: int) -> str:
    chains = [f"SVC-{i}" for i in range(services)]
    services_rules = []
    nodeports = []
    other = []
    for i in range(services):
        ip = f"10.96.0.{i + 1}"
        services_rules.append(f'-A KUBE-SERVICES -d {ip}/32 -p tcp -m comment --comment "ns/s{i} cluster IP" '
                              f"-m tcp --dport {80 + i % 3} -j SVC-{i}")
        if i % 7 == 0:
            # Unindexable rules sprinkled in: a negated port and a port range.
            services_rules.append(f"-A KUBE-SERVICES -d {ip}/32 -p tcp -m tcp ! --dport 22 -j KUBE-MARK-MASQ")
            services_rules.append("-A KUBE-SERVICES -p tcp -m tcp --dport 81:82 -j KUBE-MARK-MASQ")
        nodeports.append(f"-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m tcp --dport {30000 + i} -j SVC-{i}")
        nodeports.append(f"-A KUBE-NODEPORTS -p tcp -m tcp --dport {30000 + i} -j SVC-{i}")
        other.append(f"-A SVC-{i} -p tcp -m statistic --mode random --probability 0.5 "
                     f"-j DNAT --to-destination 10.244.0.{i}:8080")
        other.append(f"-A SVC-{i} -p tcp -j DNAT --to-destination 10.244.1.{i}:8080")
    services_rules.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
    return table("nat", "-A PREROUTING -j KUBE-SERVICES", "-A OUTPUT -j KUBE-SERVICES",
                 "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
                 *services_rules, *nodeports, *other,
                 chains=("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-MARK-MASQ", *chains))


def test_dispatch_index_gives_the_same_traces_as_a_linear_scan(monkeypatch):
    text = big_dump(60)
    packets = [pkt(dst=f"10.96.0.{i}", dport=p) for i in (1, 2, 8, 15, 60, 61) for p in (80, 81, 82, 22)]
    packets += [pkt(dst="192.168.56.11", dport=30000 + i) for i in (0, 7, 59, 60)]
    packets += [Packet("127.0.0.1", "127.0.0.1", 30005)]

    def all_traces():
        ruleset = parse_ruleset(text)
        return [trace(ruleset, p, NODE, origin=LOCAL if p.src == "127.0.0.1" else "network") for p in packets]

    indexed = all_traces()
    services = parse_ruleset(text).chain("nat", "KUBE-SERVICES")
    assert len(services) >= interpreter.INDEX_MIN_RULES
    monkeypatch.setattr(interpreter, "INDEX_MIN_RULES", 10**9)
    assert all_traces() == indexed
    assert {o.dnat for t in indexed for o in t.outcomes} >= {"10.244.0.7:8080", "10.244.1.59:8080", None}


def test_unknown_origin_is_a_value_error():
    with pytest.raises(ValueError):
        run(table("filter"), pkt(), origin="sideways")


def test_outcomes_keep_rule_order_across_hooks():
    # The first endpoint is the node itself (hostNetwork): it goes to INPUT, the others
    # are forwarded, and the outcomes still list in the order of the rules.
    text = table(
        "nat",
        "-A PREROUTING -p tcp -m statistic --mode random --probability 0.5 -j DNAT --to-destination 192.168.56.11:10250",
        "-A PREROUTING -p tcp -j DNAT --to-destination 10.244.2.6:8080")
    result = run(text, pkt())
    assert [(o.destination, o.delivery) for o in result.outcomes] == [
        ("192.168.56.11:10250", "local"), ("10.244.2.6:8080", "forward")]
