"""The command registry: which CommandFn a name runs, on the workstation or on a node."""

from __future__ import annotations

import importlib

from .builtins import SHELL_BUILTINS, TOOLS
from .session import CommandFn, Result, Session

#: Workstation commands: name -> (module, function, what `help` says). Imported when first run,
#: so a command whose module is missing is simply "command not found".
WORKSTATION: dict[str, tuple[str, str, str]] = {
    "kubectl": ("trainer.sandbox.kubectl.cli", "main", "talk to the cluster's API server"),
    "curl": ("trainer.sandbox.curl", "main", "send an HTTP request from this workstation"),
    "trace": ("trainer.sandbox.curl", "trace_main", "follow a packet hop by hop through the rules"),
    "ssh": ("trainer.sandbox.node", "ssh_main", "open a root shell on a node: ssh node01"),
    "aws": ("trainer.sandbox.aws", "main", "the security groups in front of the nodes (aws ec2 ...)"),
}

#: What `help` says about the commands a node may offer (trainer.sandbox.node.NODE_COMMANDS).
NODE_SUMMARIES: dict[str, str] = {
    "iptables-save": "print the node's iptables rules (kube-proxy's KUBE-* chains)",
    "iptables": "list or change the node's iptables rules",
    "ipvsadm": "list the IPVS virtual servers (kube-proxy in IPVS mode)",
    "ip": "addresses and routes of the node",
    "curl": "send an HTTP request from this node",
    "crictl": "the node's containers",
    "kubectl": "talk to the API server (the control plane has an admin kubeconfig)",
    "ss": "sockets listening on the node",
    "conntrack": "the node's connection tracking table",
    "systemctl": "the node's services (kubelet)",
    "journalctl": "the node's service logs",
    "ssh": "open a shell on another node",
}


def lookup(session: Session, name: str) -> CommandFn | None:
    """The function that runs ``name`` where the learner is, or None if there is none."""
    if name == "sudo" and session.host is not None:
        return _sudo
    builtin = SHELL_BUILTINS.get(name)
    if builtin is not None:
        return builtin
    if session.host is None:
        spec = WORKSTATION.get(name)
        found = _load(name, spec[0], spec[1]) if spec else None
    else:
        found = node_commands().get(name)
    return found if found is not None else TOOLS.get(name)


def _sudo(session: Session, argv: list[str], stdin: str) -> Result:
    """sudo on a node: the node shell is already root, so it just runs the command."""
    if len(argv) < 2:
        return Result(stderr="usage: sudo command [arg ...]\n", status=1)
    command = lookup(session, argv[1])
    if command is None:
        return Result(stderr=f"sudo: {argv[1]}: command not found\n", status=1)
    return command(session, argv[1:], stdin)


def node_commands() -> dict[str, CommandFn]:
    """The commands every node offers, or none while trainer.sandbox.node is missing."""
    try:
        module = importlib.import_module("trainer.sandbox.node")
    except ImportError:
        return {}
    except Exception as exc:  # a broken module: say so once per call instead of crashing
        return {"ssh": _broken("ssh", exc)}
    _wire(module)
    commands = getattr(module, "NODE_COMMANDS", None)
    return commands if isinstance(commands, dict) else {}


def _wire(module: object) -> None:
    """Let `ssh NODE COMMAND...` run its command line through this shell."""
    if getattr(module, "__name__", "") == "trainer.sandbox.node" and getattr(module, "REMOTE_RUNNER", 0) is None:
        from .shell import run_remote

        module.REMOTE_RUNNER = run_remote


def available(session: Session) -> list[tuple[str, str]]:
    """(name, summary) for every command here; builtins and tools have an empty summary."""
    if session.host is None:
        tools = [(name, summary) for name, (module, attr, summary) in WORKSTATION.items()
                 if _load(name, module, attr) is not None]
    else:
        tools = [(name, NODE_SUMMARIES.get(name, "a command on this node"))
                 for name in sorted(node_commands()) if name not in SHELL_BUILTINS]
    taken = {name for name, _ in tools}
    basics = sorted((set(SHELL_BUILTINS) | set(TOOLS)) - taken - {":"})
    return tools + [(name, "") for name in basics]


def _load(name: str, module: str, attr: str) -> CommandFn | None:
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    except Exception as exc:
        return _broken(name, exc)
    _wire(loaded)
    fn = getattr(loaded, attr, None)
    return fn if callable(fn) else None


def _broken(name: str, exc: Exception) -> CommandFn:
    def run(session: Session, argv: list[str], stdin: str) -> Result:
        return Result("", f"nodeport-trainer: internal error in {name}: {type(exc).__name__}: {exc}\n", 1)

    return run


__all__ = ["NODE_SUMMARIES", "WORKSTATION", "available", "lookup", "node_commands"]
