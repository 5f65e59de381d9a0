"""The engine's network model rebuilt from Linux network namespaces, for the kernel agreement tests.

One namespace per role, all named ``npt-<pid>-<n>-<role>`` and deleted by :meth:`Lab.close`:

* ``lan``: a bridge ``br0``; every node's ``eth0`` and the client's ``eth0`` are veth
  pairs whose other end is a port of ``br0``. One flat L2 segment, as in the engine.
* ``client``: ``eth0`` with the external client's address (203.0.113.7/24) and a
  ``default dev eth0`` route, so it reaches every node address on the LAN directly.
* one per node: ``eth0`` with every InternalIP/ExternalIP (/24; the first is primary),
  a ``cni0`` bridge with the pod CIDR's first address, a route to each other node's pod
  CIDR via that node's first InternalIP (host-gw), ``default dev eth0``, the sysctls
  kube-proxy and a kubeadm node have (ip_forward, route_localnet when the renderer says
  kube-proxy set it, bridge-nf-call-iptables), the nfacct objects kube-proxy creates,
  and the node's ``iptables-save`` text from the engine loaded with ``iptables-restore``.
* one per Pod: ``eth0`` (veth, other end a ``cni0`` port with hairpin mode on, as the
  bridge CNI of flannel configures it) with the podIP, default route via cni0's address,
  and a tiny TCP server on every TCP port the engine's image catalogue says the Pod's
  containers listen on. Per connection it writes ``"<namespace>/<pod> <peer-ip>\\n"``
  and closes.

Links are always created inside these namespaces (``ip -n NS link add ... peer ...
netns OTHER``): nothing is created in, moved through, or changed in the namespace the
tests run in. Every command has a timeout; every server exits on its own when its stdin
closes or after :data:`SERVER_LIFETIME` seconds.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

from trainer.engine import images
from trainer.engine.datapath import DataPlane
from trainer.engine.proxy import NodeFacts, NodeProxier, ProxyConfig

CLIENT_IP = "203.0.113.7"
LAN_PREFIX = 24
CMD_TIMEOUT = 20.0
SERVER_LIFETIME = 180  # seconds; a server that outlives its test exits by itself
READY_TIMEOUT = 10.0

_seq = itertools.count()

# --------------------------------------------------------------------------- scripts

_SERVER = r"""
import signal, socket, sys, threading
name, ports, lifetime = sys.argv[1], [int(p) for p in sys.argv[2].split(",")], int(sys.argv[3])
signal.alarm(lifetime)
def serve(sock):
    while True:
        conn, peer = sock.accept()
        try:
            conn.sendall(f"{name} {peer[0]}\n".encode())
        except OSError:
            pass
        finally:
            conn.close()
socks = []
for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(512)
    socks.append(s)
for s in socks:
    threading.Thread(target=serve, args=(s,), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
"""

# Runs a list of probes ("jobs"); each opens ``count`` connections to dst:port, ``parallel``
# at a time. Jobs run concurrently, except "serial" ones, which run one after another.
_CLIENT = r"""
import errno, json, socket, sys, threading
from concurrent.futures import ThreadPoolExecutor
jobs = json.loads(sys.argv[1])
def once(job):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(job["timeout"])
    try:
        try:
            s.connect((job["dst"], job["port"]))
        except ConnectionRefusedError:
            return {"kind": "refused"}
        except socket.timeout:
            return {"kind": "timeout"}
        except OSError as e:
            return {"kind": "error", "detail": f"connect: {errno.errorcode.get(e.errno, e.errno)} {e.strerror}"}
        data = b""
        try:
            while len(data) < 1024:
                chunk = s.recv(1024)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            return {"kind": "error", "detail": f"connected, no answer; got {data!r}"}
        except OSError as e:
            return {"kind": "error", "detail": f"recv: {errno.errorcode.get(e.errno, e.errno)} after {data!r}"}
        return {"kind": "answered", "reply": data.decode(errors="replace").strip()}
    finally:
        s.close()
results = [None] * len(jobs)
def run(i):
    job = jobs[i]
    with ThreadPoolExecutor(job["parallel"]) as pool:
        results[i] = list(pool.map(once, [job] * job["count"]))
def run_serial(indexes):
    for i in indexes:
        run(i)
threads = [threading.Thread(target=run, args=(i,)) for i, j in enumerate(jobs) if not j.get("serial")]
threads.append(threading.Thread(target=run_serial, args=([i for i, j in enumerate(jobs) if j.get("serial")],)))
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(results))
"""

# Writes sysctls and creates nfacct objects (over nfnetlink, so the nfacct tool is not
# needed) in the namespace it runs in.
_NODE_SETUP = r"""
import errno, json, os, socket, struct, sys
spec = json.loads(sys.argv[1])
for path, value in spec["sysctls"].items():
    full = "/proc/sys/" + path.replace(".", "/")
    if not os.path.exists(full):
        if spec["optional"].get(path):
            continue
        sys.exit(f"sysctl {path} does not exist in this kernel")
    with open(full, "w") as f:
        f.write(str(value))
