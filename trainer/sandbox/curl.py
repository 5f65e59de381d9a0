"""curl (8.5.0, as on Ubuntu 24.04) over the engine's data plane, and the sandbox's trace command."""

# A connection is traced through the cluster's rules and one outcome is drawn, weighted by its
# probability, from a generator seeded per session, so a session replays the same choices.
# What answers is the Pod's server (the image catalogue) or one of the node's own daemons.

from __future__ import annotations

import ipaddress
import json
import random
from dataclasses import dataclass

from .curl_args import HELP, SYN_TIMEOUT, TRY, VERSION_TEXT, Options, Url, UsageError, parse_args, parse_url
from .curl_http import (Endpoint, HttpResponse, TransferError, node_response, pod_ref, pod_response,
                        tls_to_plain_server)
from .session import Result, Session

_STRERROR = {7: "Couldn't connect to server", 28: "Timeout was reached"}
_REJECT_ERRNO = {"icmp-host-unreachable": "No route to host", "icmp-host-prohibited": "No route to host",
                 "icmp-admin-prohibited": "No route to host", "icmp-net-unreachable": "Network is unreachable",
                 "icmp-net-prohibited": "Network is unreachable"}
# Ports a node's daemons also accept on ::1 (they listen on all addresses, both families).
_DUAL_STACK = ("sshd", "kubelet", "kube-apiserver")


def rng(session: Session) -> random.Random:
    """The session's own generator for endpoint choices and ephemeral ports (seeded by the cluster)."""
    return session.__dict__.setdefault("curl_rng", random.Random(session.cluster.seed))


@dataclass
class Client:
    """Where curl runs: its address, the node it is on (None on the workstation), a Pod's IP."""

    src: str
    node: str | None
    pod_ip: str | None = None


@dataclass
class Attempt:
    """What one connect() did: "connected" (with the endpoint), "refused" (errno text) or "timeout"."""

    kind: str
    endpoint: Endpoint | None = None
    errno: str = ""
    seen: str = ""


@dataclass
class LastTrace:
    """The last connection curl or trace followed: every outcome, and the one curl drew (None for trace)."""

    report: object
    chosen: object
    #: Why there is no report (the connection never reached any node's rules).
    reason: str = ""


def _client(session: Session, source_ip: str | None, via_node: str | None) -> Client:
    if source_ip is not None:
        return Client(source_ip, via_node, source_ip)
    if session.host is not None:
        node = session.cluster.api.peek("Node", session.host, "")
        addrs = session.cluster.net.node_addresses(node) if node else []
        return Client(addrs[0] if addrs else "127.0.0.1", session.host)
    return Client(session.client_ip, None)


def _resolve(session: Session, client: Client, host: str, ipv4_only: bool) -> list[tuple[str, str]] | None:
    """[(family, address)] in the order curl tries them; None when the name does not resolve."""
    try:
        ip = ipaddress.ip_address(host)
        return [("4", host)] if ip.version == 4 else None
    except ValueError:
        pass
    if host == "localhost":
        return [("4", "127.0.0.1")] if ipv4_only else [("6", "::1"), ("4", "127.0.0.1")]
    api = session.cluster.api
    node = api.peek("Node", host, "")
    if node is not None:
        addrs = session.cluster.net.node_addresses(node)
        return [("4", addrs[0])] if addrs else None
    if client.pod_ip is not None:
        pod = session.cluster.net.pod_by_ip(client.pod_ip)
        own_ns = pod["metadata"].get("namespace", "default") if pod else "default"
        parts = host.split(".")
        if parts[-3:] == ["svc", "cluster", "local"]:
            parts = parts[:-3] + ["svc"]
        name, ns = parts[0], parts[1] if len(parts) > 1 else own_ns
        if len(parts) <= 3 and (len(parts) < 3 or parts[2] == "svc"):
            svc = api.peek("Service", name, ns)
            cluster_ip = (svc or {}).get("spec", {}).get("clusterIP")
            if svc is not None and cluster_ip and cluster_ip != "None":
                return [("4", cluster_ip)]
    return None


