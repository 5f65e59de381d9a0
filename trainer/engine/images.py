"""The image catalogue: what a container really listens on, and what it answers.

As in Kubernetes, ``containerPort`` is informational: a container listens where its
image's program listens. Known images follow their own rules; unknown images fall back
to a ``PORT`` environment variable, then to their declared containerPorts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Listener:
    """A socket a container's process has open."""

    port: int
    protocol: str
    server: str
    text: str = ""


@dataclass
class Response:
    """An HTTP answer from a listener."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

# The newest patch release of each nginx minor line, for the Server header.
_NGINX_PATCH = {"1.25": "1.25.5", "1.26": "1.26.3", "1.27": "1.27.5", "1.28": "1.28.0", "1.29": "1.29.0"}
_NO_LISTENER = ("busybox", "alpine", "ubuntu", "debian", "curlimages/curl", "registry.k8s.io/pause")


def split_image(image: str) -> tuple[str, str]:
    """Split an image reference into its repository (no registry for Docker Hub) and tag."""
    ref = image.split("@", 1)[0]
    repo, tag = ref, "latest"
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        repo, tag = ref[:colon], ref[colon + 1 :]
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix) :]
            break
    return repo, tag


def _env(container: dict) -> dict[str, str]:
    return {e.get("name", ""): str(e.get("value", "")) for e in container.get("env") or [] if "name" in e}


def _flag(args: list[str], names: tuple[str, ...]) -> str | None:
    """The value of --name=V / -name=V / --name V among a command line's words."""
    for i, word in enumerate(args):
        for name in names:
            if word.startswith(name + "="):
                return word[len(name) + 1 :]
            if word == name and i + 1 < len(args):
                return args[i + 1]
    return None


def _port(value: str | None, default: int) -> int:
    if value is None:
        return default
    match = re.search(r"(\d+)$", value.strip())
    return int(match.group(1)) if match else default


def listeners(container: dict) -> list[Listener]:
    """What a container listens on, decided by its image and command line."""
    repo, _tag = split_image(container.get("image", ""))
    words = [str(w) for w in (container.get("command") or []) + (container.get("args") or [])]
    env = _env(container)
    if repo == "nginx" or repo.endswith("/nginx"):
        return [Listener(80, "TCP", "nginx")]
    if repo.endswith("e2e-test-images/agnhost"):
        if "netexec" not in words:
            return []
        http = _port(_flag(words, ("--http-port",)), 8080)
        udp = _port(_flag(words, ("--udp-port",)), 8081)
        return [Listener(http, "TCP", "agnhost-netexec"), Listener(udp, "UDP", "agnhost-netexec")]
    if repo == "hashicorp/http-echo":
        listen = _flag(words, ("-listen", "--listen")) or env.get("ECHO_LISTEN")
        text = _flag(words, ("-text", "--text")) or env.get("ECHO_TEXT", "hello-world")
        return [Listener(_port(listen, 5678), "TCP", "http-echo", text)]
    if repo.endswith("coredns/coredns") or repo == "coredns/coredns":
        return [Listener(53, "UDP", "coredns"), Listener(53, "TCP", "coredns"),
                Listener(8080, "TCP", "coredns-health"), Listener(8181, "TCP", "coredns-ready"),
                Listener(9153, "TCP", "coredns-metrics")]
    if any(repo == name or repo.endswith("/" + name) for name in _NO_LISTENER):
        return []
    if "PORT" in env and env["PORT"].isdigit():
        return [Listener(int(env["PORT"]), "TCP", "app")]
    return [
        Listener(int(p["containerPort"]), p.get("protocol", "TCP"), "app")
        for p in container.get("ports") or []
        if isinstance(p.get("containerPort"), int)
    ]


def listening(container: dict, port: int, protocol: str = "TCP") -> Listener | None:
    """The listener that accepts a connection to ``port``/``protocol``, if any."""
    for lst in listeners(container):
        if lst.port == port and lst.protocol == protocol:
            return lst
    return None


def respond(listener: Listener, container: dict, *, pod_name: str, client: str, path: str = "/",
            now: str = "") -> Response:
    """The HTTP response a listener gives to a GET of ``path``.

    Args:
        listener: the socket that accepted the connection.
        container: the container spec (its image decides the server banner).
        pod_name: the Pod's name, which is its hostname.
        client: "ip:port" of the peer as the process sees it (after any SNAT).
        path: the request path.
        now: the simulated wall-clock time, for servers that print it.
    """
    if listener.server == "nginx":
        _repo, tag = split_image(container.get("image", ""))
        version = _NGINX_PATCH.get(tag, tag if re.fullmatch(r"\d+\.\d+\.\d+", tag) else "")
        server = f"nginx/{version}" if version else "nginx"
        headers = {"Server": server, "Content-Type": "text/html"}
        if path in ("/", "/index.html"):
            return Response(200, NGINX_WELCOME, headers)
        return Response(404, _nginx_error(404, "Not Found", server), headers)
    if listener.server == "agnhost-netexec":
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        if path == "/hostname":
            return Response(200, pod_name, headers)
        if path == "/clientip":
            return Response(200, client, headers)
        if path.startswith("/echo"):
            msg = path.partition("msg=")[2]
            return Response(200, msg, headers)
        return Response(200, f"NOW: {now}", headers)
    if listener.server == "http-echo":
        return Response(200, listener.text + "\n", {"Content-Type": "text/plain; charset=utf-8"})
    if listener.server.startswith("coredns"):
        return Response(200, "OK" if listener.server != "coredns-metrics" else "# coredns metrics\n", {})
    return Response(200, f"Hello from {pod_name}\n", {"Content-Type": "text/plain"})


def _nginx_error(code: int, reason: str, server: str) -> str:
    return (f"<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{code} {reason}</h1></center>\r\n<hr><center>{server}</center>\r\n"
            "</body>\r\n</html>\r\n")
