"""The iptables-mode kube-proxy of one node: full and partial syncs rendered as iptables-save text."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator, Mapping

from .config import ProxyConfig, local_detector
from .iptsave import table_parts, table_text
from .names import is_service_chain, masquerade_mark
from .node import NodeFacts, NodePortAddresses
from .rulegen import NodeContext, PortPlan, plan_port, service_chains, top_rules
from .snapshot import ServicePort, service_ports, slice_endpoints
from .static import LOCALNET_RULE, builtin_jumps, forward_rules, mark_masq_rules, nodeports_jumps, postrouting_rules
from .textmap import BlockedTextMap
from .tracker import ClusterTracker

# Above this many endpoints kube-proxy drops per-endpoint comments (largeClusterEndpointsThreshold).
LARGE_CLUSTER_ENDPOINTS = 1000

# proxyutil.FullSyncPeriod: a partial-sync proxier still rewrites everything this often.
FULL_SYNC_PERIOD = timedelta(hours=1)

_FILTER_CHAINS = (
    "KUBE-EXTERNAL-SERVICES",
    "KUBE-FIREWALL",
    "KUBE-FORWARD",
    "KUBE-NODEPORTS",
    "KUBE-PROXY-CANARY",
    "KUBE-PROXY-FIREWALL",
    "KUBE-SERVICES",
)

# Field order of the per-service-port shared-chain fragments kept in _tops.
_NAT_SERVICES, _NAT_NODEPORTS, _FLT_SERVICES, _FLT_EXTERNAL, _FLT_NODEPORTS, _FLT_FIREWALL = range(6)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: a sync allocates millions of acyclic strings and tuples."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _decl(name: str) -> str:
    return f":{name} - [0:0]\n"


@dataclass
class _PortEntry:
    """One service port: its plan, and the nat chains last written for it (None: not yet)."""

    plan: PortPlan
    chains: dict[str, str] | None = None


@dataclass
class _ServiceState:
    """Derived data of one Service (all its ports and endpoints)."""

    ports: list[ServicePort] = field(default_factory=list)
    endpoints: dict[tuple[str, str], list[Any]] = field(default_factory=dict)


class NodeProxier:
    """kube-proxy (iptables mode) on one node, with its partial-sync behaviour.

    Each sync re-renders only the Services whose object, EndpointSlices or derived
    ServicePort/Endpoint data changed; other Services keep the chain text written by an
    earlier sync, exactly as kube-proxy leaves their chains untouched in a partial
    sync. As upstream:

    * when the cluster crosses the 1000-endpoint large-cluster threshold, unchanged
      chains keep their old comment style until the next full sync;
    * a full sync happens on the first sync, when asked for, and when an hour has
      passed since the last one (only measurable when ``now`` is given);
    * in large-cluster mode chains that are no longer used are deleted at most once
      per iptables.syncPeriod, so they linger (unreferenced) in between.

    Change detection uses each object's ``metadata.resourceVersion`` when it has one (the
    API server gives every write a new, cluster-wide unique one); objects without one
    are compared structurally.

    Args:
        node: the node facts.
        config: a ProxyConfig or a KubeProxyConfiguration dict.
        backend: ``nf_tables`` (default; modern distributions) or ``legacy``: only
            changes the iptables-save header line.

    Raises:
        ValueError: the configuration does not select iptables mode.
    """

    def __init__(self, node: NodeFacts, config: ProxyConfig | Mapping[str, Any] | None = None, *, backend: str = "nf_tables"):
        self.node = node
        self.config = config if isinstance(config, ProxyConfig) else ProxyConfig.from_dict(config)
        if self.config.mode != "iptables":
            raise ValueError(f"kube-proxy runs in {self.config.mode!r} mode; iptables rules are only rendered for iptables mode")
        self.backend = backend
        self.node_ports = NodePortAddresses.build(self.config, node)
        self.ctx = NodeContext(
            detector=local_detector(self.config, node.pod_cidrs),
            masquerade_all=self.config.masquerade_all,
            # kube-proxy turns localhostNodePorts off when nodePortAddresses excludes loopback.
            localhost_node_ports=self.config.localhost_node_ports and self.node_ports.contains_loopback,
            nfacct=node.nfacct,
            node_ip=node.internal_ip,
            zone=node.zone,
        )
        self._mark = masquerade_mark(self.config.masquerade_bit)
        self._jumps = builtin_jumps(node.kubelet_iptables)
        self._services: dict[tuple[str, str], _ServiceState] = {}
        self._tracker = ClusterTracker()
        self._entries: dict[tuple[str, str, str], _PortEntry] = {}
        self._tops = BlockedTextMap(6)
        self._chains = BlockedTextMap(2)
        self._static: dict[str, str] = {
            "KUBE-POSTROUTING": postrouting_rules(self._mark, node.random_fully),
            "KUBE-MARK-MASQ": mark_masq_rules(self._mark),
            "KUBE-SERVICES": "",
            "KUBE-NODEPORTS": "",
            "KUBE-PROXY-CANARY": "",
        }
        if node.kubelet_iptables:
            self._static["KUBE-KUBELET-CANARY"] = ""
        self._chains.load((name, (_decl(name), text)) for name, text in self._static.items())
        self._stale: set[str] = set()
        self._total_endpoints = 0
        self._large = False
        self._need_full = True
        self._last_full: datetime | None = None
        self._last_cleanup: datetime | None = None
        # Bumped on every change to the rendered state; lets render() reuse its last text.
        self._version = 0
        self._rendered: tuple[int, datetime | None, str] | None = None

    # -- public API -----------------------------------------------------------------

    @property
    def large_cluster_mode(self) -> bool:
        """Whether the last sync ran in kube-proxy's large-cluster mode."""
        return self._large

    @property
    def route_localnet(self) -> bool:
        """Whether kube-proxy set net.ipv4.conf.all.route_localnet=1 on this node.

        It does so at start-up when localhost NodePorts are in effect, so that packets to
        127.0.0.1:<nodePort> may be DNATed to a pod; it never sets it back to 0.
        """
        return self.ctx.localhost_node_ports

    def sync(
        self,
        services: Iterable[Mapping[str, Any]],
        endpoint_slices: Iterable[Mapping[str, Any]],
        *,
        now: datetime | None = None,
        full: bool = False,
    ) -> str:
        """Apply the current cluster state and return ``iptables-save`` output for the node.

        Args:
            services: every Service in the cluster.
            endpoint_slices: every EndpointSlice in the cluster.
            now: the simulated wall-clock time of the sync. It is printed in
                iptables-save's header/footer comments (left out when None, so output
                stays deterministic) and drives the hourly full sync and the
                large-cluster stale-chain clean-up.
            full: force a full sync (as kube-proxy's iptables monitor or a node label
                change does).
        """
        with _gc_paused():
            self._apply(services, endpoint_slices)
            hourly = now is not None and self._last_full is not None and now - self._last_full > FULL_SYNC_PERIOD
            full = full or self._need_full or hourly
            self._large = self._total_endpoints > LARGE_CLUSTER_ENDPOINTS
            cleanup = not (
                self._large
                and now is not None
                and self._last_cleanup is not None
                and (now - self._last_cleanup).total_seconds() <= self.config.sync_period
            )
            if full:
                self._rewrite_all(cleanup)
                self._last_full = now
            else:
                for entry in self._entries.values():
                    if entry.chains is None:
                        self._set_chains(entry, service_chains(entry.plan, self.ctx, self._large))
                if cleanup and self._stale:
                    for name in self._stale:
                        self._chains.delete(name)
                    self._stale.clear()
                    self._version += 1
            if cleanup and now is not None:
                self._last_cleanup = now
            self._need_full = False
            return self.render(now=now)

    def render(self, *, now: datetime | None = None) -> str:
        """The iptables-save text of the state left by the last sync."""
        cached = self._rendered
        if cached is not None and cached[0] == self._version and cached[1] == now:
            return cached[2]
        with _gc_paused():
            # One join over every piece: the nat table alone can be tens of megabytes.
            text = "".join([self._mangle(now), self._filter(now), *self._nat(now)])
        self._rendered = (self._version, now, text)
        return text

    # -- state maintenance -------------------------------------------------------------

    def _apply(self, services: Iterable[Mapping[str, Any]], slices: Iterable[Mapping[str, Any]]) -> None:
        """Bring the per-Service cache up to date; changed Services get fresh entries."""
        dirty, removed = self._tracker.update(services, slices)
        for key in removed:
            self._replace_service(key, None)
        for key in dirty:
            service = self._tracker.service(key)
            if service is None:
                continue
            ports = service_ports(service)
            endpoints = slice_endpoints(self._tracker.slices_of(key), self.node.name) if ports else {}
            state = self._services.get(key)
            if state is not None and state.ports == ports and state.endpoints == endpoints:
                continue  # same derived data: kube-proxy sees no change and leaves the chains alone
            self._replace_service(key, _ServiceState(ports, endpoints))

    def _replace_service(self, key: tuple[str, str], state: _ServiceState | None) -> None:
        self._version += 1
        old = self._services.pop(key, None)
        if old is not None:
            for svc in old.ports:
                entry = self._entries.pop(svc.sort_key, None)
                if entry is None:
                    continue
                self._total_endpoints -= entry.plan.total_endpoints
                self._set_chains(entry, {})
                self._tops.delete(svc.sort_key)
        if state is None:
            return
        self._services[key] = state
        # A repeated port name+protocol overwrites the earlier one, as in svcPortMap.
        for svc in {svc.sort_key: svc for svc in state.ports}.values():
            plan = plan_port(svc, state.endpoints.get((svc.port_name, svc.protocol), []), self.ctx.zone)
            self._entries[svc.sort_key] = _PortEntry(plan)
            top = top_rules(plan, self.ctx)
            self._tops.set(
                svc.sort_key,
                (
                    top.nat_services,
                    top.nat_nodeports,
                    top.filter_services,
                    top.filter_external,
                    top.filter_nodeports,
                    top.filter_firewall,
                ),
            )
            self._total_endpoints += plan.total_endpoints

    def _set_chains(self, entry: _PortEntry, chains: dict[str, str]) -> None:
        """Swap the nat chains an entry owns (partial sync).

        Chains it no longer uses stay in place, with their old rules as in the kernel,
        until the stale-chain clean-up deletes them.
        """
        for name in entry.chains or ():
            if name not in chains:
                self._stale.add(name)
        for name, text in chains.items():
            self._chains.set(name, (_decl(name), text))
            self._stale.discard(name)
        entry.chains = chains
        self._version += 1

    def _rewrite_all(self, cleanup: bool) -> None:
        """Full sync: rewrite every service chain with the current large-cluster mode."""
        active: dict[str, str] = {}
        for entry in self._entries.values():
            entry.chains = service_chains(entry.plan, self.ctx, self._large)
            active.update(entry.chains)
        keep: list[tuple[str, tuple[str, str]]] = []
        if not cleanup:
            stale = self._stale | {n for n in self._chains if is_service_chain(n) and n not in active}
            self._stale = {n for n in stale if n not in active}
            keep = [(n, self._chains[n]) for n in self._stale]
        else:
            self._stale = set()
        items = [(n, (_decl(n), t)) for n, t in self._static.items()]
        items += [(n, (_decl(n), t)) for n, t in active.items()]
        self._chains.load(items + keep)
        self._version += 1

    # -- output ----------------------------------------------------------------------

    def _builtin(self, table: str) -> dict[str, str]:
        return {chain: text for (t, chain), text in self._jumps.items() if t == table}

    def _mangle(self, now: datetime | None) -> str:
        chains = ["KUBE-PROXY-CANARY"]
        if self.node.kubelet_iptables:
            chains = ["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY", "KUBE-PROXY-CANARY"]
        return table_text("mangle", chains, self._builtin("mangle"), {}, now, self.backend)

    def _filter(self, now: datetime | None) -> str:
        tops = self._tops
        rules = {
            "KUBE-SERVICES": tops.joined(_FLT_SERVICES),
            "KUBE-EXTERNAL-SERVICES": tops.joined(_FLT_EXTERNAL),
            "KUBE-NODEPORTS": tops.joined(_FLT_NODEPORTS),
            "KUBE-PROXY-FIREWALL": tops.joined(_FLT_FIREWALL),
            "KUBE-FORWARD": forward_rules(self._mark, not self.node.conntrack_tcp_be_liberal, self.node.nfacct),
        }
        # kube-proxy writes it when localhost NodePorts are on; the kubelet always does.
        if self.ctx.localhost_node_ports or self.node.kubelet_iptables:
            rules["KUBE-FIREWALL"] = LOCALNET_RULE
        chains = list(_FILTER_CHAINS)
        if self.node.kubelet_iptables:
            chains.append("KUBE-KUBELET-CANARY")
        return table_text("filter", sorted(chains), self._builtin("filter"), rules, now, self.backend)

    def _nat(self, now: datetime | None) -> list[str]:
        jumps = nodeports_jumps(
            self.node_ports.match_all,
            self.ctx.localhost_node_ports,
            [] if self.node_ports.match_all else self.node_ports.node_ips(self.node.local_ipv4()),
        )
        self._chains.set("KUBE-SERVICES", (_decl("KUBE-SERVICES"), self._tops.joined(_NAT_SERVICES) + jumps))
        self._chains.set("KUBE-NODEPORTS", (_decl("KUBE-NODEPORTS"), self._tops.joined(_NAT_NODEPORTS)))
        return table_parts(
            "nat", self._chains.parts(0), self._builtin("nat"), self._chains.parts(1), now, self.backend
        )


def render_iptables(
    node: NodeFacts,
    config: ProxyConfig | Mapping[str, Any] | None,
    services: Iterable[Mapping[str, Any]],
    endpoint_slices: Iterable[Mapping[str, Any]],
    *,
    now: datetime | None = None,
    backend: str = "nf_tables",
) -> str:
    """What ``iptables-save`` shows on ``node`` once kube-proxy (iptables mode) has synced.

    Args:
        node: the node facts.
        config: a ProxyConfig or a KubeProxyConfiguration dict (None: all defaults).
        services: every Service in the cluster (defaulted and allocated).
        endpoint_slices: every EndpointSlice in the cluster.
        now: the time for the ``# Generated by`` / ``# Completed on`` lines; omitted when None.
        backend: ``nf_tables`` or ``legacy`` (header line only).
    """
    return NodeProxier(node, config, backend=backend).sync(services, endpoint_slices, now=now)
