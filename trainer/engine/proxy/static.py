"""The rules kube-proxy (and the kubelet) write that do not depend on any Service."""

from __future__ import annotations

from .iptsave import save_string

NODEPORTS_COMMENT = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"
INVALID_DROP_COUNTER = "ct_state_invalid_dropped_pkts"

# kube-proxy's iptablesJumpChains, in its order: (table, target, source chain, comment, ctstate NEW).
_PROXY_JUMPS = (
    ("filter", "KUBE-EXTERNAL-SERVICES", "INPUT", "kubernetes externally-visible service portals", True),
    ("filter", "KUBE-EXTERNAL-SERVICES", "FORWARD", "kubernetes externally-visible service portals", True),
    ("filter", "KUBE-NODEPORTS", "INPUT", "kubernetes health check service ports", False),
    ("filter", "KUBE-SERVICES", "FORWARD", "kubernetes service portals", True),
    ("filter", "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", True),
    ("filter", "KUBE-FORWARD", "FORWARD", "kubernetes forwarding rules", False),
    ("filter", "KUBE-PROXY-FIREWALL", "INPUT", "kubernetes load balancer firewall", True),
    ("filter", "KUBE-PROXY-FIREWALL", "OUTPUT", "kubernetes load balancer firewall", True),
    ("filter", "KUBE-PROXY-FIREWALL", "FORWARD", "kubernetes load balancer firewall", True),
    ("nat", "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", False),
    ("nat", "KUBE-SERVICES", "PREROUTING", "kubernetes service portals", False),
    ("nat", "KUBE-POSTROUTING", "POSTROUTING", "kubernetes postrouting rules", False),
    # iptablesKubeletJumpChains: kube-proxy's copy of the kubelet's jumps (no comment).
    ("filter", "KUBE-FIREWALL", "INPUT", "", False),
    ("filter", "KUBE-FIREWALL", "OUTPUT", "", False),
)

# The kubelet (syncIPTablesRules) prepends its jumps first, OUTPUT then INPUT.
_KUBELET_JUMPS = (
    ("filter", "KUBE-FIREWALL", "OUTPUT", "", False),
    ("filter", "KUBE-FIREWALL", "INPUT", "", False),
)

LOCALNET_RULE = (
    "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "
    '"block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n'
)


def _jump_line(chain: str, target: str, comment: str, new_only: bool) -> str:
    ct = "-m conntrack --ctstate NEW " if new_only else ""
    cm = f"-m comment --comment {save_string(comment)} " if comment else ""
    return f"-A {chain} {ct}{cm}-j {target}\n"


def builtin_jumps(kubelet: bool) -> dict[tuple[str, str], str]:
    """The rules in the built-in chains, per (table, chain), in the order they end up.

    Every jump is installed with EnsureRule(Prepend): checked with -C and, if missing,
    inserted at the top. On a kubeadm node the kubelet starts first, so its
    KUBE-FIREWALL jumps sit below the ones kube-proxy prepends later.

    Args:
        kubelet: whether the kubelet's own rules are present.
    """
    chains: dict[tuple[str, str], list[str]] = {}
    for table, target, chain, comment, new_only in (_KUBELET_JUMPS if kubelet else ()) + _PROXY_JUMPS:
        line = _jump_line(chain, target, comment, new_only)
        rules = chains.setdefault((table, chain), [])
        if line not in rules:
            rules.insert(0, line)
    return {key: "".join(lines) for key, lines in chains.items()}


def postrouting_rules(mark: str, random_fully: bool) -> str:
    """KUBE-POSTROUTING: unmarked packets return, marked ones lose the mark and are masqueraded."""
    masq = "-j MASQUERADE --random-fully\n" if random_fully else "-j MASQUERADE\n"
    return (
        f"-A KUBE-POSTROUTING -m mark ! --mark {mark}/{mark} -j RETURN\n"
        f"-A KUBE-POSTROUTING -j MARK --set-xmark {mark}/0x0\n"
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" ' + masq
    )


def mark_masq_rules(mark: str) -> str:
    """KUBE-MARK-MASQ: ``--or-mark`` as iptables-save prints it."""
    return f"-A KUBE-MARK-MASQ -j MARK --set-xmark {mark}/{mark}\n"


def forward_rules(mark: str, drop_invalid: bool, nfacct: bool) -> str:
    """KUBE-FORWARD: drop INVALID (unless tcp_be_liberal), accept marked and established traffic."""
    lines = []
    if drop_invalid:
        acct = f"-m nfacct --nfacct-name  {INVALID_DROP_COUNTER} " if nfacct else ""
        lines.append(f"-A KUBE-FORWARD -m conntrack --ctstate INVALID {acct}-j DROP\n")
    lines.append(
        f'-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark {mark}/{mark} -j ACCEPT\n'
    )
    lines.append(
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" '
        "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
    )
    return "".join(lines)


def nodeports_jumps(match_all: bool, localhost: bool, node_ips: list[str]) -> str:
    """The trailing KUBE-SERVICES -> KUBE-NODEPORTS rule(s).

    Args:
        match_all: nodePortAddresses selects every local address.
        localhost: localhost NodePorts are in effect.
        node_ips: the local addresses selected by nodePortAddresses (when not match_all).
    """
    comment = save_string(NODEPORTS_COMMENT)
    if match_all:
        dst = "" if localhost else "! -d 127.0.0.0/8 "
        return f"-A KUBE-SERVICES {dst}-m comment --comment {comment} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
    lines = []
    for ip in node_ips:
        if ip.startswith("127.") and not localhost:
            continue  # upstream logs an error and skips it
        lines.append(f"-A KUBE-SERVICES -d {ip}/32 -m comment --comment {comment} -j KUBE-NODEPORTS\n")
    return "".join(lines)
