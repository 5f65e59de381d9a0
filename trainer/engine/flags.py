"""kube-apiserver's --service-node-port-range and --service-cluster-ip-range, parsed as upstream."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from trainer.engine.errors import go_quote
from trainer.engine.netparse import IPNetwork, parse_cidr_sloppy, range_size

NODE_PORT_RANGE_FLAG = "--service-node-port-range"
CLUSTER_IP_RANGE_FLAG = "--service-cluster-ip-range"

# kube-apiserver's own default when the flag is absent (kubeoptions.DefaultServiceIPCIDR).
APISERVER_DEFAULT_SERVICE_CIDR = "10.0.0.0/24"
# What kubeadm passes (kubeadm's DefaultServicesSubnet).
KUBEADM_SERVICE_CIDR = "10.96.0.0/12"

# validateClusterIPFlags: the bitmap allocator is stored in etcd, so ranges are capped.
_MAX_CIDR_BITS = 20

# A fixed klog header keeps the engine deterministic; callers may pass their own clock.
DEFAULT_KLOG_TIME = "0101 00:00:00.000000"


@dataclass(frozen=True)
class PortRange:
    """utilnet.PortRange: Size ports starting at Base; Size 0 means unset."""

    base: int
    size: int

    @property
    def last(self) -> int:
        """The highest port in the range."""
        return self.base + self.size - 1

    def contains(self, port: int) -> bool:
        """PortRange.Contains."""
        return port >= self.base and port - self.base < self.size

    def __str__(self) -> str:
        if self.size == 0:
            return ""
        return f"{self.base}-{self.last}"


DEFAULT_NODE_PORT_RANGE = PortRange(30000, 2768)


@dataclass(frozen=True)
class ParseError:
    """A value utilnet / strconv could not parse; message is the Go error text."""

    message: str

    def __str__(self) -> str:
        return self.message


def go_atoi(text: str) -> int | ParseError:
    """strconv.Atoi on a 64-bit platform, with its exact error texts."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or any(not "0" <= ch <= "9" for ch in digits):
        return ParseError(f"strconv.Atoi: parsing {go_quote(text)}: invalid syntax")
    value = int(text)
    if not -(1 << 63) <= value < (1 << 63):
        return ParseError(f"strconv.Atoi: parsing {go_quote(text)}: value out of range")
    return value


def parse_port_range(value: str) -> PortRange | ParseError:
    """utilnet.ParsePortRange: "min-max", "min+offset" or a single port; "" gives Size 0."""
    value = value.strip()
    if value == "":
        return PortRange(0, 0)
    hyphen = value.find("-")
    plus = value.find("+")
    if hyphen == -1 and plus == -1:
        low = go_atoi(value)
        if isinstance(low, ParseError):
            return low
        high = low
    elif hyphen != -1 and plus == -1:
        low = go_atoi(value[:hyphen])
        if isinstance(low, ParseError):
            return low
        high = go_atoi(value[hyphen + 1:])
        if isinstance(high, ParseError):
            return high
    elif plus != -1 and hyphen == -1:
        low = go_atoi(value[:plus])
        if isinstance(low, ParseError):
            return low
        offset = go_atoi(value[plus + 1:])
        if isinstance(offset, ParseError):
            return offset
        high = low + offset
    else:
        # Both notations at once: Set's switch falls to its default case.
        return ParseError(f"unable to parse port range: {value}")
    if low > 65535 or high > 65535:
        return ParseError(f"the port range cannot be greater than 65535: {value}")
    if high < low:
        return ParseError(f"end port cannot be less than start port: {value}")
    return PortRange(low, 1 + high - low)


@dataclass(frozen=True)
class StartupError:
    """kube-apiserver refused to start; text() is what lands in its container log.

    Attributes:
        message: the Go error text.
        at_flag_parse: True for pflag Set failures (printed before logging starts as
            "Error: ..."); False for Complete/Validate failures, which klog logs.
    """

    message: str
    at_flag_parse: bool

    def text(self, klog_time: str = DEFAULT_KLOG_TIME, pid: int = 1) -> str:
        """The exact stderr line (without the trailing newline).

        kube-apiserver sets SilenceUsage, so no usage text precedes a flag error;
        cli.Run prints parse errors plainly and logs runtime errors via klog.ErrorS.

        Args:
            klog_time: the "MMDD hh:mm:ss.uuuuuu" part of the klog header.
            pid: the process id klog prints (1 inside the static Pod).
        """
        if self.at_flag_parse:
            return f"Error: {self.message}"
        return f'E{klog_time} {pid:>7} run.go:74] "command failed" err={go_quote(self.message)}'

    def __str__(self) -> str:
        return self.message