def _pick(session: Session, report) -> object:
    roll = rng(session).random()
    total = 0.0
    for outcome in report.outcomes:
        total += float(outcome.probability)
        if roll < total:
            return outcome
    return report.outcomes[-1]


def _attempt(session: Session, client: Client, family: str, ip: str, port: int) -> Attempt:
    """Open one TCP connection; the data plane decides what happens to the SYN."""
    if family == "6":
        return _loopback6(session, client, port)
    routed = route(session, client, ip)
    if isinstance(routed, Attempt):
        return routed
    src, dst, via = routed
    report = session.cluster.trace(src, dst, port, "TCP", via)
    if isinstance(report, str) or not report.outcomes:
        return Attempt("timeout")
    chosen = _pick(session, report)
    session.last_trace = LastTrace(report, chosen)
    return outcome_attempt(session, chosen, src, port)


def route(session: Session, client: Client, ip: str) -> tuple[str, str, str | None] | Attempt:
    """(source, destination, node the packet starts on) for a connection to an IPv4 ``ip``, or
    the Attempt's failure when the packet never reaches the cluster's rules."""
    if client.pod_ip is not None:
        return client.src, (client.src if ip.startswith("127.") else ip), client.node
    if client.node is not None:
        return ("127.0.0.1" if ip.startswith("127.") else client.src), ip, client.node
    if ip.startswith("127.") or session.cluster.net.node_by_address(ip) is None:
        # The workstation reaches only the nodes' addresses; anything else is not routed to them.
        return Attempt("refused", errno="Connection refused") if ip.startswith("127.") else Attempt("timeout")
    return client.src, ip, None


def outcome_attempt(session: Session, out, src: str, port: int) -> Attempt:
    """What a client's connect() sees for one traced outcome: connected, refused or timeout.

    Args:
        session: the session (its cluster answers for the nodes' daemons).
        out: one PathOutcome of the trace.
        src: the client's source address.
        port: the destination port the client used.
    """
    net = session.cluster.net
    # The final destination, after every node's DNAT (not only the entry node's).
    final_port = int(out.target.rsplit(":", 1)[1]) if out.target else port
    seen = out.source_seen or src
    if out.verdict in ("refused",):
        return Attempt("refused", errno="Connection refused")
    if out.verdict == "rejected":
        kind = out.detail.partition("answers with ")[2].partition(":")[0]
        return Attempt("refused", errno=_REJECT_ERRNO.get(kind, "Connection refused"))
    if out.verdict == "dropped":
        return Attempt("timeout")
    last = out.hops[-1].action if out.hops else ""
    if out.verdict == "unmatched" and not last.startswith("ACCEPT"):
        return Attempt("refused", errno="Connection refused") if last.startswith("RST") else Attempt("timeout")
    if out.pod:
        return Attempt("connected", Endpoint("pod", out.pod, final_port), seen=seen)
    node = session.cluster.api.peek("Node", out.node, "")
    server = net.node_listener(node, final_port) if node else None
    return Attempt("connected", Endpoint("node", out.node, final_port, server or ""), seen=seen)


def _loopback6(session: Session, client: Client, port: int) -> Attempt:
    """::1 inside a Pod reaches its own containers; on a node only the dual-stack daemons listen."""
    if client.pod_ip is not None:
        pod = session.cluster.net.pod_by_ip(client.pod_ip)
        from ..engine import images

        for container in (pod or {}).get("spec", {}).get("containers") or []:
            if images.listening(container, port, "TCP"):
                ref = f"{pod['metadata'].get('namespace', 'default')}/{pod['metadata']['name']}"
                return Attempt("connected", Endpoint("pod", ref, port), seen="::1")
        return Attempt("refused", errno="Connection refused")
    if client.node is not None:
        node = session.cluster.api.peek("Node", client.node, "")
        server = session.cluster.net.node_listener(node, port) if node else None
        if server in _DUAL_STACK:
            return Attempt("connected", Endpoint("node", client.node, port, server), seen="::1")
    return Attempt("refused", errno="Connection refused")


