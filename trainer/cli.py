"""Command line entry point: the app (default), cluster, trace, fixture, sandbox, pack, check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from . import __version__, cli_packs, cli_progress

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="nodeport-trainer",
        description="Learn, and prove, how a NodePort Service works in Kubernetes.",
        epilog="Run a subcommand with --help for its options. With no subcommand on a terminal, the "
               "app opens (--content and --data-dir apply to it); otherwise the cluster is shown.",
    )
    parser.add_argument("--version", action="version", version=f"nodeport-trainer {__version__}")
    _app_args(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    cluster = sub.add_parser(
        "cluster", help="load a cluster fixture, apply manifests, and show the settled state",
        description="Load a cluster fixture (default: the built-in kubeadm cluster), apply "
                    "manifests as `kubectl apply -f` would, let the controllers settle, and "
                    "print the resulting nodes, Services and Pods.")
    _cluster_args(cluster)
    cluster.add_argument("-o", "--output", choices=("summary", "yaml", "json"), default="summary",
                         help="summary tables (default), or every object as YAML or JSON")

    trace = sub.add_parser(
        "trace", help="trace a packet through the cluster's kube-proxy rules",
        description="Trace the first packet of a new connection from --from to --to through the "
                    "iptables rules kube-proxy writes on each node, and print every possible "
                    "outcome with its probability.",
        epilog="The packet enters the node that owns the destination IP; for a clusterIP, "
               "externalIP or load-balancer IP it enters --via (default: the first Ready node). "
               "A packet from a Pod or a node starts in that Pod's or node's own stack.")
    _cluster_args(trace)
    trace.add_argument("--from", dest="src", required=True, metavar="SRC_IP",
                       help="source: an external client, a Pod IP, a node IP, or 127.0.0.1 (with --via)")
    trace.add_argument("--to", dest="dst", required=True, metavar="DST_IP:PORT", help="destination address and port")
    trace.add_argument("--protocol", default="TCP", type=str.upper, choices=("TCP", "UDP", "SCTP"),
                       help="protocol (default TCP)")
    trace.add_argument("--via", metavar="NODE", help="node a router sends the packet to when no node owns the destination")
    trace.add_argument("--allow", metavar="PROTO:PORT[-PORT]:CIDR", action="append", default=[],
                       help="attach a security group to every node that allows only these rules (repeatable), "
                            "e.g. tcp:31000:203.0.113.0/24")
    trace.add_argument("--json", action="store_true", help='print {"packet": {...}, "outcomes": [...]} as JSON')

    fixture = sub.add_parser("fixture", help="print the built-in cluster fixture",
                             description="Print the built-in fixture, a starting point for your own.")
    del fixture

    sandbox = sub.add_parser(
        "sandbox", help="a practice console: a shell with kubectl, curl, ssh and aws over the cluster",
        description="Open a console on a workstation outside the cluster: a small shell (quotes, "
                    "variables, $(...), pipes, redirections, heredocs) with kubectl, curl, trace, "
                    "ssh NODE and aws ec2, all acting on the simulated cluster.",
        epilog="On a terminal this is an interactive prompt (type `help`). When stdin is not a "
               "terminal, stdin runs as a script: only the commands' output is printed, each line "
               "advances the cluster's clock by one second, and the exit status is the last "
               "command's.")
    sandbox.add_argument("--cluster", metavar="FIXTURE.yaml", type=Path,
                         help="cluster fixture to load (default: the built-in cluster)")
    sandbox.add_argument("--workspace", metavar="DIR", type=Path,
                         help="the workstation's directory, created if missing (default: a temporary "
                              "directory, removed on exit)")
    sandbox.add_argument("--client-ip", metavar="IP", type=_ipv4, default="203.0.113.7",
                         help="the workstation's address as the cluster sees it (default 203.0.113.7)")
    sandbox.add_argument("--seed", type=int, default=0, help="seed for names and random choices (default 0)")
    sandbox.set_defaults(filename=[])
    shots = sub.add_parser("screenshots", help="regenerate the app's screenshots (SVG)",
                           description="Drive the real app through Home, Learn with a trace, a drill with a "
                                       "failed check and an interview scorecard, and save each screen as SVG.")
    shots.add_argument("--out", type=Path, default=Path("screenshots"), metavar="DIR",
                       help="where to write the .svg files (default: screenshots)")
    app = sub.add_parser("app", help="the full-screen app (the default on a terminal)",
                         description="Open the app: Home, Learn beside a live sandbox, Practice, and a mock "
                                     "Interview. F1 shows help on every screen.")
    _app_args(app, suppress=True)
    cli_packs.add_parsers(sub)
    cli_progress.add_parsers(sub)
    return parser


def _app_args(p: argparse.ArgumentParser, suppress: bool = False) -> None:
    # On the `app` subcommand the defaults are suppressed, so `--content DIR app` keeps DIR.
    extra = {"default": argparse.SUPPRESS} if suppress else {}
    p.add_argument("--content", type=Path, metavar="DIR", **extra,
                   help="a content pack, or a folder of packs (default: the built-in packs)")
    p.add_argument("--data-dir", type=Path, metavar="DIR", **extra,
                   help="where the app keeps the learner's data (default: $NODEPORT_TRAINER_DATA_DIR, else "
                        "the user data directory)")


def _ipv4(text: str) -> str:
    import ipaddress

    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IPv4 address: '{text}'") from None


def _cluster_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cluster", metavar="FIXTURE.yaml", type=Path,
                   help="cluster fixture to load (default: the built-in cluster)")
    p.add_argument("-f", "--filename", metavar="MANIFEST", action="append", default=[], type=Path,
                   help="manifest file to apply before showing the state (repeatable; - for stdin)")
    p.add_argument("--seed", type=int, default=0, help="seed for names and random choices (default 0)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "fixture":
            from .engine.fixtures import default_fixture_text

            sys.stdout.write(default_fixture_text().decode())
            return EXIT_OK
        if args.command == "trace":
            return _trace(args)
        if args.command == "sandbox":
            return _sandbox(args)
        if args.command in ("pack", "check"):
            return cli_packs.run(args)
        if args.command in ("progress", "review"):
            return cli_progress.run(args)
        if args.command == "screenshots":
            from .tui.screenshots import main as shoot

            for path in shoot(args.out):
                print(path)
            return EXIT_OK
        if args.command == "app" or (args.command is None and sys.stdin.isatty() and sys.stdout.isatty()):
            return _app(args)
        return _cluster(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _app(args: argparse.Namespace) -> int:
    """The full-screen app (Textual is imported only here, so the other commands stay light)."""
    from .tui.app import make_app

    content = getattr(args, "content", None)
    if content is not None and not content.exists():
        print(f"error: --content {content}: no such file or directory", file=sys.stderr)
        return EXIT_USAGE
    make_app(content, getattr(args, "data_dir", None)).run()
    return EXIT_OK


def load_cluster(args: argparse.Namespace, progress=sys.stdout):
    """Build the cluster named by --cluster/--seed and apply each -f; errors go to stderr.

    Args:
        args: the parsed arguments.
        progress: where kubectl's per-object success lines go (stderr keeps stdout clean).

    Returns:
        (cluster, status): the cluster (None if the fixture is invalid) and an exit status.
    """
    from .engine.cluster import Cluster

    status = EXIT_OK
    if args.cluster is None:
        cluster = Cluster.default(args.seed)
    else:
        data = _read(args.cluster)
        if data is None:
            return None, EXIT_USAGE
        cluster = Cluster.from_fixture(data, str(args.cluster), args.seed)
        if isinstance(cluster, list):
            print(f"error: invalid cluster fixture {args.cluster}:", file=sys.stderr)
            for problem in cluster:
                print(f"  {problem}", file=sys.stderr)
            return None, EXIT_USAGE
    for path in args.filename:
        data = _read(path)
        if data is None:
            status = EXIT_FAILED
            continue
        for result in cluster.apply(data, str(path)):
            for warning in result.warnings:
                print(warning, file=sys.stderr)
            if result.ok:
                print(result.kubectl_line(), file=progress)
            else:
                print(result.kubectl_line(), file=sys.stderr)
                status = EXIT_FAILED
    return cluster, status


def _read(path: Path) -> bytes | None:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f'error: the path "{path}" does not exist' if isinstance(exc, FileNotFoundError)
              else f"error: {path}: {exc.strerror}", file=sys.stderr)
        return None


def _cluster(args: argparse.Namespace) -> int:
    if args.command is None:
        args.cluster, args.filename, args.seed, args.output = None, [], 0, "summary"
    cluster, status = load_cluster(args)
    if cluster is None:
        return status
    if args.output == "summary":
        from .engine.summary import summary

        print(summary(cluster), end="")
        if args.command is None:
            print("\nRun `nodeport-trainer` on a terminal (or `nodeport-trainer sandbox`) for the practice "
                  "console; see `nodeport-trainer --help`.")
    else:
        objects = [o for kind in cluster.api.objects for o in cluster.api.iter(kind)]
        doc = {"apiVersion": "v1", "kind": "List", "items": objects}
        if args.output == "json":
            print(json.dumps(doc, indent=4))
        else:
            import yaml

            print(yaml.safe_dump(doc, sort_keys=False), end="")
    return status


def _sandbox(args: argparse.Namespace) -> int:
    cluster, status = load_cluster(args, progress=sys.stderr)
    if cluster is None:
        return status
    from .sandbox.console import main as console

    try:
        return console(cluster, args.workspace, args.client_ip)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): keep Python from complaining at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _trace(args: argparse.Namespace) -> int:
    host, sep, port_text = args.dst.rpartition(":")
    if not sep or not port_text.isdigit():
        print(f'error: --to must be DST_IP:PORT, got "{args.dst}"', file=sys.stderr)
        return EXIT_USAGE
    rules = []
    for spec in args.allow:
        parts = spec.split(":")
        ports = parts[1].split("-") if len(parts) == 3 else []
        if len(parts) != 3 or not all(p.isdigit() for p in ports) or len(ports) not in (1, 2):
            print(f'error: --allow must be PROTO:PORT[-PORT]:CIDR, got "{spec}"', file=sys.stderr)
            return EXIT_USAGE
        rules.append((parts[0], int(ports[0]), int(ports[-1]), parts[2]))
    cluster, status = load_cluster(args, progress=sys.stderr)
    if cluster is None:
        return status
    if rules:
        for node in cluster.api.iter("Node"):
            cluster.firewall.attach(node["metadata"]["name"], "sg-cli")
        for proto, lo, hi, cidr in rules:
            try:
                cluster.firewall.authorize("sg-cli", proto, lo, hi, cidr)
            except ValueError as exc:
                print(f"error: --allow {proto}:{lo}-{hi}:{cidr}: {exc}", file=sys.stderr)
                return EXIT_USAGE
    report = cluster.trace(args.src, host, int(port_text), args.protocol, args.via)
    if isinstance(report, str):
        print(f"error: {report}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.explain(), end="")
    return status