def _invalid_argument(flag: str, value: str, err: ParseError) -> StartupError:
    # pflag (*FlagSet).Set wraps the Value.Set error with the raw argument.
    return StartupError(f"invalid argument {go_quote(value)} for {go_quote(flag)} flag: {err}", True)


def parse_node_port_range_flag(value: str) -> PortRange | StartupError:
    """--service-node-port-range as kube-apiserver takes it; empty means the default range.

    Args:
        value: the flag argument, e.g. "30000-32767".

    Returns:
        The range, or the startup failure with its exact log text.
    """
    parsed = parse_port_range(value)
    if isinstance(parsed, ParseError):
        return _invalid_argument(NODE_PORT_RANGE_FLAG, value, parsed)
    if parsed.size == 0:
        # The controlplane config completes an unset range ("Node port range unspecified").
        return DEFAULT_NODE_PORT_RANGE
    return parsed


def parse_node_port_range(value: str) -> PortRange | str:
    """--service-node-port-range for the store: the range, or the line kube-apiserver prints
    before exiting (StartupError.text() with the default klog clock)."""
    parsed = parse_node_port_range_flag(value)
    return parsed.text() if isinstance(parsed, StartupError) else parsed


def node_port_range_flag_error_text(value: str) -> str | None:
    """The line kube-apiserver prints for a bad --service-node-port-range, or None if valid."""
    parsed = parse_node_port_range_flag(value)
    return parsed.text() if isinstance(parsed, StartupError) else None


@dataclass(frozen=True)
class ServiceIPRanges:
    """The completed --service-cluster-ip-range: primary (and optional secondary) CIDR."""

    primary: IPNetwork
    secondary: IPNetwork | None
    api_server_service_ip: str

    @property
    def cidrs(self) -> list[IPNetwork]:
        """Primary first, then the secondary if any."""
        return [self.primary] + ([self.secondary] if self.secondary is not None else [])


def _max_cidr_error(cidr: IPNetwork, flag: str) -> str | None:
    bits = cidr.max_prefixlen
    if bits - cidr.prefixlen > _MAX_CIDR_BITS:
        return f"specified {flag} is too large; for {bits}-bit addresses, the mask must be >= {bits - _MAX_CIDR_BITS}"
    return None


def parse_service_cluster_ip_range_flag(value: str) -> ServiceIPRanges | StartupError:
    """--service-cluster-ip-range through Complete (getServiceIPAndRanges) and validateClusterIPFlags.

    Args:
        value: the flag argument, e.g. "10.96.0.0/12" or "10.96.0.0/12,fd00::/108".

    Returns:
        The ranges with the kubernetes Service IP, or the startup failure.
    """
    entries = value.split(",") if value != "" else []
    primary = parse_cidr_sloppy(entries[0] if entries else APISERVER_DEFAULT_SERVICE_CIDR)
    if primary is None:
        return StartupError("service-cluster-ip-range[0] is not a valid cidr", False)
    # ServiceIPRange: the bitmap needs room, and the first address goes to `kubernetes`.
    if min(range_size(primary), 1 << 16) < 8:
        prefix = "error determining service IP ranges for primary service cidr" if entries else (
            "error determining service IP ranges")
        return StartupError(f"{prefix}: the service cluster IP range must be at least 8 IP addresses", False)
    secondary = None
    if len(entries) > 1:
        secondary = parse_cidr_sloppy(entries[1])
        if secondary is None:
            return StartupError("service-cluster-ip-range[1] is not an ip net", False)
    errors: list[str] = []
    if len(entries) > 2:
        errors.append(f"{CLUSTER_IP_RANGE_FLAG} must not contain more than two entries")
    too_large = _max_cidr_error(primary, CLUSTER_IP_RANGE_FLAG)
    if too_large:
        errors.append(too_large)
    if secondary is not None:
        if secondary.version == primary.version:
            errors.append(f"{CLUSTER_IP_RANGE_FLAG}[0] and {CLUSTER_IP_RANGE_FLAG}[1] must be of different IP family")
        too_large = _max_cidr_error(secondary, f"{CLUSTER_IP_RANGE_FLAG}[1]")
        if too_large:
            errors.append(too_large)
    if errors:
        # Validate() returns utilerrors.NewAggregate(errs).
        message = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        return StartupError(message, False)
    first = ipaddress.ip_address(int(primary.network_address) + 1)
    return ServiceIPRanges(primary, secondary, str(first))


def service_cluster_ip_range_flag_error_text(value: str) -> str | None:
    """The line kube-apiserver logs for a bad --service-cluster-ip-range, or None if valid."""
    parsed = parse_service_cluster_ip_range_flag(value)
    return parsed.text() if isinstance(parsed, StartupError) else None
