"""Chain names and probability strings exactly as kube-proxy's iptables proxier builds them."""

from __future__ import annotations

import base64
import hashlib
import math

SVC_PREFIX = "KUBE-SVC-"
SVL_PREFIX = "KUBE-SVL-"
EXT_PREFIX = "KUBE-EXT-"
FW_PREFIX = "KUBE-FW-"
SEP_PREFIX = "KUBE-SEP-"


def port_proto_hash(svc_port_name: str, protocol: str) -> str:
    """The 16-character suffix shared by a service port's SVC/SVL/EXT/FW chains.

    Upstream (portProtoHash) hashes the ServicePortName string (``ns/name:port``,
    or ``ns/name`` for an unnamed port) followed by the lower-case protocol with
    SHA-256, encodes it in standard base32 and keeps the first 16 characters.

    Args:
        svc_port_name: the ServicePortName string, e.g. ``default/web:http``.
        protocol: the lower-case protocol, e.g. ``tcp``.
    """
    digest = hashlib.sha256((svc_port_name + protocol).encode()).digest()
    # 16 base32 characters encode exactly the first 10 bytes of the digest.
    return base64.b32encode(digest[:10]).decode("ascii")


def endpoint_chain_name(svc_port_name: str, protocol: str, endpoint: str) -> str:
    """KUBE-SEP-<hash> for one endpoint: the hash also covers the ``ip:port`` string.

    Args:
        svc_port_name: the ServicePortName string.
        protocol: the lower-case protocol.
        endpoint: the endpoint as ``ip:port`` (net.JoinHostPort form).
    """
    digest = hashlib.sha256((svc_port_name + protocol + endpoint).encode()).digest()
    return SEP_PREFIX + base64.b32encode(digest[:10]).decode("ascii")


def is_service_chain(name: str) -> bool:
    """Whether kube-proxy owns (and garbage-collects) a chain of this name."""
    return name.startswith((SVC_PREFIX, SVL_PREFIX, SEP_PREFIX, FW_PREFIX, EXT_PREFIX))


_PROBABILITIES: dict[int, str] = {}


def probability(n: int) -> str:
    """The ``--probability`` value iptables-save prints for kube-proxy's 1/n.

    kube-proxy writes ``fmt.Sprintf("%0.10f", 1.0/n)``; libxt_statistic stores it as
    ``lround(0x80000000 * p)`` in a u32 and iptables-save prints that back with
    ``%.11f``. So 1/3 is written as 0.3333333333 but shown as 0.33333333349.

    Args:
        n: the number of endpoints still to choose from (n >= 2).
    """
    cached = _PROBABILITIES.get(n)
    if cached is None:
        written = float("%0.10f" % (1.0 / n))
        # lround rounds halves away from zero; every value here is positive.
        stored = math.floor(0x80000000 * written + 0.5)
        cached = "%.11f" % (stored / 0x80000000)
        _PROBABILITIES[n] = cached
    return cached


def masquerade_mark(bit: int) -> str:
    """The mark value as iptables-save prints it (kube-proxy's ``%#08x`` is normalised)."""
    return "0x%x" % (1 << bit)
