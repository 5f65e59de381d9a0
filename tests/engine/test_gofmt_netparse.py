"""Tests for Go-faithful value formatting in errors.py and Go-compatible IP parsing (netparse)."""

import ipaddress

import pytest

from trainer.engine.errors import FieldError, Status, go_quote, go_value, invalid
from trainer.engine.netparse import parse_cidr_sloppy, parse_ip_sloppy
from trainer.engine.validation import GoLiteral


class TestGoFormatting:
    @pytest.mark.parametrize("text, quoted", [
        ("web", '"web"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("tab\there", '"tab\\there"'),
        ("bell\x07", '"bell\\a"'),
        ("nul\x00", '"nul\\x00"'),
        ("del\x7f", '"del\\x7f"'),
        ("café", '"café"'),
        ("nbsp\u00a0", '"nbsp\\u00a0"'),
    ])
    def test_go_quote_matches_strconv_quote(self, text, quoted):
        assert go_quote(text) == quoted

    def test_maps_print_sorted_by_key(self):
        assert go_value({"tier": "front", "app": "web"}) == 'map[string]string{"app":"web", "tier":"front"}'

    def test_go_literal_prints_verbatim(self):
        err = invalid("spec.x", GoLiteral("[]string(nil)"), "detail")
        assert str(err) == "spec.x: Invalid value: []string(nil): detail"
        assert isinstance(err, FieldError)

    def test_unknown_reason_has_no_parentheses(self):
        status = Status(500, "", "duplicate nodePort: {TCP 30080}")
        assert status.kubectl_message() == "Error from server: duplicate nodePort: {TCP 30080}"
        assert Status(500, "InternalError", "Internal error occurred: x").kubectl_message() == (
            "Error from server (InternalError): Internal error occurred: x")


class TestSloppyParsing:
    @pytest.mark.parametrize("text, ip", [
        ("10.96.0.10", "10.96.0.10"),
        ("010.096.000.010", "10.96.0.10"),
        ("fd00::10", "fd00::10"),
        ("::ffff:10.96.0.10", "10.96.0.10"),
    ])
    def test_accepted(self, text, ip):
        assert parse_ip_sloppy(text) == ipaddress.ip_address(ip)

    @pytest.mark.parametrize("text", ["", "10.96.0", "10.96.0.256", "10.96.0.1.", "fe80::1%eth0", "abc", " 10.0.0.1"])
    def test_rejected(self, text):
        assert parse_ip_sloppy(text) is None

    def test_cidrs(self):
        assert str(parse_cidr_sloppy("10.96.3.4/12")) == "10.96.0.0/12"
        assert str(parse_cidr_sloppy("fd00::1/108")) == "fd00::/108"
        assert parse_cidr_sloppy("10.0.0.0") is None
        assert parse_cidr_sloppy("10.0.0.0/+8") is None
        assert parse_cidr_sloppy("10.0.0.0/33") is None
