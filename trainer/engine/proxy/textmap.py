"""A sorted key -> text-fields map whose concatenations are cached per block, for fast partial syncs."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, Iterable, Iterator

BLOCK = 512


class BlockedTextMap:
    """Sorted mapping from keys to tuples of strings, joinable field by field.

    The keys are kept in sorted blocks of at most 2*BLOCK entries; each block caches the
    concatenation of every field. Changing one key therefore only re-joins one block, and
    the whole concatenation is a join over a few hundred cached block strings.

    Args:
        fields: how many strings each value holds.
    """

    def __init__(self, fields: int):
        self._fields = fields
        self._values: dict[Any, tuple[str, ...]] = {}
        self._blocks: list[list[Any]] = []
        self._firsts: list[Any] = []
        self._cache: list[list[str] | None] = []

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Any) -> bool:
        return key in self._values

    def __getitem__(self, key: Any) -> tuple[str, ...]:
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        for block in self._blocks:
            yield from block

    def load(self, items: Iterable[tuple[Any, tuple[str, ...]]]) -> None:
        """Replace the whole content at once (cheaper than many single inserts)."""
        self._values = dict(items)
        keys = sorted(self._values)
        self._blocks = [keys[i : i + BLOCK] for i in range(0, len(keys), BLOCK)]
        self._firsts = [block[0] for block in self._blocks]
        self._cache = [None] * len(self._blocks)

    def set(self, key: Any, value: tuple[str, ...]) -> None:
        """Insert or replace one key."""
        exists = key in self._values
        self._values[key] = value
        if not self._blocks:
            self._blocks, self._firsts, self._cache = [[key]], [key], [None]
            return
        index = max(bisect_right(self._firsts, key) - 1, 0)
        self._cache[index] = None
        if exists:
            return
        block = self._blocks[index]
        block.insert(bisect_left(block, key), key)
        self._firsts[index] = block[0]
        if len(block) > 2 * BLOCK:
            half = len(block) // 2
            self._blocks[index : index + 1] = [block[:half], block[half:]]
            self._firsts[index : index + 1] = [block[0], block[half]]
            self._cache[index : index + 1] = [None, None]

    def delete(self, key: Any) -> None:
        """Remove one key (it must be present)."""
        del self._values[key]
        index = bisect_right(self._firsts, key) - 1
        block = self._blocks[index]
        del block[bisect_left(block, key)]
        if block:
            self._firsts[index] = block[0]
            self._cache[index] = None
        else:
            del self._blocks[index], self._firsts[index], self._cache[index]

    def parts(self, field: int) -> list[str]:
        """Per-block concatenations of one field, in key order (join them for the whole)."""
        parts = []
        values = self._values
        for index, block in enumerate(self._blocks):
            cached = self._cache[index]
            if cached is None:
                cached = ["".join([values[k][f] for k in block]) for f in range(self._fields)]
                self._cache[index] = cached
            parts.append(cached[field])
        return parts

    def joined(self, field: int) -> str:
        """The concatenation of one field over all keys, in key order."""
        return "".join(self.parts(field))
