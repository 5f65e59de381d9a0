"""What answers a connection: a Pod's server (via the image catalogue) or a node's own daemons."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field

from ..engine import images
from ..engine.objects import name_of

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Not Allowed", 503: "Service Unavailable"}
# index.html's mtime in the nginx image (its ETag is "<mtime hex>-<size hex>").
_NGINX_INDEX_MTIME = 1744804871
_TLS_SERVERS = ("kubelet", "kube-apiserver", "etcd")
_SSH_BANNER = "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5"
OPENSSL = "OpenSSL/3.0.13"
CERT_HELP = ("More details here: https://curl.se/docs/sslcerts.html\n\n"
             "curl failed to verify the legitimacy of the server and therefore could not\n"
             "establish a secure connection to it. To learn more about this situation and\n"
             "how to fix it, please visit the web page mentioned above.\n")


@dataclass
class HttpResponse:
    """An HTTP response as it arrives on the wire."""

    status: int
    headers: list[tuple[str, str]]
    body: str
    version: str = "HTTP/1.1"
    reason: str = ""

    @property
    def status_line(self) -> str:
        """e.g. "HTTP/1.1 200 OK"."""
        return f"{self.version} {self.status} {self.reason or _REASONS.get(self.status, '')}".rstrip()

    @property
    def closes(self) -> bool:
        """Whether the server closes the connection after this response."""
        return self.version == "HTTP/1.0"


@dataclass
class TransferError:
    """A failure after the TCP connection was made: curl's exit code, message and verbose lines."""

    code: int
    message: str
    verbose: list[str] = field(default_factory=list)
    extra: str = ""  # text curl prints after its error line (certificate help)


@dataclass(frozen=True)
class Endpoint:
    """Who accepted the connection: a Pod (namespace/name) on a port, or a node daemon."""

    kind: str  # "pod" or "node"
    where: str  # "ns/name" of the Pod, or the node's name
    port: int
    server: str = ""  # the node daemon's name


def http_date(epoch: float) -> str:
    """RFC 7231 date: Thu, 01 Jan 2026 00:00:00 GMT."""
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _go(status: int, body: str, now: float, own: list[tuple[str, str]] | None = None,
        content_type: str = "text/plain; charset=utf-8", sniffed: bool = True) -> HttpResponse:
    """A Go net/http response: handler headers (sorted), then Date and Content-Length, then a sniffed type."""
    headers = sorted(own or [])
    if not sniffed:
        headers = sorted(headers + [("Content-Type", content_type)])
    headers += [("Date", http_date(now)), ("Content-Length", str(len(body.encode())))]
    if sniffed:
        headers.append(("Content-Type", content_type))
    return HttpResponse(status, headers, body)


def _nginx(resp: images.Response, method: str, now: float) -> HttpResponse:
    server = resp.headers.get("Server", "nginx")
    if method not in ("GET", "HEAD"):
        body = (f"<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed"
                f"</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n")
        resp = images.Response(405, body, resp.headers)
    headers = [("Server", server), ("Date", http_date(now)), ("Content-Type", resp.headers.get("Content-Type",
                                                                                               "text/html")),
               ("Content-Length", str(len(resp.body.encode())))]
    if resp.status == 200:
        headers.append(("Last-Modified", http_date(_NGINX_INDEX_MTIME)))
    headers.append(("Connection", "keep-alive"))
    if resp.status == 200:
        headers += [("ETag", f'"{_NGINX_INDEX_MTIME:x}-{len(resp.body.encode()):x}"'), ("Accept-Ranges", "bytes")]
    return HttpResponse(resp.status, headers, resp.body)


def pod_response(cluster, pod: dict, port: int, method: str, path: str, client: str) -> HttpResponse | None:
    """The answer of the Pod's server on ``port``, or None when nothing there speaks HTTP."""
    for container in pod["spec"].get("containers") or []:
        listener = images.listening(container, port, "TCP")
        if listener is None:
            continue
        now = cluster.clock.now
        resp = images.respond(listener, container, pod_name=name_of(pod), client=client, path=path,
                              now=cluster.clock.iso())
        if listener.server == "nginx":
            return _nginx(resp, method, now)
        own = [(k, v) for k, v in resp.headers.items() if k != "Content-Type"]
        if listener.server == "http-echo":
            own += [("X-App-Name", "http-echo"), ("X-App-Version", "1.0.0")]
        return _go(resp.status, resp.body, now, own, resp.headers.get("Content-Type", "text/plain; charset=utf-8"))
    return None


