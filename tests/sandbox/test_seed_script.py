"""The whole seed article, run as a script through `nodeport-trainer sandbox`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (Path(__file__).parent / "data" / "seed.sh").read_text()


def run(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer", "sandbox", "--workspace", str(tmp_path), *args],
                          input=script, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_seed_runs_as_a_script(tmp_path: Path) -> None:
    result = run(SCRIPT, tmp_path)
    out, err = result.stdout, result.stderr
    assert result.returncode == 0, err
    lines = out.splitlines()
    # kubectl apply, then kubectl get svc in kubectl's columns with 80:30080/TCP.
    assert lines[0] == "service/web-frontend created"
    assert lines[1].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert re.fullmatch(r"web-frontend   NodePort   10\.\d+\.\d+\.\d+ +<none>        80:30080/TCP   1s", lines[2])
    assert lines[3:5] == ["deployment.apps/web-frontend created", "service/web-frontend configured"]
    # NODE_IP from the seed's jsonpath, then curl returns the nginx page.
    assert lines[5] == "node ip: 10.0.0.10"
    assert "<title>Welcome to nginx!</title>" in out
    # 35000 is refused under the default range and accepted after the manifest edit and restart.
    assert ("spec.ports[0].nodePort: Invalid value: 35000: provided port is not in the valid range. "
            "The range of valid ports is 30000-32767") in err
    assert "restarted the kube-apiserver static Pod" in err and "20000-40000" in err
    assert "service/wide created" in out
    # externalTrafficPolicy: Local: the control plane has no web Pod and drops; the workers answer.
    codes = [line for line in lines if re.fullmatch(r"\d{3}", line)]
    assert codes[:3] == ["000", "200", "200"]
    # The security group now allows 31000 from 203.0.113.0/24, where this workstation is.
    assert '"CidrIpv4": "203.0.113.0/24"' in out and codes[3] == "200" and lines[-1] == "exit=0"


def test_outside_the_allowed_cidr_times_out(tmp_path: Path) -> None:
    result = run(SCRIPT, tmp_path, "--client-ip", "198.51.100.9")
    codes = [line for line in result.stdout.splitlines() if re.fullmatch(r"\d{3}", line)]
    # Before the change the whole NodePort range was open; after it, 198.51.100.9 is outside.
    assert codes[-1] == "000" and result.stdout.splitlines()[-1] == "exit=28"
