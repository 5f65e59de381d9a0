"""The NodePort allocator with KEP-3668 static/dynamic bands, as registry/core/service/portallocator."""

from __future__ import annotations

import random

from trainer.engine.flags import PortRange
from trainer.engine.rangealloc import AllocationError, BandedAllocator, OffsetBitmap

ERR_FULL = AllocationError("Full", "range is full")
ERR_ALLOCATED = AllocationError("Allocated", "provided port is already allocated")


def err_not_in_range(valid_ports: str) -> AllocationError:
    """portallocator.ErrNotInRange, naming the configured range."""
    return AllocationError(
        "NotInRange", f"provided port is not in the valid range. The range of valid ports is {valid_ports}"
    )


def calculate_range_offset(port_range: PortRange) -> int:
    """Size of the static band: min(max(16, size/32), 128), or 0 for ranges of 16 ports or fewer."""
    if port_range.size <= 16:
        return 0
    return min(max(16, port_range.size // 32), 128)


class PortAllocator(BandedAllocator):
    """Allocates node ports out of a PortRange (the in-memory PortAllocator)."""

    def __init__(self, port_range: PortRange) -> None:
        """Create an empty allocator over port_range."""
        self.port_range = port_range
        self.offset = calculate_range_offset(port_range)
        self._bitmap = OffsetBitmap(port_range.size, self.offset)

    @property
    def static_band(self) -> PortRange | None:
        """The lower band reserved for ports users pick themselves, or None when there is none."""
        if self.offset == 0:
            return None
        return PortRange(self.port_range.base, self.offset)

    @property
    def dynamic_band(self) -> PortRange:
        """The upper band AllocateNext prefers."""
        return PortRange(self.port_range.base + self.offset, self.port_range.size - self.offset)

    def _item(self, index: int) -> int:
        return self.port_range.base + index

    def _index(self, port: int) -> int | None:
        if not self.port_range.contains(port):
            return None
        return port - self.port_range.base

    def allocate(self, port: int) -> AllocationError | None:
        """Reserve a specific port.

        Returns:
            None on success, else ErrNotInRange or ErrAllocated.
        """
        index = self._index(port)
        if index is None:
            return err_not_in_range(str(self.port_range))
        if not self._bitmap.allocate(index):
            return ERR_ALLOCATED
        return None

    def allocate_next(self, rng: random.Random) -> int | AllocationError:
        """Reserve any free port, dynamic band first.

        Args:
            rng: the source of the random scan start (the only randomness used).

        Returns:
            The port, or ErrFull.
        """
        index = self._bitmap.allocate_next(rng)
        if index is None:
            return ERR_FULL
        return self.port_range.base + index

    def release(self, port: int) -> None:
        """Return a port to the pool; ports outside the range or not held are ignored."""
        index = self._index(port)
        if index is not None:
            self._bitmap.release(index)

    def has(self, port: int) -> bool:
        """Whether the port is allocated (always False outside the range)."""
        index = self._index(port)
        return index is not None and self._bitmap.has(index)
