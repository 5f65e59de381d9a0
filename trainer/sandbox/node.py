"""Node shells: ssh, the commands a node has, its files, and the kubelet that watches static Pod manifests."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import shlex
from typing import Callable

import yaml

from ..engine.objects import name_of
from .node_iptables import iptables_main, iptables_save_main
from .node_manifest import MANIFEST_PATH, manifest_text, parse_manifest
from .node_net import ip_main, ipvsadm_main
from .node_runtime import _startup_log, apiserver_pod, crictl_main
from .curl_args import SYN_TIMEOUT
from .session import CommandFn, Result, Session

#: Set by the shell to run a whole command line on a node for `ssh NODE COMMAND...`;
#: without it, the first word is looked up in NODE_COMMANDS.
REMOTE_RUNNER: Callable[[Session, str, str], Result] | None = None
_SSH_USAGE = """usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]
           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]
           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]
           [-J destination] [-L address] [-l login_name] [-m mac_spec]
           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]
           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]
           destination [command [argument ...]]
"""
_SSH_ARG_OPTS = set("BbcDEeFIiJLlmOoPpRSWw")
_SSH_FLAGS = set("46AaCfGgKkMNnqsTtVvXxYy")


def _control_planes(session: Session) -> list[dict]:
    return [n for n in session.cluster.api.iter("Node")
            if "node-role.kubernetes.io/control-plane" in (n["metadata"].get("labels") or {})]


def node_files(cluster, node: str) -> dict[str, str]:
    """A node's own files at the start: the kube-apiserver static Pod manifest on the control plane.

    Args:
        cluster: the engine cluster.
        node: the node's name.
    """
    obj = cluster.api.peek("Node", node, "")
    if obj is None or "node-role.kubernetes.io/control-plane" not in (obj["metadata"].get("labels") or {}):
        return {}
    addrs = cluster.net.node_addresses(obj)
    return {MANIFEST_PATH: manifest_text(addrs[0] if addrs else "10.0.0.10", dict(cluster.api.flags))}


def install(session: Session) -> None:
    """Give every node its files (once) and start the kubelet's watch on static Pod manifests."""
    seen = session.__dict__.setdefault("kubelet_seen", {})
    for node in session.cluster.api.iter("Node"):
        name = name_of(node)
        if name not in session.node_files:
            session.node_files[name] = node_files(session.cluster, name)
        if name not in seen:
            text = session.node_files[name].get(MANIFEST_PATH)
            seen[name] = _parsed(text)
    if kubelet_sync not in session.after_command:
        session.after_command.append(kubelet_sync)


def _parsed(text: str | None) -> object:
    """What the kubelet compares: the decoded document (comments and layout do not restart a Pod)."""
    if text is None:
        return None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return ("unparsable", text)


def kubelet_sync(session: Session) -> None:
    """After each command: if a control plane's kube-apiserver manifest changed, restart the static Pod.

    The kubelet reads the manifest, the apiserver restarts with its flags (or fails to),
    and a notice says what happened. A manifest that no longer decodes stops the Pod.
    """
    seen = session.__dict__.setdefault("kubelet_seen", {})
    cluster = session.cluster
    for node in _control_planes(session):
        name = name_of(node)
        files = session.node_files.get(name)
        if files is None:
            continue
        text = files.get(MANIFEST_PATH)
        texts = session.__dict__.setdefault("kubelet_texts", {})
        if name in seen and name in texts and texts[name] is text:
            continue  # the file was not written since the last look: nothing to decode
        texts[name] = text
        now = _parsed(text)
        if name in seen and seen[name] == now:
            continue
        first = name not in seen
        seen[name] = now
        if first:
            continue
        pod = apiserver_pod(session)
        where = f"{name}:{MANIFEST_PATH}"
        flags = parse_manifest(text) if text is not None else "the file was removed"
        if isinstance(flags, str):
            cluster.api.stop()  # the kubelet stopped the static Pod
            pod.stopped()
            session.notices.append(f"kubelet: {where} can no longer be used as a static Pod ({flags}); "
                                   "it stopped kube-apiserver, so the API server is down until the file is fixed.")
            continue
        for old in [k for k in cluster.api.flags if k not in flags]:
            del cluster.api.flags[old]
        for key, value in flags.items():
            cluster.set_apiserver_flag(key, value)
        ok = cluster.restart_apiserver()
        addrs = cluster.net.node_addresses(node)
        version = hashlib.sha256(json.dumps(now, sort_keys=True, default=str).encode()).hexdigest()
        pod.restarted(cluster.clock.now, ok, _startup_log(addrs[0] if addrs else "") if ok else cluster.api.crash_log,
                      version)
        if ok:
            shown = flags.get("service-node-port-range", "30000-32767 (the default)")
            session.notices.append(f"kubelet: {where} changed; it restarted the kube-apiserver static Pod, which "
                                   f"is running again (service-node-port-range {shown}).")
        else:
            session.notices.append(f"kubelet: {where} changed; it restarted the kube-apiserver static Pod, which "
                                   f"exited at once and keeps being restarted: the API server is down (see "
                                   f"`crictl ps -a` and `crictl logs` on {name}).")


# ------------------------------------------------------------------ ssh

