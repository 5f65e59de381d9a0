"""Command line entry point: the app (default), cluster, fixture."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="nodeport-trainer",
        description="Learn, and prove, how a NodePort Service works in Kubernetes.",
        epilog="Run a subcommand with --help for its options. With no subcommand, the built-in "
               "cluster is shown.",
    )
    parser.add_argument("--version", action="version", version=f"nodeport-trainer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    cluster = sub.add_parser(
        "cluster", help="load a cluster fixture, apply manifests, and show the settled state",
        description="Load a cluster fixture (default: the built-in kubeadm cluster), apply "
                    "manifests as `kubectl apply -f` would, let the controllers settle, and "
                    "print the resulting nodes, Services and Pods.")
    _cluster_args(cluster)
    cluster.add_argument("-o", "--output", choices=("summary", "yaml", "json"), default="summary",
                         help="summary tables (default), or every object as YAML or JSON")

    fixture = sub.add_parser("fixture", help="print the built-in cluster fixture",
                             description="Print the built-in fixture, a starting point for your own.")
    del fixture
    return parser


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
        return _cluster(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def load_cluster(args: argparse.Namespace):
    """Build the cluster named by --cluster/--seed and apply each -f; errors go to stderr.

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
                print(result.kubectl_line())
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
            print("\nThe interactive trainer is on its way; for now see `nodeport-trainer --help`.")
    else:
        objects = [o for kind in cluster.api.objects for o in cluster.api.iter(kind)]
        doc = {"apiVersion": "v1", "kind": "List", "items": objects}
        if args.output == "json":
            print(json.dumps(doc, indent=4))
        else:
            import yaml

            print(yaml.safe_dump(doc, sort_keys=False), end="")
    return status