if spec["nfacct"]:
    NETLINK_NETFILTER, NFNL_SUBSYS_ACCT, NFNL_MSG_ACCT_NEW, NFACCT_NAME = 12, 7, 0, 1
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.settimeout(5)
    s.bind((0, 0))
    for seq, name in enumerate(spec["nfacct"], 1):
        raw = name.encode() + b"\0"
        attr = struct.pack("=HH", 4 + len(raw), NFACCT_NAME) + raw
        attr += b"\0" * (-len(attr) % 4)
        payload = struct.pack("=BBH", socket.AF_UNSPEC, 0, 0) + attr
        flags = 0x1 | 0x4 | 0x400  # NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
        s.send(struct.pack("=IHHII", 16 + len(payload), (NFNL_SUBSYS_ACCT << 8) | NFNL_MSG_ACCT_NEW, flags, seq, 0) + payload)
        reply = s.recv(65536)
        if struct.unpack_from("=H", reply, 4)[0] == 2:  # NLMSG_ERROR
            err = -struct.unpack_from("=i", reply, 16)[0]
            if err not in (0, errno.EBUSY, errno.EEXIST):
                sys.exit(f"nfacct: cannot create {name!r}: {os.strerror(err)} (kernel without nfnetlink_acct?)")
"""

# A few rules with the core matches and targets every kube-proxy ruleset uses.
_PROBE_RULES = """\
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:NPT-PROBE - [0:0]
-A PREROUTING -m comment --comment "npt probe" -j NPT-PROBE
-A NPT-PROBE -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 1 -m statistic --mode random --probability 0.50000000000 -j DNAT --to-destination 10.0.0.1:1
-A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully
COMMIT
"""

# iptables-restore errors that mean "this kernel or this iptables lacks an extension",
# as opposed to a rule the renderer got wrong.
_MISSING_EXTENSION = re.compile(
    r"Couldn't load (match|target)|Extension \S+ revision \d+ not supported|"
    r"unknown option|No chain/target/match by that name|Protocol not supported",
    re.IGNORECASE)


class CommandError(RuntimeError):
    """A command the topology needs failed."""


class Unsupported(Exception):
    """This machine lacks something a test needs; the message says what (tests skip)."""


def run(args: list[str], *, input: str | None = None, timeout: float = CMD_TIMEOUT,
        check: bool = True) -> subprocess.CompletedProcess:
    """Run a command with a timeout; raise CommandError on failure when ``check``."""
    try:
        proc = subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise CommandError(f"{' '.join(args)}: timed out after {timeout}s") from exc
    if check and proc.returncode != 0:
        raise CommandError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


# --------------------------------------------------------------------------- environment

@dataclass(frozen=True)
class Environment:
    """What works on this machine: the iptables-restore to use inside namespaces."""

    restore: str
    backend: str  # "nf_tables" or "legacy"


def probe_environment() -> Environment | str:
    """Check root, ``ip netns`` and iptables in a throwaway namespace.

    Returns:
        The environment, or the reason the kernel tests must be skipped.
        ``NPT_KERNEL_IPTABLES=legacy|nft`` forces a backend.
    """
    if os.geteuid() != 0:
        return "kernel agreement tests need root for ip netns"
    if shutil.which("ip") is None:
        return "kernel agreement tests need iproute2's `ip` (apt-get install iproute2)"
    remove_stale_namespaces()
    name = f"npt-{os.getpid()}-{next(_seq)}-probe"
    try:
        added = run(["ip", "netns", "add", name], check=False)
    except CommandError as exc:
        return f"ip netns add failed: {exc}"
    if added.returncode != 0:
        return f"ip netns add failed: {added.stderr.strip() or f'exit {added.returncode}'}"
    try:
        candidates = [("nf_tables", "iptables-nft-restore"), ("legacy", "iptables-legacy-restore")]
        forced = os.environ.get("NPT_KERNEL_IPTABLES", "").strip().lower()
        if forced:
            backend = {"nft": "nf_tables", "nf_tables": "nf_tables", "legacy": "legacy"}.get(forced)
            candidates = [c for c in candidates if c[0] == backend]
            if not candidates:
                return f"NPT_KERNEL_IPTABLES={forced!r} names no iptables backend (use nft or legacy)"
        errors = []
        for backend, tool in candidates:
            path = shutil.which(tool)
            if path is None:
                errors.append(f"{tool}: not installed")
                continue
            try:
                proc = run(["ip", "netns", "exec", name, path, "-w", "5"], input=_PROBE_RULES, check=False)
            except CommandError as exc:
                errors.append(str(exc))
                continue
            if proc.returncode == 0:
                return Environment(path, backend)
            errors.append(f"{tool}: {proc.stderr.strip() or f'exit {proc.returncode}'}")
        return ("iptables-restore is unavailable in a network namespace (apt-get install iptables): "
                + "; ".join(errors))
    finally:
        run(["ip", "netns", "del", name], check=False)


def remove_stale_namespaces() -> list[str]:
    """Delete namespaces an earlier run of these tests left behind when it was killed: only
    ``npt-<pid>-...`` names whose process no longer exists."""
    proc = run(["ip", "netns", "list"], check=False)
    removed = []
    for line in proc.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(r"npt-(\d+)-\d+-[a-z0-9]+", name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # still running: another session's namespaces
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        run(["ip", "netns", "del", name], check=False)
        removed.append(name)
    return removed


# --------------------------------------------------------------------------- results

@dataclass(frozen=True)
class Result:
    """What one real connection did: answered (by ``pod``, which saw ``peer``), refused,
    timeout, or error (``detail`` says what)."""

    kind: str
    pod: str | None = None
    peer: str | None = None
    detail: str = ""


# --------------------------------------------------------------------------- the lab

@dataclass
class Probe:
    """``count`` connections from namespace ``ns`` to ``dst:port``, ``parallel`` at a time
    (all at once by default). Serial probes of one namespace run one after another."""

    ns: str
    dst: str
    port: int
    count: int = 60
    timeout: float = 2.0
    parallel: int | None = None
    serial: bool = False

    def job(self) -> dict:
        return {"dst": self.dst, "port": self.port, "count": self.count, "timeout": self.timeout,
                "parallel": max(1, min(self.parallel or self.count, 128)), "serial": self.serial}

    def worst_case(self) -> float:
        """Seconds the probe can take at most (connect and read may each time out)."""
        par = max(1, min(self.parallel or self.count, 128))
        return -(-self.count // par) * 2 * self.timeout


@dataclass
class NodeNet:
    """A node's namespace and what was configured in it."""

    name: str
    ns: str
    eth0: list[str]
    bridge_ip: str | None
    pod_cidr: str | None
    route_localnet: bool


