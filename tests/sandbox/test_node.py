"""Node shells: ssh, iptables/iptables-save/ipvsadm/ip/crictl output, and the kubelet's static Pod restarts."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.seed import SEED_WITH_31000
from trainer.engine.cluster import Cluster
from trainer.engine.proxy.rules import parse_ruleset
from trainer.sandbox import iptables_list as listing
from trainer.sandbox import node
from trainer.sandbox.node_manifest import MANIFEST_PATH
from trainer.sandbox.session import Result, Session

SEED = SEED_WITH_31000


def make(tmp_path: Path, docs: str = SEED) -> Session:
    cluster = Cluster.default()
    if docs:
        assert all(r.ok for r in cluster.apply(docs, "seed.yaml"))
    return Session(cluster, tmp_path)


def on(session: Session, host: str, *argv: str) -> Result:
    session.host = host
    return node.NODE_COMMANDS[argv[0]](session, list(argv), "")


def sync(session: Session) -> list[str]:
    for hook in session.after_command:
        hook(session)
    notices, session.notices = session.notices, []
    return notices


# ------------------------------------------------------------------ ssh

def test_ssh_to_an_unknown_host(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert node.ssh_main(s, ["ssh", "NodeX"], "") == Result(
        "", "ssh: Could not resolve hostname nodex: Name or service not known\n", 255)
    assert s.host is None


def test_ssh_logs_in_and_runs_one_command(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert node.ssh_main(s, ["ssh", "root@10.0.0.12", "hostname"], "") == Result("node02\n", "", 0)
    assert s.host is None
    r = node.ssh_main(s, ["ssh", "node01"], "")
    assert r == Result("Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-51-generic x86_64)\n", "", 0)
    assert s.host == "node01"
    assert MANIFEST_PATH in s.node_files["controlplane"] and s.node_files["node01"] == {}


def test_ssh_without_a_destination_prints_usage(tmp_path: Path) -> None:
    r = node.ssh_main(make(tmp_path), ["ssh"], "")
    assert r.status == 255 and r.stderr.startswith("usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]")


# ------------------------------------------------------------------ iptables

def test_iptables_lists_the_nodeports_chain(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert on(s, "node01", "iptables", "-t", "nat", "-L", "KUBE-NODEPORTS", "-n", "--line-numbers") == Result(
        "Chain KUBE-NODEPORTS (1 references)\n"
        "num  target     prot opt source               destination         \n"
        "1    KUBE-EXT-IA3S3BGRF2FRVHAM  6    --  0.0.0.0/0            127.0.0.0/8          "
        "/* default/web-frontend */ tcp dpt:31000 nfacct-name  localhost_nps_accepted_pkts\n"
        "2    KUBE-EXT-IA3S3BGRF2FRVHAM  6    --  0.0.0.0/0            0.0.0.0/0            "
        "/* default/web-frontend */ tcp dpt:31000\n", "", 0)


def test_iptables_list_without_numeric_resolves_names(tmp_path: Path) -> None:
    s = make(tmp_path)
    r = on(s, "node01", "iptables", "-t", "nat", "-L", "KUBE-MARK-MASQ")
    assert r == Result("Chain KUBE-MARK-MASQ (16 references)\n"
                       "target     prot opt source               destination         \n"
                       "MARK       all  --  anywhere             anywhere             MARK or 0x4000\n", "", 0)


def test_iptables_list_rules(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert on(s, "node02", "iptables", "-t", "nat", "-S", "KUBE-NODEPORTS") == Result(
        "-N KUBE-NODEPORTS\n"
        '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "default/web-frontend" -m tcp --dport 31000 '
        "-m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-IA3S3BGRF2FRVHAM\n"
        '-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web-frontend" -m tcp --dport 31000 '
        "-j KUBE-EXT-IA3S3BGRF2FRVHAM\n", "", 0)
    assert on(s, "node02", "iptables", "-t", "nat", "-S", "KUBE-MARK-MASQ", "1") == Result(
        "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n", "", 0)


TRY = "Try `iptables -h' or 'iptables --help' for more information.\n"


@pytest.mark.parametrize("argv, expected", [
    (["iptables", "-L", "FOO"],
     Result("", "iptables v1.8.9 (nf_tables): chain `FOO' in table `filter' is incompatible, use 'nft' tool.\n", 1)),
    (["iptables", "--foo"], Result("", 'iptables v1.8.9 (nf_tables): unknown option "--foo"\n' + TRY, 2)),
    (["iptables", "-t", "bogus", "-L"],
     Result("", "iptables v1.8.9 (nf_tables): table 'bogus' does not exist\n"
                "Perhaps iptables or your kernel needs to be upgraded.\n", 3)),
    (["iptables", "-L", "-S"], Result("", "iptables v1.8.9 (nf_tables): Cannot use -S with -L\n" + TRY, 2)),
    (["iptables", "-S", "-n"],
     Result("", "iptables v1.8.9 (nf_tables): Illegal option `-n' with this command\n" + TRY, 2)),
    (["iptables", "-L", "-n", "INPUT"], Result("", "Bad argument `INPUT'\n" + TRY, 2)),
    (["iptables", "-L", "INPUT", "0"], Result("", "iptables v1.8.9 (nf_tables): Invalid rule number `0'\n" + TRY, 2)),
    (["iptables", "-t", "nat"], Result("", "iptables v1.8.9 (nf_tables): no command specified\n" + TRY, 2)),
    (["iptables", "-V"], Result("iptables v1.8.9 (nf_tables)\n", "", 0)),
])
def test_iptables_errors(tmp_path: Path, argv: list[str], expected: Result) -> None:
    assert on(make(tmp_path), "node01", *argv) == expected


def test_iptables_save_wraps_each_table_in_the_real_comment_lines(tmp_path: Path) -> None:
    s = make(tmp_path)
    r = on(s, "node01", "iptables-save", "-t", "mangle")
    assert r == Result("# Generated by iptables-save v1.8.9 (nf_tables) on Thu Jan  1 00:00:00 2026\n"
                       "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
                       ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-IPTABLES-HINT - [0:0]\n"
                       ":KUBE-KUBELET-CANARY - [0:0]\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT\n"
                       "# Completed on Thu Jan  1 00:00:00 2026\n", "", 0)
    full = on(s, "node01", "iptables-save").stdout
    body = "".join(line + "\n" for line in full.splitlines() if not line.startswith("#"))
    assert body == s.cluster.net.iptables_save("node01")
    assert on(s, "node01", "iptables-save", "-t", "bogus") == Result("", "Table `bogus' does not exist\n", 1)


def test_ipvsadm_in_iptables_mode_shows_an_empty_table(tmp_path: Path) -> None:
    assert on(make(tmp_path), "node01", "ipvsadm", "-Ln") == Result(
        "IP Virtual Server version 1.2.1 (size=4096)\n"
        "Prot LocalAddress:Port Scheduler Flags\n"
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n", "", 0)


# ------------------------------------------------------------------ ip

def test_ip_addr_and_route(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert on(s, "node01", "ip", "-4", "addr") == Result(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    inet 127.0.0.1/8 scope host lo\n"
        "       valid_lft forever preferred_lft forever\n"
        "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n"
        "    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\n"
        "       valid_lft forever preferred_lft forever\n"
        "3: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n"
        "    inet 10.244.1.1/24 brd 10.244.1.255 scope global cni0\n"
        "       valid_lft forever preferred_lft forever\n", "", 0)
    assert on(s, "node01", "ip", "route") == Result(
        "default via 10.0.0.1 dev eth0 proto static \n"
        "10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.11 \n"
        "10.244.0.0/24 via 10.0.0.10 dev eth0 \n"
        "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n"
        "10.244.2.0/24 via 10.0.0.12 dev eth0 \n", "", 0)
    assert on(s, "node01", "ip", "route", "get", "10.244.2.3") == Result(
        "10.244.2.3 via 10.0.0.12 dev eth0 src 10.0.0.11 uid 0 \n    cache \n", "", 0)
    addr = on(s, "node02", "ip", "addr").stdout
    # One veth per Pod on the node (web-frontend has two replicas on node02).
    assert addr.count("master cni0 state UP") == 2
    assert on(s, "node01", "ip", "addr", "show", "dev", "eth1") == Result("", 'Device "eth1" does not exist.\n', 1)
    assert on(s, "node01", "ip", "foo") == Result("", 'Object "foo" is unknown, try "ip help".\n', 1)


def test_a_node_without_pods_has_a_down_bridge(tmp_path: Path) -> None:
    s = make(tmp_path, docs="")
    out = on(s, "node02", "ip", "link", "show", "cni0").stdout
    assert out.startswith("3: cni0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode "
                          "DEFAULT group default qlen 1000\n")
    assert "10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1 linkdown \n" in \
        on(s, "node02", "ip", "route").stdout


# ------------------------------------------------------------------ kubectl on nodes

def test_kubectl_on_a_worker_has_no_kubeconfig(tmp_path: Path) -> None:
    r = on(make(tmp_path), "node01", "kubectl", "get", "pods")
    assert r.status == 1
    assert r.stderr.endswith("The connection to the server localhost:8080 was refused - did you specify the "
                             "right host or port?\n")
    assert r.stderr.count("dial tcp 127.0.0.1:8080: connect: connection refused") == 5


# ------------------------------------------------------------------ the kube-apiserver manifest

def _edit(session: Session, old: str, new: str) -> None:
    files = session.node_files["controlplane"]
    assert old in files[MANIFEST_PATH]
    files[MANIFEST_PATH] = files[MANIFEST_PATH].replace(old, new)


NODEPORT_35000 = """\
apiVersion: v1
kind: Service
metadata:
  name: wide