def _resolve(session: Session, host: str) -> tuple[str, dict] | str | None:
    """(node name, node) for a node's name or address; the address itself if no node has it; None."""
    api = session.cluster.api
    node = api.peek("Node", host, "")
    if node is not None:
        return name_of(node), node
    owner = session.cluster.net.node_by_address(host) if _is_ipv4(host) else None
    if owner is not None:
        return name_of(owner), owner
    return host if _is_ipv4(host) else None


def _is_ipv4(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


def _banner(node: dict) -> str:
    info = (node.get("status") or {}).get("nodeInfo") or {}
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(info.get("architecture", "amd64"), "x86_64")
    return f"Welcome to {info.get('osImage') or 'Ubuntu 24.04.1 LTS'} (GNU/Linux " \
           f"{info.get('kernelVersion') or '6.8.0-51-generic'} {arch})\n"


def ssh_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """ssh [options] [user@]NODE [COMMAND...]: log in to a node, or run one command there."""
    install(session)
    args = argv[1:]
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        word = args[i]
        i += 1
        for j, letter in enumerate(word[1:], 1):
            if letter in _SSH_ARG_OPTS:
                if j == len(word) - 1:
                    if i >= len(args):
                        return Result("", f"option requires an argument -- {letter}\n{_SSH_USAGE}", 255)
                    i += 1
                break
            if letter not in _SSH_FLAGS:
                return Result("", f"unknown option -- {letter}\n{_SSH_USAGE}", 255)
    if i >= len(args):
        return Result("", _SSH_USAGE, 255)
    host = args[i].rpartition("@")[2].lower()
    command = args[i + 1:]
    target = _resolve(session, host)
    if target is None:
        return Result("", f"ssh: Could not resolve hostname {host}: Name or service not known\n", 255)
    if isinstance(target, str):
        session.cluster.advance(SYN_TIMEOUT)
        return Result("", f"ssh: connect to host {host} port 22: Connection timed out\n", 255)
    name, node = target
    ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                for c in (node.get("status") or {}).get("conditions") or [])
    admitted = True
    if session.host is None:
        admitted, _why = session.cluster.firewall.admits(name, "tcp", 22, session.client_ip)
    if not ready or not admitted:
        session.cluster.advance(SYN_TIMEOUT)
        return Result("", f"ssh: connect to host {host} port 22: Connection timed out\n", 255)
    if command:
        return run_on(session, name, " ".join(command), stdin)
    session.host = name
    return Result(_banner(node), "", 0)


def run_on(session: Session, node: str, line: str, stdin: str = "") -> Result:
    """Run one command line on a node (ssh NODE COMMAND), then come back."""
    saved = session.host
    session.host = node
    try:
        if REMOTE_RUNNER is not None:
            return REMOTE_RUNNER(session, line, stdin)
        try:
            argv = shlex.split(line)
        except ValueError as exc:
            return Result("", f"bash: -c: line 1: {exc}\n", 2)
        if not argv:
            return Result()
        fn = NODE_COMMANDS.get(argv[0])
        if fn is None:
            return Result("", f"bash: line 1: {argv[0]}: command not found\n", 127)
        return fn(session, argv, stdin)
    finally:
        session.host = saved


# ------------------------------------------------------------------ other node commands

def _curl(session: Session, argv: list[str], stdin: str = "") -> Result:
    from .curl import main

    return main(session, argv, stdin)


def _kubectl(session: Session, argv: list[str], stdin: str = "") -> Result:
    node = session.cluster.api.peek("Node", session.host or "", "")
    if node is not None and "node-role.kubernetes.io/control-plane" in (node["metadata"].get("labels") or {}):
        from .kubectl.cli import main

        return main(session, argv, stdin)
    # A worker has kubectl but no kubeconfig: it tries the default localhost:8080, five times.
    stamp = _dt.datetime.fromtimestamp(session.cluster.clock.now, _dt.timezone.utc).strftime("%m%d %H:%M:%S.%f")
    line = (f'E{stamp}    2875 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group '
            'list: Get \\"http://localhost:8080/api?timeout=32s\\": dial tcp 127.0.0.1:8080: connect: '
            'connection refused"\n')
    return Result("", line * 5 + "The connection to the server localhost:8080 was refused - did you specify "
                                 "the right host or port?\n", 1)


def _hostname(session: Session, argv: list[str], stdin: str = "") -> Result:
    return Result(f"{session.host}\n", "", 0)


def _with_files(fn: CommandFn) -> CommandFn:
    def wrapped(session: Session, argv: list[str], stdin: str = "") -> Result:
        install(session)
        return fn(session, argv, stdin)

    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    return wrapped


#: The commands a node has, beyond the shell's builtins (cat, sed, ls, exit, ...).
NODE_COMMANDS: dict[str, CommandFn] = {
    "iptables": iptables_main,
    "iptables-save": iptables_save_main,
    "ipvsadm": ipvsadm_main,
    "ip": ip_main,
    "crictl": _with_files(crictl_main),
    "curl": _curl,
    "kubectl": _kubectl,
    "hostname": _hostname,
    "ssh": ssh_main,
}

__all__ = ["NODE_COMMANDS", "REMOTE_RUNNER", "SYN_TIMEOUT", "install", "kubelet_sync", "node_files", "run_on",
           "ssh_main"]
