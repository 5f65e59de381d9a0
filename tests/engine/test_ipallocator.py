"""Tests for the ClusterIP bitmap allocator (trainer.engine.ipallocator)."""

import ipaddress
import random

import pytest

from trainer.engine.ipallocator import ERR_ALLOCATED, ERR_FULL, IPAllocator, calculate_range_offset
from trainer.engine.rangealloc import AllocationError


class TestRangeShape:
    def test_kubeadm_default_cidr(self):
        alloc = IPAllocator("10.96.0.0/12")
        assert alloc.family == "IPv4"
        assert alloc.max == 2**20 - 2
        assert alloc.offset == 256
        assert alloc.first_ip == "10.96.0.1"
        assert alloc.static_band == ("10.96.0.1", "10.96.1.0")
        assert alloc.dynamic_band == ("10.96.1.1", "10.111.255.254")

    @pytest.mark.parametrize("cidr, offset", [
        ("10.0.0.0/28", 0), ("10.0.0.0/27", 16), ("10.0.0.0/24", 16),
        ("10.0.0.0/20", 256), ("10.0.0.0/21", 128), ("fd00::/108", 256), ("fd00::/120", 16),
    ])
    def test_offset_formula(self, cidr, offset):
        assert calculate_range_offset(ipaddress.ip_network(cidr)) == offset

    def test_ipv6_range_excludes_only_the_network_address(self):
        alloc = IPAllocator("fd00::/120")
        assert alloc.family == "IPv6"
        assert alloc.max == 255
        assert alloc.dynamic_band == ("fd00::11", "fd00::ff")

    def test_ipv6_bitmap_is_capped(self):
        assert IPAllocator("fd00::/108").max == 65535


class TestAllocate:
    def test_kubernetes_then_kube_dns(self):
        alloc = IPAllocator("10.96.0.0/12")
        assert alloc.allocate("10.96.0.1") is None
        assert alloc.allocate("10.96.0.10") is None
        assert alloc.allocate("10.96.0.10") == ERR_ALLOCATED
        assert str(ERR_ALLOCATED) == "provided IP is already allocated"
        assert alloc.allocated() == ["10.96.0.1", "10.96.0.10"]

    @pytest.mark.parametrize("ip", ["10.96.0.0", "10.111.255.255", "192.168.1.1", "fd00::1"])
    def test_not_in_range(self, ip):
        err = IPAllocator("10.96.0.0/12").allocate(ip)
        assert err == AllocationError(
            "NotInRange",
            f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12",
        )

    def test_leading_zeros_are_parsed_sloppily(self):
        alloc = IPAllocator("10.96.0.0/12")
        assert alloc.allocate("010.096.000.010") is None
        assert alloc.has("10.96.0.10")

    def test_release_and_counts(self):
        alloc = IPAllocator("10.96.0.0/24")
        alloc.allocate("10.96.0.1")
        alloc.allocate("10.96.0.200")
        assert (alloc.used(), alloc.free()) == (2, 252)
        assert (alloc.free_static(), alloc.free_dynamic()) == (15, 237)
        alloc.release("10.96.0.1")
        alloc.release("bogus")
        assert not alloc.has("10.96.0.1")
        assert alloc.used() == 1


class TestAllocateNext:
    def test_dynamic_band_first(self):
        alloc = IPAllocator("10.96.0.0/12")
        rng = random.Random(9)
        for _ in range(50):
            ip = ipaddress.ip_address(alloc.allocate_next(rng))
            assert ipaddress.ip_address("10.96.1.1") <= ip <= ipaddress.ip_address("10.111.255.254")

    def test_static_band_after_the_dynamic_one_is_full(self):
        alloc = IPAllocator("10.0.0.0/27")  # 30 usable, 16 static
        rng = random.Random(2)
        dynamic = {alloc.allocate_next(rng) for _ in range(14)}
        assert dynamic == {f"10.0.0.{n}" for n in range(17, 31)}
        static = {alloc.allocate_next(rng) for _ in range(16)}
        assert static == {f"10.0.0.{n}" for n in range(1, 17)}
        assert alloc.allocate_next(rng) == ERR_FULL
