"""Benchmark: median time per console command on a seed-sized cluster.

Prints its figures; it is not a test. Run: python benchmarks/bench_console.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from trainer.engine.cluster import Cluster
from trainer.sandbox.session import Session
from trainer.sandbox.shell import Shell

SEED = (Path(__file__).resolve().parents[1] / "tests" / "sandbox" / "data" / "seed.sh").read_text()

COMMANDS = [
    "kubectl get svc web-frontend",
    "kubectl get pods -o wide",
    "kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'",
    "kubectl describe svc web-frontend",
    "kubectl get svc web-frontend -o yaml",
    "kubectl apply -f web.yaml",
    "kubectl scale deployment web-frontend --replicas=4",
    "kubectl scale deployment web-frontend --replicas=3",
    "curl -s http://10.0.0.11:31000",
    "curl -s -m 2 -o /dev/null -w '%{http_code}' http://10.0.0.10:31000",
    "trace 203.0.113.7 10.0.0.12:31000",
    "ssh node01 iptables-save -t nat",
    "ssh node01 iptables -t nat -L KUBE-NODEPORTS -n",
    "NODE_IP=$(kubectl get nodes -o jsonpath='{.items[1].status.addresses[0].address}') && echo $NODE_IP",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(Cluster.default(), Path(tmp), script=True)
        shell = Shell(session)
        shell.run_script(SEED)
        per_command: dict[str, list[float]] = {c: [] for c in COMMANDS}
        for _ in range(30):
            for command in COMMANDS:
                start = time.perf_counter()
                shell.run_line(command)
                per_command[command].append((time.perf_counter() - start) * 1000)
    print("nodeport-trainer console benchmark: seed-sized cluster (target: under 5 ms per command)")
    medians = []
    for command, samples in per_command.items():
        median = statistics.median(samples)
        medians.append(median)
        print(f"  {median:7.2f} ms  {command[:80]}")
    print(f"  {statistics.median(medians):7.2f} ms  median over all commands")


if __name__ == "__main__":
    main()
