"""Tests for the NodePort allocator and its static/dynamic bands (trainer.engine.portallocator)."""

import random

import pytest

from trainer.engine.flags import PortRange
from trainer.engine.portallocator import (
    ERR_ALLOCATED,
    ERR_FULL,
    PortAllocator,
    calculate_range_offset,
    err_not_in_range,
)
from trainer.engine.rangealloc import AllocationError


class TestBands:
    def test_default_range(self):
        alloc = PortAllocator(PortRange(30000, 2768))
        # 2768 / 32 = 86: the static band is 30000-30085.
        assert alloc.offset == 86
        assert str(alloc.static_band) == "30000-30085"
        assert str(alloc.dynamic_band) == "30086-32767"

    def test_sixteen_ports_have_no_static_band(self):
        alloc = PortAllocator(PortRange(30000, 16))
        assert alloc.offset == 0
        assert alloc.static_band is None
        assert str(alloc.dynamic_band) == "30000-30015"

    def test_seventeen_ports_get_the_minimum_band(self):
        assert calculate_range_offset(PortRange(30000, 17)) == 16

    def test_wide_range_is_capped_at_128(self):
        alloc = PortAllocator(PortRange(20000, 20001))
        assert alloc.offset == 128
        assert str(alloc.static_band) == "20000-20127"
        assert str(alloc.dynamic_band) == "20128-40000"

    @pytest.mark.parametrize("size, offset", [(100, 16), (512, 16), (543, 16), (544, 17), (4096, 128), (65535, 128)])
    def test_formula(self, size, offset):
        assert calculate_range_offset(PortRange(1, size)) == offset


class TestAllocate:
    def test_specific_port_then_duplicate(self):
        alloc = PortAllocator(PortRange(30000, 2768))
        assert alloc.allocate(30080) is None
        assert alloc.has(30080)
        assert alloc.allocate(30080) == ERR_ALLOCATED
        assert str(alloc.allocate(30080)) == "provided port is already allocated"

    def test_out_of_range_names_the_range(self):
        alloc = PortAllocator(PortRange(30000, 2768))
        err = alloc.allocate(40000)
        assert err == AllocationError(
            "NotInRange", "provided port is not in the valid range. The range of valid ports is 30000-32767"
        )
        assert alloc.allocate(29999) == err_not_in_range("30000-32767")
        assert alloc.allocate(-1).reason == "NotInRange"
        assert alloc.used() == 0

    def test_release_and_counts(self):
        alloc = PortAllocator(PortRange(30000, 2768))
        alloc.allocate(30000)
        alloc.allocate(32767)
        assert alloc.used() == 2
        assert alloc.free() == 2766
        assert alloc.free_static() == 85
        assert alloc.free_dynamic() == 2681
        alloc.release(30000)
        alloc.release(30000)  # no-op
        alloc.release(12345)  # outside the range: ignored
        assert alloc.allocated() == [32767]
        assert not alloc.has(30000)
        assert not alloc.has(12345)


class TestAllocateNext:
    def test_prefers_the_dynamic_band(self):
        alloc = PortAllocator(PortRange(30000, 2768))
        rng = random.Random(7)
        ports = [alloc.allocate_next(rng) for _ in range(200)]
        assert all(30086 <= p <= 32767 for p in ports)
        assert len(set(ports)) == 200

    def test_is_deterministic_for_a_seed(self):
        first = [PortAllocator(PortRange(30000, 2768)).allocate_next(random.Random(42)) for _ in range(3)]
        assert len(set(first)) == 1

    def test_scans_forward_from_the_random_start(self):
        alloc = PortAllocator(PortRange(30000, 2768))
        rng = random.Random(3)
        start = random.Random(3).randrange(2768 - 86)
        expected = 30086 + start
        alloc.allocate(expected)
        assert alloc.allocate_next(rng) == expected + 1

    def test_falls_back_to_the_static_band(self):
        alloc = PortAllocator(PortRange(30000, 32))  # static band 30000-30015
        assert str(alloc.static_band) == "30000-30015"
        for port in range(30016, 30032):
            alloc.allocate(port)
        rng = random.Random(1)
        got = {alloc.allocate_next(rng) for _ in range(16)}
        assert got == set(range(30000, 30016))
        assert alloc.allocate_next(rng) == ERR_FULL
        assert str(ERR_FULL) == "range is full"

    def test_sixteen_port_range_fills_up(self):
        alloc = PortAllocator(PortRange(30000, 16))
        rng = random.Random(0)
        got = sorted(alloc.allocate_next(rng) for _ in range(16))
        assert got == list(range(30000, 30016))
        assert alloc.allocate_next(rng) == ERR_FULL

    def test_wide_range_dynamic_first(self):
        alloc = PortAllocator(PortRange(20000, 20001))
        rng = random.Random(5)
        assert all(alloc.allocate_next(rng) >= 20128 for _ in range(100))