def _meter_line(size: int, spent: str = "--:--:--") -> str:
    if not size:
        return f"  0     0    0     0    0     0      0      0 --:--:-- {spent} --:--:--     0"
    speed = _max5(size * 1000)
    return (f"100 {_max5(size)}  100 {_max5(size)}    0     0  {speed}      0 --:--:-- --:--:-- --:--:-- "
            f"{speed}")


def _max5(value: int) -> str:
    if value < 100000:
        return f"{value:>5}"
    if value < 10000 * 1024:
        return f"{value // 1024:>4}k"
    return f"{value // (1024 * 1024):>4}M"


_METER_HEAD = ("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
               "                                 Dload  Upload   Total   Spent    Left  Speed\n")


def _spent(ms: int) -> str:
    seconds = ms // 1000
    if seconds <= 0:
        return "--:--:--"
    return f"{seconds // 3600:>2}:{seconds // 60 % 60:02}:{seconds % 60:02}"


class _Transfer:
    """One URL's transfer: it collects stdout, stderr and the -w variables."""

    def __init__(self, session: Session, opts: Options, client: Client, index: int) -> None:
        self.session, self.opts, self.client, self.index = session, opts, client, index
        self.terminal = True
        self.out: list[str] = []
        self.err: list[str] = []
        self.vars = {"http_code": "000", "response_code": "000", "remote_ip": "", "remote_port": "",
                     "local_ip": "", "local_port": "", "size_download": "0", "size_header": "0",
                     "exitcode": "0", "errormsg": "", "url_effective": "", "time_total": "0.000000",
                     "time_connect": "0.000000", "content_type": "", "num_connects": "0", "http_version": "0",
                     "method": "GET", "scheme": ""}

    def verbose(self, line: str) -> None:
        """A -v line on stderr."""
        if self.opts.verbose:
            self.err.append(line + "\n")

    def fail(self, code: int, message: str, extra: str = "") -> int:
        """End the transfer with curl's error (the verbose "* message" line is the caller's)."""
        self.verbose("* Closing connection")
        self.vars["exitcode"], self.vars["errormsg"] = str(code), message
        if not self.opts.silent or self.opts.show_error:
            self.err.append(f"curl: ({code}) {message}\n{extra}")
        return code

    def run(self, raw: str, terminal: bool) -> int:
        """Transfer one URL; returns curl's exit code."""
        opts = self.opts
        self.terminal = terminal
        meter = not (opts.silent or opts.verbose or opts.no_meter) and (opts.output is not None or not terminal)
        if meter:
            self.err.append(_METER_HEAD)
        url = parse_url(raw)
        if isinstance(url, tuple):
            if meter:
                self.err.append(_meter_line(0) + "\n")
            self.verbose(f"* {url[1]}")
            return self.fail(*url)
        self.vars["url_effective"] = url.text
        self.vars["scheme"] = url.scheme.upper()
        method = opts.method or ("HEAD" if opts.head else "POST" if opts.data is not None else "GET")
        self.vars["method"] = method
        addrs = _resolve(self.session, self.client, url.host, opts.ipv4)
        if addrs is None:
            if meter:
                self.err.append(_meter_line(0) + "\n")
            self.verbose(f"* Could not resolve host: {url.host}")
            self.vars["exitcode"], self.vars["errormsg"] = "6", f"Could not resolve host: {url.host}"
            self.verbose("* Closing connection")
            if not opts.silent or opts.show_error:
                self.err.append(f"curl: (6) Could not resolve host: {url.host}\n")
            return 6
        try:
            ipaddress.ip_address(url.host)
        except ValueError:
            self.verbose(f"* Host {url.host}:{url.port} was resolved.")
            six = [a for f, a in addrs if f == "6"]
            four = [a for f, a in addrs if f == "4"]
            self.verbose(f"* IPv6: {', '.join(six) or '(none)'}")
            self.verbose(f"* IPv4: {', '.join(four) or '(none)'}")
        return self._connect(url, addrs, method, meter)

    def _connect(self, url: Url, addrs: list[tuple[str, str]], method: str, meter: bool) -> int:
        attempt = Attempt("timeout")
        ip = addrs[-1][1]
        for family, ip in addrs:
            shown = f"[{ip}]" if family == "6" else ip
            self.verbose(f"*   Trying {shown}:{url.port}...")
            attempt = _attempt(self.session, self.client, family, ip, url.port)
            local_ip = "::1" if family == "6" else ("127.0.0.1" if ip.startswith("127.") else self.client.src)
            local_port = rng(self.session).randint(32768, 60999)
            if attempt.kind == "connected":
                self.vars.update(remote_ip=ip, remote_port=str(url.port), local_ip=local_ip,
                                 local_port=str(local_port), num_connects="1", time_connect="0.000512")
                break
            if attempt.kind == "refused":
                self.verbose(f"* connect to {ip} port {url.port} from {local_ip} port {local_port} failed: "
                             f"{attempt.errno}")
                continue
            return self._timeout(url, ip, local_ip, local_port, meter)
        if attempt.kind != "connected":
            if meter:
                self.err.append(_meter_line(0) + "\n")
            message = f"Failed to connect to {url.host} port {url.port} after 0 ms: {_STRERROR[7]}"
            self.verbose(f"* {message}")
            return self.fail(7, message)
        self.verbose(f"* Connected to {url.host} ({ip}) port {url.port}")
        return self._exchange(url, attempt, method, meter)

    def _timeout(self, url: Url, ip: str, local_ip: str, local_port: int, meter: bool) -> int:
        opts = self.opts
        connect = opts.connect_timeout if 0 < opts.connect_timeout < SYN_TIMEOUT else 0.0
        total = opts.max_time if 0 < opts.max_time < SYN_TIMEOUT else 0.0
        if total and (not connect or total < connect):
            ms = int(total * 1000) + 1
            self.session.cluster.advance(ms / 1000)
            if meter:
                self.err.append(_meter_line(0, _spent(ms)) + "\n")
            message = f"Connection timed out after {ms} milliseconds"
            self.verbose(f"* {message}")
            return self.fail(28, message)
        if connect:
            ms = int(connect * 1000) + 1
            self.session.cluster.advance(ms / 1000)
            self.verbose(f"* ipv4 connect timeout after {int(connect * 1000)}ms, move on!")
            message = f"Failed to connect to {url.host} port {url.port} after {ms} ms: {_STRERROR[28]}"
        else:
            ms = int(SYN_TIMEOUT * 1000)
            self.session.cluster.advance(SYN_TIMEOUT)
            self.verbose(f"* connect to {ip} port {url.port} from {local_ip} port {local_port} failed: "
                         "Connection timed out")
            message = f"Failed to connect to {url.host} port {url.port} after {ms} ms: {_STRERROR[7]}"
        if meter:
            self.err.append(_meter_line(0, _spent(ms)) + "\n")
        self.verbose(f"* {message}")
        return self.fail(28, message)

    def _exchange(self, url: Url, attempt: Attempt, method: str, meter: bool) -> int:
        cluster = self.session.cluster
        endpoint = attempt.endpoint
        assert endpoint is not None
        tls = url.scheme == "https"
        if tls:
            self.verbose("* ALPN: curl offers h2,http/1.1")
            self.verbose("* TLSv1.3 (OUT), TLS handshake, Client hello (1):")
            self.verbose("*  CAfile: /etc/ssl/certs/ca-certificates.crt")
            self.verbose("*  CApath: /etc/ssl/certs")
        if endpoint.kind == "pod":
            pod = pod_ref(cluster, endpoint.where)
            resp = None if pod is None else pod_response(cluster, pod, endpoint.port, method, url.path,
                                                         f"{attempt.seen}:{self.vars['local_port']}")
            if tls:
                resp = tls_to_plain_server()
            elif resp is None:
                resp = TransferError(52, "Empty reply from server")
        else:
            resp = node_response(cluster, endpoint, tls, self.opts.insecure, method, url.path)
        if isinstance(resp, TransferError):
            if meter:
                self.err.append(_meter_line(0) + "\n")
            for line in resp.verbose:
                self.verbose(line)
            return self.fail(resp.code, resp.message, resp.extra)
        return self._deliver(url, resp, method, meter)

    def _deliver(self, url: Url, resp: HttpResponse, method: str, meter: bool) -> int:
        opts = self.opts
        self.verbose(f"> {method} {url.path} HTTP/1.1")
        self.verbose(f"> Host: {url.host_header}")
        self.verbose(f"> User-Agent: {opts.user_agent}")
        self.verbose("> Accept: */*")
        for header in opts.headers:
            self.verbose(f"> {header}")
        if opts.data is not None:
            self.verbose(f"> Content-Length: {len(opts.data)}")
            self.verbose("> Content-Type: application/x-www-form-urlencoded")
        self.verbose("> ")
        if resp.closes:
            self.verbose("* HTTP 1.0, assume close after body")
        self.verbose(f"< {resp.status_line}")
        for key, value in resp.headers:
            self.verbose(f"< {key}: {value}")
        self.verbose("< ")
        head = resp.status_line + "\n" + "".join(f"{k}: {v}\n" for k, v in resp.headers) + "\n"
        body = "" if method == "HEAD" else resp.body
        self.vars.update(http_code=f"{resp.status:03d}", response_code=f"{resp.status:03d}",
                         size_download=str(len(body.encode())), size_header=str(len(head.encode())),
                         http_version=resp.version.split("/")[1].rstrip(".0") or "1",
                         content_type=dict(resp.headers).get("Content-Type", ""), time_total="0.001536")
        failed = opts.fail and resp.status >= 400
        content = ("" if failed else (head if (opts.include or opts.head) else "") + body)
        if opts.output is not None and opts.output != "/dev/null" and not failed:
            problem = self.session.write_file(opts.output, content)
            if problem is not None:
                self.err.append(f"Warning: Failed to open the file {opts.output}: {problem.reason}\n")
                return self.fail(23, "Failure writing output to destination")
        elif opts.output is None:
            self.out.append(content)
        if body and (opts.output is not None or not self.terminal):
            # curl shows where the body went only when it is not written to the terminal.
            self.verbose(f"{{ [{len(body.encode())} bytes data]")
        if meter:
            self.err.append(_meter_line(0 if failed else len(body.encode())) + "\n")
        if failed:
            self.verbose(f"* The requested URL returned error: {resp.status}")
            self.verbose("* Closing connection")
            self.vars["exitcode"] = "22"
            if not opts.silent or opts.show_error:
                self.err.append(f"curl: (22) The requested URL returned error: {resp.status}\n")
            return 22
        if resp.closes:
            self.verbose("* Closing connection")
        else:
            self.verbose(f"* Connection #{self.index} to host {url.host} left intact")
        return 0


