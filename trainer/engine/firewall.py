"""Security groups in front of the nodes: once a node has one, only what a rule allows gets in."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IngressRule:
    """Allow one protocol, a port range and a source CIDR (as aws ec2 authorize-security-group-ingress)."""

    protocol: str  # "tcp", "udp", "sctp", or "-1" for all
    from_port: int
    to_port: int
    cidr: str

    def allows(self, protocol: str, port: int, src: str) -> bool:
        """Whether this rule lets the packet in."""
        if self.protocol not in ("-1", "all", protocol.lower()):
            return False
        if self.protocol not in ("-1", "all") and not self.from_port <= port <= self.to_port:
            return False
        return ipaddress.ip_address(src) in ipaddress.ip_network(self.cidr, strict=False)

    def describe(self) -> str:
        """The rule in words, e.g. "tcp 31000 from 203.0.113.0/24"."""
        ports = str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"
        proto = "all traffic" if self.protocol in ("-1", "all") else f"{self.protocol} {ports}"
        return f"{proto} from {self.cidr}"


@dataclass
class SecurityGroup:
    """A named set of ingress rules."""

    group_id: str
    rules: list[IngressRule] = field(default_factory=list)


@dataclass
class Firewall:
    """Security groups and which nodes they are attached to."""

    groups: dict[str, SecurityGroup] = field(default_factory=dict)
    attached: dict[str, list[str]] = field(default_factory=dict)

    def group(self, group_id: str) -> SecurityGroup:
        """The group with this id, created empty if new."""
        return self.groups.setdefault(group_id, SecurityGroup(group_id))

    def attach(self, node: str, group_id: str) -> None:
        """Attach a group to a node's network interface."""
        self.group(group_id)
        if group_id not in self.attached.setdefault(node, []):
            self.attached[node].append(group_id)

    def authorize(self, group_id: str, protocol: str, from_port: int, to_port: int, cidr: str) -> IngressRule:
        """Add an ingress rule to a group."""
        rule = IngressRule(protocol.lower(), from_port, to_port, str(ipaddress.ip_network(cidr, strict=False)))
        self.group(group_id).rules.append(rule)
        return rule

    def admits(self, node: str, protocol: str, port: int, src: str) -> tuple[bool, str]:
        """Whether an external packet reaches ``node``, and the reason in words."""
        groups = self.attached.get(node) or []
        if not groups:
            return True, "no security group attached"
        for gid in groups:
            for rule in self.groups[gid].rules:
                if rule.allows(protocol, port, src):
                    return True, f"{gid} allows {rule.describe()}"
        return False, f"no rule in {', '.join(groups)} allows {protocol.lower()} {port} from {src}"

    def clone(self) -> "Firewall":
        """An independent copy."""
        return Firewall({k: SecurityGroup(g.group_id, list(g.rules)) for k, g in self.groups.items()},
                        {k: list(v) for k, v in self.attached.items()})
