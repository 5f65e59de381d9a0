"""curl and trace in the sandbox: outcomes drawn from the engine's traces, printed as curl 8.5.0 prints them."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.seed import SEED_DEPLOYMENT
from trainer.engine import images
from trainer.engine.cluster import Cluster
from trainer.sandbox import curl as curl_mod
from trainer.sandbox.curl_args import SYN_TIMEOUT
from trainer.sandbox.session import Result, Session

DEPLOYMENT = SEED_DEPLOYMENT


def service(policy: str = "Cluster", selector: str = "web-frontend", node_port: int = 31000,
            name: str = "web-frontend", target: int = 80) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: NodePort
  externalTrafficPolicy: {policy}
  selector:
    app: {selector}
  ports:
  - port: 80
    targetPort: {target}
    nodePort: {node_port}
"""


ECHO = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
spec:
  replicas: 2
  selector:
    matchLabels: {app: echo}
  template:
    metadata:
      labels: {app: echo}
    spec:
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
"""


def make(tmp_path: Path, *docs: str, seed: int = 0) -> Session:
    cluster = Cluster.default(seed)
    if docs:
        results = cluster.apply("---\n".join(docs), "test.yaml")
        assert all(r.ok for r in results), [r.kubectl_line() for r in results]
    return Session(cluster, tmp_path)


def run(session: Session, line: str) -> Result:
    return curl_mod.main(session, shlex.split(line), "")


# ------------------------------------------------------------------ the seed, Cluster policy

def test_seed_curl_returns_the_nginx_welcome_page(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    for ip in ("10.0.0.10", "10.0.0.11", "10.0.0.12"):
        r = run(s, f"curl http://{ip}:31000")
        assert r == Result(images.NGINX_WELCOME, "", 0)


def test_verbose_prints_curls_connection_and_header_lines(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    r = run(s, "curl -v http://10.0.0.11:31000/")
    assert r.stdout == images.NGINX_WELCOME
    assert r.stderr == (
        "*   Trying 10.0.0.11:31000...\n"
        "* Connected to 10.0.0.11 (10.0.0.11) port 31000\n"
        "> GET / HTTP/1.1\n"
        "> Host: 10.0.0.11:31000\n"
        "> User-Agent: curl/8.5.0\n"
        "> Accept: */*\n"
        "> \n"
        "< HTTP/1.1 200 OK\n"
        "< Server: nginx/1.27.5\n"
        "< Date: Thu, 01 Jan 2026 00:00:00 GMT\n"
        "< Content-Type: text/html\n"
        "< Content-Length: 615\n"
        "< Last-Modified: Wed, 16 Apr 2025 12:01:11 GMT\n"
        "< Connection: keep-alive\n"
        '< ETag: "67ff9c07-267"\n'
        "< Accept-Ranges: bytes\n"
        "< \n"
        "* Connection #0 to host 10.0.0.11 left intact\n")


def test_head_prints_only_the_response_headers(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    r = run(s, "curl -I http://10.0.0.12:31000")
    assert r == Result("HTTP/1.1 200 OK\n"
                       "Server: nginx/1.27.5\n"
                       "Date: Thu, 01 Jan 2026 00:00:00 GMT\n"
                       "Content-Type: text/html\n"
                       "Content-Length: 615\n"
                       "Last-Modified: Wed, 16 Apr 2025 12:01:11 GMT\n"
                       "Connection: keep-alive\n"
                       'ETag: "67ff9c07-267"\n'
                       "Accept-Ranges: bytes\n"
                       "\n", "", 0)


def test_write_out_and_output_to_dev_null(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    r = run(s, r"curl -s -o /dev/null -w '%{http_code} %{remote_ip}:%{remote_port}\n' http://10.0.0.10:31000")
    assert r == Result("200 10.0.0.10:31000\n", "", 0)


def test_output_file_gets_the_body_and_the_progress_meter_shows(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    r = run(s, "curl -o page.html http://10.0.0.11:31000")
    assert r.status == 0 and r.stdout == ""
    assert (tmp_path / "page.html").read_text() == images.NGINX_WELCOME
    assert r.stderr == (
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
        "                                 Dload  Upload   Total   Spent    Left  Speed\n"
        "100   615  100   615    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n")


def test_unknown_write_out_variable_is_reported(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    r = run(s, "curl -s -o /dev/null -w '%{nope}%{http_code}' http://10.0.0.11:31000")
    assert r == Result("200", "curl: unknown --write-out variable: 'nope'\n", 0)


# ------------------------------------------------------------------ failures

def test_a_service_without_endpoints_is_refused(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service(selector="nothing", node_port=31003, name="empty"))
    r = run(s, "curl http://10.0.0.11:31003")
    assert r == Result("", "curl: (7) Failed to connect to 10.0.0.11 port 31003 after 0 ms: "
                           "Couldn't connect to server\n", 7)
    assert run(s, "curl -s http://10.0.0.11:31003") == Result("", "", 7)
    assert run(s, "curl -sS http://10.0.0.11:31003").stderr.startswith("curl: (7) Failed to connect")
    assert run(s, "curl -s -w '%{http_code}' http://10.0.0.11:31003") == Result("000", "", 7)


def test_refused_verbose(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service(selector="nothing", node_port=31003, name="empty"))
    r = run(s, "curl -v http://10.0.0.11:31003")
    lines = r.stderr.splitlines()
    assert lines[0] == "*   Trying 10.0.0.11:31003..."
    assert lines[1].startswith("* connect to 10.0.0.11 port 31003 from 203.0.113.7 port ")
    assert lines[1].endswith(" failed: Connection refused")
    assert lines[2:] == ["* Failed to connect to 10.0.0.11 port 31003 after 0 ms: Couldn't connect to server",
                         "* Closing connection",
                         "curl: (7) Failed to connect to 10.0.0.11 port 31003 after 0 ms: "
                         "Couldn't connect to server"]


def test_local_policy_node_without_a_local_pod_times_out(tmp_path: Path) -> None:
    # The control plane is tainted: it runs none of the three Pods.
    s = make(tmp_path, DEPLOYMENT, service("Local"))
    start = s.cluster.clock.now
    r = run(s, "curl http://10.0.0.10:31000")
    assert r == Result("", "curl: (28) Failed to connect to 10.0.0.10 port 31000 after 135209 ms: "
                           "Couldn't connect to server\n", 28)
    assert s.cluster.clock.now == pytest.approx(start + SYN_TIMEOUT)
    assert run(s, "curl -m 5 http://10.0.0.10:31000") == Result(
        "", "curl: (28) Connection timed out after 5001 milliseconds\n", 28)
    assert run(s, "curl --connect-timeout 3 http://10.0.0.10:31000") == Result(
        "", "curl: (28) Failed to connect to 10.0.0.10 port 31000 after 3001 ms: Timeout was reached\n", 28)
    # A node with a local Pod answers.
    assert run(s, "curl -s http://10.0.0.11:31000").stdout == images.NGINX_WELCOME


def test_connect_timeout_verbose(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service("Local"))
    r = run(s, "curl -v --connect-timeout 2 http://10.0.0.10:31000")
    assert r.stderr == ("*   Trying 10.0.0.10:31000...\n"
                        "* ipv4 connect timeout after 2000ms, move on!\n"
                        "* Failed to connect to 10.0.0.10 port 31000 after 2001 ms: Timeout was reached\n"
                        "* Closing connection\n"
                        "curl: (28) Failed to connect to 10.0.0.10 port 31000 after 2001 ms: Timeout was reached\n")


def test_local_policy_keeps_the_client_ip_and_cluster_policy_does_not(tmp_path: Path) -> None:
    s = make(tmp_path, ECHO, service("Local", "echo", 31080, "echo-local", 8080),
             service("Cluster", "echo", 31081, "echo-cluster", 8080))
    local = run(s, "curl -s http://10.0.0.11:31080/clientip")
    assert local.status == 0 and local.stdout.startswith("203.0.113.7:")
    seen = {run(s, "curl -s http://10.0.0.11:31081/clientip").stdout.split(":")[0] for _ in range(20)}
    assert seen == {"10.244.1.1", "10.0.0.11"}  # SNAT to cni0 (local Pod) or to eth0 (the Pod on node02)


def test_endpoint_choice_is_seeded_per_session_and_covers_every_pod(tmp_path: Path) -> None:
    names = []
    for _ in range(2):
        s = make(tmp_path, ECHO, service("Cluster", "echo", 31081, "echo-cluster", 8080), seed=3)
        names.append([run(s, "curl -s http://10.0.0.12:31081/hostname").stdout for _ in range(12)])
    assert names[0] == names[1]
    pods = {p["metadata"]["name"] for p in s.cluster.api.iter("Pod") if p["metadata"]["name"].startswith("echo-")}
    assert set(names[0]) == pods


def test_cluster_ip_is_not_routed_from_the_workstation(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    ip = s.cluster.get("Service", "web-frontend")["spec"]["clusterIP"]
    r = run(s, f"curl -m 2 http://{ip}")
    assert r == Result("", "curl: (28) Connection timed out after 2001 milliseconds\n", 28)


def test_from_a_node_the_cluster_ip_and_localhost_work(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    ip = s.cluster.get("Service", "web-frontend")["spec"]["clusterIP"]
    s.host = "node01"
    assert run(s, f"curl -s http://{ip}") == Result(images.NGINX_WELCOME, "", 0)
    r = run(s, "curl -v -o /dev/null http://localhost:31000")
    lines = r.stderr.splitlines()
    assert lines[:4] == ["* Host localhost:31000 was resolved.", "* IPv6: ::1", "* IPv4: 127.0.0.1",
                         "*   Trying [::1]:31000..."]
    assert lines[4].startswith("* connect to ::1 port 31000 from ::1 port ")
    assert lines[5:7] == ["*   Trying 127.0.0.1:31000...", "* Connected to localhost (127.0.0.1) port 31000"]
    assert lines[-2:] == ["{ [615 bytes data]", "* Connection #0 to host localhost left intact"]


def test_from_a_pod_service_names_resolve(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    pod = next(p for p in s.cluster.api.iter("Pod") if p["metadata"]["name"].startswith("web-frontend"))
    r = curl_mod.curl(s, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{remote_ip}",
                          "http://web-frontend.default.svc.cluster.local"], "",
                      source_ip=pod["status"]["podIP"], via_node=pod["spec"]["nodeName"])
    ip = s.cluster.get("Service", "web-frontend")["spec"]["clusterIP"]
    assert r == Result(f"200 {ip}", "", 0)


def test_node_daemons_answer_like_the_real_ones(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert run(s, "curl http://10.0.0.10:6443") == Result("Client sent an HTTP request to an HTTPS server.\n", "", 0)
    assert run(s, "curl http://10.0.0.11:22") == Result("", "curl: (1) Received HTTP/0.9 when not allowed\n", 1)
    r = run(s, "curl https://10.0.0.10:6443/")
    assert r.status == 60 and r.stderr.startswith(
        "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
        "More details here: https://curl.se/docs/sslcerts.html\n")
    assert run(s, "curl -k https://10.0.0.10:6443/livez").stdout == "ok"


def test_https_to_a_plain_http_nodeport_fails_the_handshake(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    assert run(s, "curl -k https://10.0.0.11:31000") == Result(
        "", "curl: (35) OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number\n", 35)


@pytest.mark.parametrize("line, err, status", [
    ("curl", "curl: try 'curl --help' or 'curl --manual' for more information\n", 2),
    ("curl -s", "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2),
    ("curl --bogus http://x", "curl: option --bogus: is unknown\n"
                              "curl: try 'curl --help' or 'curl --manual' for more information\n", 2),
    ("curl -sm", "curl: option -sm: requires parameter\n"
                 "curl: try 'curl --help' or 'curl --manual' for more information\n", 2),
    ("curl -m abc http://x", "curl: option -m: expected a proper numerical parameter\n"
                             "curl: try 'curl --help' or 'curl --manual' for more information\n", 2),
    ("curl http://nowhere:80", "curl: (6) Could not resolve host: nowhere\n", 6),
    ("curl ftp://x", 'curl: (1) Protocol "ftp" not supported\n', 1),
    ("curl http://10.0.0.11:99999", "curl: (3) URL rejected: Port number was not a decimal number between 0 and "
                                    "65535\n", 3),
])
def test_usage_and_url_errors(tmp_path: Path, line: str, err: str, status: int) -> None:
    assert run(make(tmp_path), line) == Result("", err, status)


def test_trace_prints_the_engine_report(tmp_path: Path) -> None:
    s = make(tmp_path, DEPLOYMENT, service())
    report = s.cluster.trace("203.0.113.7", "10.0.0.11", 31000)
    assert curl_mod.trace_main(s, ["trace", "203.0.113.7", "10.0.0.11:31000"], "") == Result(report.explain(), "", 0)
    out = curl_mod.trace_main(s, ["trace", "203.0.113.7", "10.0.0.11:31000", "--json"], "")
    assert out.status == 0 and out.stdout.startswith('{\n  "packet": {\n    "src": "203.0.113.7",')
    assert curl_mod.trace_main(s, ["trace", "203.0.113.7"], "").status == 2
    assert curl_mod.trace_main(s, ["trace", "203.0.113.7", "10.0.0.11:31000", "--via", "nodex"], "") == Result(
        "", 'error: node "nodex" not found\n', 2)
