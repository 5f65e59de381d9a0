"""The allocation bitmap with a static/dynamic split, as registry/core/service/allocator."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class AllocationError:
    """An allocator refusal; message is the exact upstream error text.

    Attributes:
        reason: "Full", "Allocated" or "NotInRange" (the upstream error variable).
        message: the text the apiserver embeds in its answer.
    """

    reason: str
    message: str

    def __str__(self) -> str:
        return self.message


class OffsetBitmap:
    """AllocationBitmap driven by randomScanStrategyWithOffset.

    Items are offsets 0..size-1. The first `offset` items form the static band:
    AllocateNext only hands them out once the upper (dynamic) band is exhausted.
    """

    def __init__(self, size: int, offset: int) -> None:
        """Create an empty bitmap.

        Args:
            size: number of allocatable items.
            offset: size of the lower, static band (0 disables the split).
        """
        self.size = max(0, size)
        self.offset = offset
        # A set stands in for the big.Int: service CIDRs reach a million bits.
        self._taken: set[int] = set()

    def allocate(self, index: int) -> bool:
        """Reserve one item; False if it was already taken."""
        if not 0 <= index < self.size:
            raise ValueError(f"offset {index} out of range [0,{self.size}]")
        if index in self._taken:
            return False
        self._taken.add(index)
        return True

    def allocate_next(self, rng: random.Random) -> int | None:
        """Pick a free item: random start in the dynamic band, scanning forward with wrap-around,
        then the same in the static band. None when everything is taken."""
        if len(self._taken) >= self.size:
            return None
        upper = self.size - self.offset
        start = rng.randrange(upper)
        for step in range(upper):
            at = self.offset + (start + step) % upper
            if at not in self._taken:
                self._taken.add(at)
                return at
        if self.offset > 0:
            start = rng.randrange(self.offset)
            for step in range(self.offset):
                at = (start + step) % self.offset
                if at not in self._taken:
                    self._taken.add(at)
                    return at
        return None  # pragma: no cover - unreachable while count < size

    def release(self, index: int) -> None:
        """Free one item; freeing a free item is a no-op."""
        self._taken.discard(index)

    def has(self, index: int) -> bool:
        """Whether the item is taken."""
        return index in self._taken

    def count(self) -> int:
        """Number of taken items."""
        return len(self._taken)

    def free(self) -> int:
        """Number of free items."""
        return self.size - len(self._taken)

    def free_below(self, limit: int) -> int:
        """Free items among offsets 0..limit-1."""
        return limit - sum(1 for index in self._taken if index < limit)

    def taken(self) -> list[int]:
        """Taken offsets in ascending order (ForEach)."""
        return sorted(self._taken)


class BandedAllocator:
    """The counting accessors an allocator over an OffsetBitmap shares (the ClusterIP and NodePort ones).

    Subclasses set ``offset`` (the static band size) and ``_bitmap``, and map a bitmap index
    back to the item they hand out with ``_item``.
    """

    offset: int
    _bitmap: OffsetBitmap

    def _item(self, index: int):
        raise NotImplementedError

    def used(self) -> int:
        """Number of allocated items."""
        return self._bitmap.count()

    def free(self) -> int:
        """Number of free items."""
        return self._bitmap.free()

    def free_static(self) -> int:
        """Free items in the static band."""
        return self._bitmap.free_below(self.offset)

    def free_dynamic(self) -> int:
        """Free items in the dynamic band."""
        return self.free() - self.free_static()

    def allocated(self) -> list:
        """Allocated items in ascending order."""
        return [self._item(index) for index in self._bitmap.taken()]