spec:
  type: NodePort
  selector:
    app: web-frontend
  ports:
  - port: 80
    nodePort: 35000
"""


def test_the_manifest_is_kubeadms(tmp_path: Path) -> None:
    s = make(tmp_path)
    node.install(s)
    text = s.node_files["controlplane"][MANIFEST_PATH]
    assert text.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
                           "    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: 10.0.0.10:6443\n")
    flags = [line.strip()[2:] for line in text.splitlines() if line.startswith("    - --")]
    assert flags == sorted(flags)
    assert "--service-node-port-range=30000-32767" in flags and "--advertise-address=10.0.0.10" in flags
    assert "--service-cluster-ip-range=10.96.0.0/12" in flags
    assert "    image: registry.k8s.io/kube-apiserver:v1.32.4\n" in text


def test_editing_the_range_restarts_the_apiserver(tmp_path: Path) -> None:
    s = make(tmp_path)
    node.ssh_main(s, ["ssh", "controlplane"], "")
    refused = s.cluster.apply(NODEPORT_35000)
    assert not refused[0].ok and "provided port is not in the valid range" in refused[0].kubectl_line()
    assert sync(s) == []
    _edit(s, "--service-node-port-range=30000-32767", "--service-node-port-range=30000-40000")
    assert sync(s) == ["kubelet: controlplane:/etc/kubernetes/manifests/kube-apiserver.yaml changed; it restarted "
                       "the kube-apiserver static Pod, which is running again (service-node-port-range "
                       "30000-40000)."]
    assert s.cluster.api.up
    assert [r.kubectl_line() for r in s.cluster.apply(NODEPORT_35000)] == ["service/wide created"]
    s.cluster.advance(5)
    ps = [re.split(r"\s{3,}", line) for line in
          on(s, "controlplane", "crictl", "ps", "--name", "kube-apiserver").stdout.splitlines()]
    assert ps[0] == ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]
    assert len(ps) == 2 and ps[1][2:6] == ["5 seconds ago", "Running", "kube-apiserver", "0"]
    assert ps[1][7:] == ["kube-apiserver-controlplane", "kube-system"]


def test_a_comment_in_the_manifest_restarts_nothing(tmp_path: Path) -> None:
    s = make(tmp_path)
    node.install(s)
    _edit(s, "status: {}\n", "status: {}\n# edited by hand\n")
    assert sync(s) == []


def test_a_bad_range_keeps_the_apiserver_down_and_its_log_says_why(tmp_path: Path) -> None:
    s = make(tmp_path)
    node.install(s)
    _edit(s, "--service-node-port-range=30000-32767", "--service-node-port-range=40000-30000")
    notices = sync(s)
    assert notices and "exited at once" in notices[0]
    assert not s.cluster.api.up
    assert not s.cluster.apply(NODEPORT_35000)[0].ok
    ps = on(s, "controlplane", "crictl", "ps", "-a").stdout.splitlines()
    row = next(line for line in ps if " kube-apiserver " in line)
    assert " Exited " in row
    logs = on(s, "controlplane", "crictl", "logs", row.split()[0][:6])
    assert logs == Result("", 'Error: invalid argument "40000-30000" for "--service-node-port-range" flag: end port '
                              "cannot be less than start port: 40000-30000\n", 0)
    assert s.cluster.api.crash_log + "\n" == logs.stderr
    assert "kube-apiserver" not in on(s, "controlplane", "crictl", "ps").stdout
    # The kubelet's crash back-off: restarts after 10 s, then 20 s more.
    s.cluster.advance(31)
    row = next(line for line in on(s, "controlplane", "crictl", "ps", "-a").stdout.splitlines()
               if " kube-apiserver " in line)
    assert re.split(r"\s{3,}", row)[2:6] == ["1 second ago", "Exited", "kube-apiserver", "2"]


def test_broken_yaml_stops_the_apiserver_until_fixed(tmp_path: Path) -> None:
    s = make(tmp_path)
    node.install(s)
    good = s.node_files["controlplane"][MANIFEST_PATH]
    s.node_files["controlplane"][MANIFEST_PATH] = good.replace("  containers:\n", "  containers\n", 1)
    notices = sync(s)
    assert len(notices) == 1 and "can no longer be used as a static Pod" in notices[0]
    assert not s.cluster.api.up
    assert "kube-apiserver" not in on(s, "controlplane", "crictl", "ps", "-a").stdout
    s.node_files["controlplane"][MANIFEST_PATH] = good
    assert "running again" in sync(s)[0]
    assert s.cluster.api.up


def test_crictl_logs_of_an_unknown_container(tmp_path: Path) -> None:
    assert on(make(tmp_path), "node01", "crictl", "logs", "abc") == Result(
        "", 'FATA[0000] rpc error: code = NotFound desc = an error occurred when try to find container "abc": '
            "not found\n", 1)


# ------------------------------------------------------------------ agreement with the real iptables

RICH = SEED + """\
---
apiVersion: v1
kind: Service
metadata:
  name: web-local
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector:
    app: web-frontend
  ports:
  - port: 80
    nodePort: 31001