def _write_out(fmt: str, values: dict[str, str]) -> tuple[str, str]:
    """Expand -w: %{var}, %%, and the backslash escapes; unknown variables are reported on stderr."""
    out: list[str] = []
    err: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and fmt.startswith("%%", i):
            out.append("%")
            i += 2
        elif ch == "%" and fmt.startswith("%{", i) and "}" in fmt[i:]:
            end = fmt.index("}", i)
            name = fmt[i + 2:end]
            if name in values:
                out.append(values[name])
            else:
                err.append(f"curl: unknown --write-out variable: '{name}'\n")
            i = end + 1
        elif ch == "\\" and i + 1 < len(fmt) and fmt[i + 1] in "nrt\\":
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}[fmt[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out), "".join(err)


def _stdout_is_terminal(session: Session) -> bool:
    try:
        from .shell import shell_for
    except ImportError:
        return True
    shell = shell_for(session)
    return True if shell is None else bool(getattr(shell, "stdout_is_terminal", True))


def curl(session: Session, argv: list[str], stdin: str = "", source_ip: str | None = None,
         via_node: str | None = None) -> Result:
    """Run curl as the workstation, a node (session.host), or a Pod (source_ip on node via_node).

    Args:
        session: the console session.
        argv: the words, argv[0] being "curl".
        stdin: unused (curl reads no input here).
        source_ip: the Pod IP when curl runs inside a Pod (kubectl exec).
        via_node: the node that Pod runs on.
    """
    from .aws import ensure_default_group

    # Until a connection is traced, the last path is this command's: none (not an older curl's).
    session.last_trace = LastTrace(None, None, "curl: the connection never reached a node's rules "
                                               "(no route to the address, a name that does not resolve, or a usage error)")

    ensure_default_group(session.cluster)
    try:
        opts = parse_args(argv)
    except UsageError as err:
        return Result("", err.text, 2)
    if opts.help:
        return Result(HELP, "", 0)
    if opts.version:
        return Result(VERSION_TEXT, "", 0)
    if not opts.urls:
        return Result("", TRY if len(argv) == 1 else "curl: no URL specified!\n" + TRY, 2)
    client = _client(session, source_ip, via_node)
    terminal = _stdout_is_terminal(session)
    out: list[str] = []
    err: list[str] = []
    status = 0
    for index, raw in enumerate(opts.urls):
        transfer = _Transfer(session, opts, client, index)
        status = transfer.run(raw, terminal)
        out += transfer.out
        err += transfer.err
        if opts.write_out is not None:
            text, problems = _write_out(opts.write_out, transfer.vars)
            out.append(text)
            err.append(problems)
        if opts.output is not None:
            opts.output = None if index == 0 and len(opts.urls) > 1 else opts.output
    return Result("".join(out), "".join(err), status)


def main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """The curl command (workstation, or a node when session.host is set)."""
    return curl(session, argv, stdin)


_TRACE_USAGE = "usage: trace SRC DST:PORT [--protocol TCP|UDP|SCTP] [--via NODE] [--json]\n"


def trace_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """trace SRC DST:PORT [--protocol P] [--via NODE] [--json]: the same report as `nodeport-trainer trace`."""
    from .aws import ensure_default_group

    ensure_default_group(session.cluster)
    positional: list[str] = []
    protocol, via, as_json = "TCP", None, False
    args = argv[1:]
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word in ("--protocol", "--via", "--from", "--to"):
            if i >= len(args):
                return Result("", f"{_TRACE_USAGE}trace: error: argument {word}: expected one argument\n", 2)
            value = args[i]
            i += 1
            if word == "--protocol":
                protocol = value.upper()
                if protocol not in ("TCP", "UDP", "SCTP"):
                    return Result("", f"{_TRACE_USAGE}trace: error: argument --protocol: invalid choice: "
                                      f"'{protocol}' (choose from 'TCP', 'UDP', 'SCTP')\n", 2)
            elif word == "--via":
                via = value
            else:
                positional.insert(0 if word == "--from" else len(positional), value)
        elif word == "--json":
            as_json = True
        elif word in ("-h", "--help"):
            return Result(_TRACE_USAGE, "", 0)
        elif word.startswith("-"):
            return Result("", f"{_TRACE_USAGE}trace: error: unrecognized arguments: {word}\n", 2)
        else:
            positional.append(word)
    if len(positional) != 2:
        return Result("", f"{_TRACE_USAGE}trace: error: the following arguments are required: SRC, DST:PORT\n", 2)
    src, dst = positional
    host, sep, port = dst.rpartition(":")
    if not sep or not port.isdigit():
        return Result("", f'error: DST:PORT must be DST_IP:PORT, got "{dst}"\n', 2)
    report = session.cluster.trace(src, host, int(port), protocol, via)
    if isinstance(report, str):
        session.last_trace = LastTrace(None, None, f"trace: {report}")
        return Result("", f"error: {report}\n", 2)
    session.last_trace = LastTrace(report, None)
    if as_json:
        return Result(json.dumps(report.to_json(), indent=2) + "\n", "", 0)
    return Result(report.explain(), "", 0)


__all__ = ["LastTrace", "curl", "main", "rng", "trace_main"]