@dataclass
class PodNet:
    """A Pod's namespace."""

    ref: str
    ip: str
    node: str
    ns: str
    ports: list[int]


@dataclass
class Topology:
    """The namespaces built for one cluster."""

    client: str
    nodes: dict[str, NodeNet] = field(default_factory=dict)
    pods: dict[str, PodNet] = field(default_factory=dict)
    bridge_netfilter: bool = True


class Lab:
    """Owns every namespace and process a test creates; :meth:`close` removes them all."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.prefix = f"npt-{os.getpid()}-{next(_seq)}"
        self.namespaces: list[str] = []
        self.procs: list[subprocess.Popen] = []

    # -- plumbing -------------------------------------------------------------------

    def netns(self, role: str) -> str:
        """Create a namespace (loopback up) and remember it for clean-up."""
        name = f"{self.prefix}-{role}"
        run(["ip", "netns", "add", name])
        self.namespaces.append(name)
        self.ip(name, "link set lo up")
        return name

    @staticmethod
    def ip(ns: str, *commands: str) -> None:
        """Run ``ip`` commands inside ``ns`` (one batch)."""
        run(["ip", "-n", ns, "-batch", "-"], input="\n".join(commands) + "\n")

    @staticmethod
    def exec(ns: str, *args: str, input: str | None = None, timeout: float = CMD_TIMEOUT,
             check: bool = True) -> subprocess.CompletedProcess:
        """Run a program inside ``ns``."""
        return run(["ip", "netns", "exec", ns, *args], input=input, timeout=timeout, check=check)

    def veth(self, ns: str, name: str, peer_ns: str, peer_name: str) -> None:
        """A veth pair created inside ``ns`` with its peer created directly in ``peer_ns``."""
        self.ip(ns, f"link add {name} type veth peer name {peer_name} netns {peer_ns}")

    def close(self) -> None:
        """Stop the servers and delete the namespaces (and with them every link)."""
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
        deadline = time.monotonic() + 3
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.05, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        self.procs.clear()
        for ns in reversed(self.namespaces):
            run(["ip", "netns", "del", ns], check=False)
        self.namespaces.clear()

    # -- servers and clients ----------------------------------------------------------

    def source_for(self, ns: str, dst: str) -> str:
        """The source address the kernel in ``ns`` picks for a connection to ``dst``."""
        proc = self.exec(ns, "ip", "-j", "route", "get", dst)
        routes = json.loads(proc.stdout or "[]")
        if not routes or "prefsrc" not in routes[0]:
            raise CommandError(f"ip route get {dst} in {ns} gave no source address: {proc.stdout.strip()}")
        return routes[0]["prefsrc"]

    def serve(self, ns: str, ident: str, ports: list[int]) -> subprocess.Popen:
        """Start the reply-with-peer server in ``ns`` (call :meth:`wait_ready` afterwards)."""
        proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, "-c", _SERVER, ident, ",".join(map(str, ports)),
             str(SERVER_LIFETIME)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return proc

    @staticmethod
    def wait_ready(procs: list[subprocess.Popen], timeout: float = READY_TIMEOUT) -> None:
        """Wait until each server printed "ready"."""
        deadline = time.monotonic() + timeout
        for proc in procs:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, left))
            line = proc.stdout.readline() if ready else ""
            if line.strip() != "ready":
                err = ""
                if proc.poll() is not None:
                    err = proc.stderr.read()
                raise CommandError(f"server {proc.args[3:6]} did not start: {line!r} {err.strip()}")

    def connect(self, ns: str, dst: str, port: int, *, count: int = 60, timeout: float = 2.0,
                parallel: int | None = None, serial: bool = False) -> list[Result]:
        """Open ``count`` real TCP connections from ``ns`` to ``dst:port`` and classify each."""
        return self.probe([Probe(ns, dst, port, count, timeout, parallel, serial)])[0]

    def probe(self, probes: list["Probe"]) -> list[list[Result]]:
        """Run many probes at once: one client process per namespace, all concurrently."""
        by_ns: dict[str, list[int]] = {}
        for i, pr in enumerate(probes):
            by_ns.setdefault(pr.ns, []).append(i)
        procs = []
        for ns, indexes in by_ns.items():
            jobs = [probes[i].job() for i in indexes]
            budget = sum(probes[i].worst_case() for i in indexes if probes[i].serial) + \
                max((probes[i].worst_case() for i in indexes), default=0) + 15
            proc = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", _CLIENT, json.dumps(jobs)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            procs.append((proc, indexes, budget))
        out: list[list[Result]] = [[] for _ in probes]
        try:
            for proc, indexes, budget in procs:
                try:
                    stdout, stderr = proc.communicate(timeout=budget)
                except subprocess.TimeoutExpired as exc:
                    raise CommandError(f"client in {proc.args[3]} did not finish within {budget}s") from exc
                if proc.returncode != 0:
                    raise CommandError(f"client in {proc.args[3]} failed: {stderr.strip()}")
                for i, items in zip(indexes, json.loads(stdout)):
                    out[i] = [Result("answered", *item["reply"].partition(" ")[::2]) if item["kind"] == "answered"
                              else Result(item["kind"], detail=item.get("detail", "")) for item in items]
        finally:
            for proc, _, _ in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate(timeout=5)
        return out

    # -- the cluster ------------------------------------------------------------------

    def build(self, cluster, *, client_ip: str = CLIENT_IP) -> Topology:
        """Rebuild ``cluster``'s nodes, Pods and LAN, load each node's rules, start the Pods' servers."""
        api = cluster.api
        net: DataPlane = cluster.net
        config = ProxyConfig.from_dict(cluster.kube_proxy)
        if config.mode != "iptables":
            raise Unsupported(f"kube-proxy runs in {config.mode} mode; only iptables rules can be loaded")
        lan = self.netns("lan")
        self.ip(lan, "link add br0 type bridge", "link set br0 up")
        self.exec(lan, sys.executable, "-c", _NODE_SETUP, json.dumps(
            {"sysctls": {"net.bridge.bridge-nf-call-iptables": 0}, "optional": {"net.bridge.bridge-nf-call-iptables": True},
             "nfacct": []}))
        ports = itertools.count()

        def join_lan(ns: str) -> None:
            port = f"p{next(ports)}"
            self.veth(ns, "eth0", lan, port)
            self.ip(lan, f"link set {port} master br0", f"link set {port} up")

        client = self.netns("client")
        join_lan(client)
        self.ip(client, f"addr add {client_ip}/{LAN_PREFIX} dev eth0", "link set eth0 up",
                "route add default dev eth0")
        topo = Topology(client)

        nodes = sorted(api.iter("Node"), key=lambda n: n["metadata"]["name"])
        for i, node in enumerate(nodes):
            name = node["metadata"]["name"]
            addrs = net.node_addresses(node)
            gw = DataPlane.bridge_address(node)
            cidr = (node.get("spec") or {}).get("podCIDR")
            facts = NodeFacts.from_node(node, secondary_addresses=addrs[1:])
            proxier = NodeProxier(facts, config)
            ns = self.netns(f"n{i}")
            join_lan(ns)
            eth0 = [a for a in addrs if a != gw]
            cmds = [f"addr add {a}/{LAN_PREFIX} dev eth0" for a in eth0] + ["link set eth0 up"]
            if gw and cidr:
                prefix = ipaddress.ip_network(cidr, strict=False).prefixlen
                cmds += ["link add cni0 type bridge", f"addr add {gw}/{prefix} dev cni0", "link set cni0 up"]
            self.ip(ns, *cmds)
            topo.nodes[name] = NodeNet(name, ns, eth0, gw, cidr, proxier.route_localnet)

        for node in nodes:
            me = topo.nodes[node["metadata"]["name"]]
            routes = []
            for other in topo.nodes.values():
                if other is not me and other.pod_cidr and other.eth0:
                    routes.append(f"route add {other.pod_cidr} via {other.eth0[0]} dev eth0")
            routes.append("route add default dev eth0")
            self.ip(me.ns, *routes)

        pods = sorted(api.iter("Pod"), key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
        for j, pod in enumerate(pods):
            status = pod.get("status") or {}
            node_name = pod["spec"].get("nodeName") or ""
            ip = status.get("podIP")
            if (not ip or node_name not in topo.nodes or pod["spec"].get("hostNetwork")
                    or status.get("phase") in ("Succeeded", "Failed")):
                continue
            node = topo.nodes[node_name]
            if not node.bridge_ip or not node.pod_cidr:
                continue
            ref = f"{pod['metadata'].get('namespace', 'default')}/{pod['metadata']['name']}"
            ns = self.netns(f"p{j}")
            port = f"veth{j}"
            self.veth(ns, "eth0", node.ns, port)
            self.ip(node.ns, f"link set {port} master cni0", f"link set {port} type bridge_slave hairpin on",
                    f"link set {port} up")
            prefix = ipaddress.ip_network(node.pod_cidr, strict=False).prefixlen
            self.ip(ns, f"addr add {ip}/{prefix} dev eth0", "link set eth0 up",
                    f"route add default via {node.bridge_ip} dev eth0")
            listen = sorted({lst.port for c in pod["spec"].get("containers") or []
                             for lst in images.listeners(c) if lst.protocol == "TCP"})
            topo.pods[ref] = PodNet(ref, ip, node_name, ns, listen)

        for node in topo.nodes.values():
            self._load_node(cluster, node, topo)

        started = [self.serve(p.ns, p.ref, p.ports) for p in topo.pods.values() if p.ports]
        self.wait_ready(started)
        return topo

    def _load_node(self, cluster, node: NodeNet, topo: Topology) -> None:
        text = cluster.net.iptables_save(node.name)
        sysctls = {"net.ipv4.ip_forward": 1, "net.bridge.bridge-nf-call-iptables": 1}
        if node.route_localnet:
            sysctls["net.ipv4.conf.all.route_localnet"] = 1
        nfacct = sorted(set(re.findall(r"--nfacct-name\s+(\S+)", text)))
        setup = self.exec(node.ns, sys.executable, "-c", _NODE_SETUP, json.dumps(
            {"sysctls": sysctls, "optional": {"net.bridge.bridge-nf-call-iptables": True}, "nfacct": nfacct}),
            check=False)
        if setup.returncode != 0:
            raise Unsupported(f"{node.name}: {setup.stderr.strip()}")
        bridge = self.exec(node.ns, "cat", "/proc/sys/net/bridge/bridge-nf-call-iptables", check=False)
        topo.bridge_netfilter = topo.bridge_netfilter and bridge.stdout.strip() == "1"
        proc = self.exec(node.ns, self.env.restore, "-w", "5", input=text, check=False)
        if proc.returncode != 0:
            err = proc.stderr.strip()
            if _MISSING_EXTENSION.search(err):
                raise Unsupported(f"{node.name}: {os.path.basename(self.env.restore)} cannot load kube-proxy's "
                                  f"rules here (missing kernel match/target): {err}")
            raise CommandError(f"{node.name}: {self.env.restore} rejected the engine's iptables-save text: {err}")