---
apiVersion: v1
kind: Service
metadata:
  name: sticky
spec:
  type: NodePort
  sessionAffinity: ClientIP
  selector:
    app: web-frontend
  ports:
  - port: 8080
    targetPort: 80
    nodePort: 31002
---
apiVersion: v1
kind: Service
metadata:
  name: empty
spec:
  type: NodePort
  selector:
    app: nothing
  ports:
  - port: 80
    nodePort: 31003
---
apiVersion: v1
kind: Service
metadata:
  name: dns-np
  namespace: kube-system
spec:
  type: NodePort
  selector:
    k8s-app: kube-dns
  ports:
  - port: 53
    protocol: UDP
    nodePort: 31004
---
apiVersion: v1
kind: Service
metadata:
  name: lb
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  externalIPs: [192.0.2.50]
  selector:
    app: web-frontend
  ports:
  - port: 80
    nodePort: 31005
"""

# Matches and targets kube-proxy does not use today, in the forms iptables-save writes them.
EDGE = """\
*filter
:NPT-EDGE - [0:0]
:NPT-EDGE2 - [0:0]
-A NPT-EDGE -i eth0 -o cni0 -p udp -m udp --sport 53 --dport 1000:2000 -j ACCEPT
-A NPT-EDGE ! -i lo ! -o eth0 ! -p tcp -j DROP
-A NPT-EDGE -s 10.0.0.0/255.0.255.0 ! -d 192.168.0.1/32 -f -j RETURN
-A NPT-EDGE -p tcp -m tcp ! --dport 22 -j REJECT --reject-with tcp-reset
-A NPT-EDGE -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT
-A NPT-EDGE -p tcp -m multiport ! --sports 22 -j ACCEPT
-A NPT-EDGE -m addrtype --src-type LOCAL --dst-type UNICAST,LOCAL --limit-iface-in -j ACCEPT
-A NPT-EDGE -m addrtype ! --src-type LOCAL -j ACCEPT
-A NPT-EDGE -m mark --mark 0x1 -j ACCEPT
-A NPT-EDGE -m state --state ESTABLISHED,NEW -j ACCEPT
-A NPT-EDGE -j LOG --log-prefix "npt: " --log-level 6
-A NPT-EDGE -p sctp -m sctp --dport 9999 -j ACCEPT
-A NPT-EDGE -m recent --set --name FOO --mask 255.255.255.255 --rsource -j ACCEPT
-A NPT-EDGE -m statistic --mode random ! --probability 0.25 -j ACCEPT
-A NPT-EDGE -p icmp -j ACCEPT
-A NPT-EDGE -s 127.0.0.1/32 -d 127.0.0.0/8 -j ACCEPT
-A NPT-EDGE -p tcp -m tcp --dport 443 -j REJECT --reject-with icmp-host-unreachable
-A NPT-EDGE -g NPT-EDGE2
-A NPT-EDGE -m comment --comment "goto with comment" -g NPT-EDGE2
COMMIT
*nat
:NPT-NAT - [0:0]
-A NPT-NAT -p tcp -m tcp --dport 80 -j DNAT --to-destination 1.2.3.4 --random --persistent
-A NPT-NAT -p tcp -j SNAT --to-source 1.2.3.4:1000-2000
-A NPT-NAT -p tcp -j MASQUERADE --to-ports 1024-2000 --random
-A NPT-NAT -j MARK --set-xmark 0x1/0xffffffff
-A NPT-NAT -j MARK --set-xmark 0x0/0x4000
-A NPT-NAT -j MARK --set-xmark 0x3/0x7
COMMIT
"""


def _variants(chains) -> list[list[str]]:
    out = [["-L", "-n"], ["-L"], ["-L", "-n", "-v"], ["-L", "-n", "-v", "-x"], ["-L", "-n", "--line-numbers"],
           ["-L", "-v", "--line-numbers"], ["-S"], ["-S", "-v"]]
    for name, _policy, lines in chains:
        out += [["-L", name, "-n"], ["-S", name]]
        if lines:
            out += [["-L", name, "1", "-n"], ["-S", name, str(len(lines))]]
    return out


@pytest.fixture
def netns():
    """A throwaway network namespace with kube-proxy's nfacct objects; skipped without root and iptables."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("iptables-restore"):
        pytest.skip("needs root, iproute2 and iptables")
    version = subprocess.run(["iptables", "-V"], capture_output=True, text=True).stdout.strip()
    if version != "iptables v1.8.9 (nf_tables)":
        pytest.skip(f"the listings are checked against iptables v1.8.9 (nf_tables), this is {version}")
    name = f"npt-{os.getpid()}-sandbox"
    if subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode != 0:
        pytest.skip("ip netns add failed")
    try:
        def run(*argv: str, text: str | None = None) -> subprocess.CompletedProcess:
            return subprocess.run(["ip", "netns", "exec", name, *argv], input=text, capture_output=True, text=True,
                                  timeout=30)
        for acct in ("ct_state_invalid_dropped_pkts", "localhost_nps_accepted_pkts"):
            if shutil.which("nfacct"):
                run("nfacct", "add", acct)
        yield run
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