def _health_check(cluster, node: str, service: str) -> HttpResponse:
    """kube-proxy's healthCheckNodePort answer for a Local-policy Service."""
    namespace, name = service.split("/", 1)
    count = 0
    for es in cluster.api.iter("EndpointSlice", namespace):
        if (es["metadata"].get("labels") or {}).get("kubernetes.io/service-name") != name:
            continue
        for ep in es.get("endpoints") or []:
            if ep.get("nodeName") == node and (ep.get("conditions") or {}).get("ready") is not False:
                count += 1
    body = ('{\n\t"service": {\n\t\t"namespace": "' + namespace + '",\n\t\t"name": "' + name +
            '"\n\t},\n\t"localEndpoints": ' + str(count) + ',\n\t"serviceProxyHealthy": true\n}')
    own = [("X-Content-Type-Options", "nosniff"), ("X-Load-Balancing-Endpoint-Weight", str(count))]
    return _go(200 if count else 503, body, cluster.clock.now, own, "application/json", sniffed=False)


def _go_time(epoch: float) -> str:
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f000 +0000 UTC")


def node_response(cluster, endpoint: Endpoint, tls: bool, insecure: bool, method: str,
                  path: str) -> HttpResponse | TransferError:
    """How a node's daemon answers an HTTP (or HTTPS) request."""
    server, now = endpoint.server, cluster.clock.now
    if server == "sshd":
        if tls:
            return _wrong_version()
        return TransferError(1, "Received HTTP/0.9 when not allowed")
    if server.startswith("kube-proxy (health check for "):
        if tls:
            return _wrong_version()
        return _health_check(cluster, endpoint.where, server[len("kube-proxy (health check for "):-1])
    if server == "kube-proxy healthz":
        if tls:
            return _wrong_version()
        if path in ("/healthz", "/livez"):
            stamp = _go_time(now)
            body = f'{{"lastUpdated": "{stamp}","currentTime": "{stamp}", "nodeEligible": true}}'
            return _go(200, body, now, [("X-Content-Type-Options", "nosniff")], "application/json", sniffed=False)
        return _go(404, "404 page not found\n", now, [("X-Content-Type-Options", "nosniff")], sniffed=False)
    if server in _TLS_SERVERS:
        if not tls:
            return HttpResponse(400, [], "Client sent an HTTP request to an HTTPS server.\n", "HTTP/1.0")
        if not insecure:
            return TransferError(60, "SSL certificate problem: unable to get local issuer certificate",
                                 ["* SSL certificate problem: unable to get local issuer certificate"],
                                 CERT_HELP)
        return _tls_daemon(server, now, path)
    return TransferError(52, "Empty reply from server")


def _tls_daemon(server: str, now: float, path: str) -> HttpResponse | TransferError:
    if server == "etcd":
        return TransferError(56, f"{OPENSSL}: error:0A00045C:SSL routines::tlsv13 alert certificate required, "
                                 "errno 0")
    if server == "kubelet":
        return _go(401, "Unauthorized", now, [], sniffed=False)
    own = [("Audit-Id", "00000000-0000-0000-0000-000000000000"), ("Cache-Control", "no-cache, private"),
           ("X-Content-Type-Options", "nosniff")]
    if path in ("/healthz", "/livez", "/readyz"):
        return _go(200, "ok", now, own, sniffed=False)
    if path == "/version":
        doc = {"major": "1", "minor": "32", "gitVersion": "v1.32.4",
               "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335", "gitTreeState": "clean",
               "buildDate": "2025-04-22T16:02:27Z", "goVersion": "go1.23.6", "compiler": "gc",
               "platform": "linux/amd64"}
        return _go(200, json.dumps(doc, indent=2), now, own, "application/json", sniffed=False)
    status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
              "message": f'forbidden: User "system:anonymous" cannot get path "{path}"', "reason": "Forbidden",
              "details": {}, "code": 403}
    return _go(403, json.dumps(status, indent=2) + "\n", now, own, "application/json", sniffed=False)


def _wrong_version() -> TransferError:
    return TransferError(35, f"{OPENSSL}: error:0A00010B:SSL routines::wrong version number",
                         [f"* {OPENSSL}: error:0A00010B:SSL routines::wrong version number"])


def tls_to_plain_server() -> TransferError:
    """HTTPS to a server that speaks plain HTTP: OpenSSL reads an HTTP answer as a TLS record."""
    return _wrong_version()


def pod_ref(cluster, ref: str) -> dict | None:
    """The Pod named "namespace/name"."""
    namespace, _, name = ref.partition("/")
    return cluster.api.peek("Pod", name, namespace)


__all__ = ["CERT_HELP", "Endpoint", "HttpResponse", "OPENSSL", "TransferError", "http_date", "node_response",
           "pod_ref", "pod_response", "tls_to_plain_server"]
