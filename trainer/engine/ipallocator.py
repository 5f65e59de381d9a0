"""The ClusterIP bitmap allocator (KEP-3070 static/dynamic bands), as registry/core/service/ipallocator."""

from __future__ import annotations

import ipaddress
import random

from trainer.engine.netparse import IPAddress, IPNetwork, parse_cidr_sloppy, parse_ip_sloppy, range_size
from trainer.engine.rangealloc import AllocationError, BandedAllocator, OffsetBitmap

ERR_FULL = AllocationError("Full", "range is full")
ERR_ALLOCATED = AllocationError("Allocated", "provided IP is already allocated")


def err_not_in_range(ip: str, valid_range: str) -> AllocationError:
    """ipallocator.ErrNotInRange, naming the requested IP and the service CIDR."""
    return AllocationError(
        "NotInRange", f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {valid_range}"
    )


def calculate_range_offset(cidr: IPNetwork) -> int:
    """Static band size: min(max(16, cidrSize/16), 256), 0 for CIDRs of 16 addresses or fewer.

    Computed on the whole CIDR size, network and broadcast addresses included.
    """
    size = range_size(cidr)
    if size <= 16:
        return 0
    return min(max(16, size // 16), 256)


class IPAllocator(BandedAllocator):
    """Allocates ClusterIPs out of one service CIDR (the bitmap-backed ipallocator.Range).

    Offset 0 of the bitmap is the first address after the network address; IPv4 ranges
    also exclude the broadcast address, IPv6 ranges are capped at 65536 addresses.
    """

    def __init__(self, cidr: str | IPNetwork) -> None:
        """Create an empty allocator.

        Args:
            cidr: the service CIDR, e.g. "10.96.0.0/12" (host bits are ignored).
        """
        network = parse_cidr_sloppy(cidr) if isinstance(cidr, str) else cidr
        if network is None:
            raise ValueError(f"invalid CIDR {cidr!r}")
        self.cidr: IPNetwork = network
        self.family = "IPv6" if network.version == 6 else "IPv4"
        size = range_size(network)
        if network.version == 6:
            size = min(size, 65536)
        else:
            size -= 1  # never hand out the broadcast address
        size -= 1  # nor the network address
        self.max = max(0, size)
        self._base = int(network.network_address) + 1
        self.offset = calculate_range_offset(network)
        self._bitmap = OffsetBitmap(self.max, self.offset)

    def _ip(self, index: int) -> str:
        cls = ipaddress.IPv4Address if self.cidr.version == 4 else ipaddress.IPv6Address
        return str(cls(self._base + index))

    _item = _ip  # BandedAllocator.allocated() lists addresses

    @property
    def first_ip(self) -> str:
        """The first usable address; the `kubernetes` Service takes it."""
        return self._ip(0)

    @property
    def static_band(self) -> tuple[str, str] | None:
        """First and last address of the static band, or None when there is none."""
        if self.offset == 0:
            return None
        return self._ip(0), self._ip(self.offset - 1)

    @property
    def dynamic_band(self) -> tuple[str, str]:
        """First and last address of the band AllocateNext prefers."""
        return self._ip(self.offset), self._ip(self.max - 1)

    def _index(self, ip: IPAddress) -> int | None:
        if ip.version != self.cidr.version or ip not in self.cidr:
            return None
        index = int(ip) - self._base
        if not 0 <= index < self.max:
            return None
        return index

    def contains(self, ip: str) -> bool:
        """Whether ip is an allocatable address of this range."""
        parsed = parse_ip_sloppy(ip)
        return parsed is not None and self._index(parsed) is not None

    def allocate(self, ip: str) -> AllocationError | None:
        """Reserve a specific address.

        Returns:
            None on success, else ErrNotInRange or ErrAllocated.
        """
        parsed = parse_ip_sloppy(ip)
        index = None if parsed is None else self._index(parsed)
        if index is None:
            return err_not_in_range(str(parsed) if parsed is not None else ip, str(self.cidr))
        if not self._bitmap.allocate(index):
            return ERR_ALLOCATED
        return None

    def allocate_next(self, rng: random.Random) -> str | AllocationError:
        """Reserve any free address, dynamic band first.

        Args:
            rng: the source of the random scan start.

        Returns:
            The address, or ErrFull.
        """
        index = self._bitmap.allocate_next(rng)
        if index is None:
            return ERR_FULL
        return self._ip(index)

    def release(self, ip: str) -> None:
        """Return an address to the pool; unknown or foreign addresses are ignored."""
        parsed = parse_ip_sloppy(ip)
        index = None if parsed is None else self._index(parsed)
        if index is not None:
            self._bitmap.release(index)

    def has(self, ip: str) -> bool:
        """Whether the address is allocated."""
        parsed = parse_ip_sloppy(ip)
        index = None if parsed is None else self._index(parsed)
        return index is not None and self._bitmap.has(index)