@pytest.mark.kernel
@pytest.mark.parametrize("node_name", ["controlplane", "node01"])
def test_listings_agree_with_the_real_iptables(tmp_path: Path, netns, node_name: str) -> None:
    s = make(tmp_path, RICH)
    lb = s.cluster.api.peek("Service", "lb", "default")
    lb["status"] = {"loadBalancer": {"ingress": [{"ip": "198.51.100.7"}]}}
    s.cluster.api.write_status(lb)
    s.cluster.reconcile()
    loaded = netns("iptables-restore", text=s.cluster.net.iptables_save(node_name))
    if loaded.returncode != 0:
        pytest.skip(f"iptables-restore refused kube-proxy's rules here: {loaded.stderr.strip()}")
    # The sandbox's own command, over the engine's rules.
    mismatches = []
    for table in ("filter", "nat", "mangle", "raw"):
        for args in _variants(listing.table_chains(s.cluster.net.ruleset(node_name), table)):
            real = netns("iptables", "-t", table, *args)
            mine = on(s, node_name, "iptables", "-t", table, *args)
            if (real.stdout, real.returncode) != (mine.stdout, mine.status):
                mismatches.append(f"{table} {args}\n" + "\n".join(difflib.unified_diff(
                    real.stdout.splitlines(), mine.stdout.splitlines(), "real", "sandbox", lineterm="")))
    assert mismatches == []
    # The renderer over rules beyond kube-proxy's, as the kernel reads them back.
    assert netns("iptables-restore", "--noflush", text=EDGE).returncode == 0
    saved = netns("iptables-save").stdout
    ruleset = parse_ruleset("".join(line + "\n" for line in saved.splitlines() if not line.startswith("#")),
                            lazy=True)
    for table in ("filter", "nat"):
        chains = listing.table_chains(ruleset, table)
        refs = listing.references(chains)
        for numeric, verbose in ((True, False), (False, False), (True, True)):
            args = ["-L"] + ["-n"] * numeric + ["-v"] * verbose
            fmt = listing.ListFormat(numeric=numeric, verbose=verbose)
            assert netns("iptables", "-t", table, *args).stdout == listing.render_list(chains, refs, fmt), (table, args)
        assert netns("iptables", "-t", table, "-S").stdout == listing.render_rules(chains, False)
