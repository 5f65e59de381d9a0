"""Tests for kube-apiserver's Service flags (trainer.engine.flags)."""

import pytest

from trainer.engine.flags import (
    DEFAULT_NODE_PORT_RANGE,
    ParseError,
    PortRange,
    ServiceIPRanges,
    StartupError,
    go_atoi,
    node_port_range_flag_error_text,
    parse_node_port_range_flag,
    parse_port_range,
    parse_service_cluster_ip_range_flag,
    service_cluster_ip_range_flag_error_text,
)


class TestPortRange:
    def test_str_and_contains(self):
        pr = PortRange(30000, 2768)
        assert str(pr) == "30000-32767"
        assert pr.last == 32767
        assert pr.contains(30000) and pr.contains(32767)
        assert not pr.contains(29999) and not pr.contains(32768)

    def test_empty_range_prints_empty(self):
        assert str(PortRange(0, 0)) == ""
        assert not PortRange(0, 0).contains(0)


class TestParsePortRange:
    @pytest.mark.parametrize(
        "value, expected",
        [
            ("30000-32767", PortRange(30000, 2768)),
            ("30000+2767", PortRange(30000, 2768)),
            ("30000", PortRange(30000, 1)),
            ("  20000-40000 ", PortRange(20000, 20001)),
            ("0", PortRange(0, 1)),
        ],
    )
    def test_accepted_notations(self, value, expected):
        assert parse_port_range(value) == expected

    def test_empty_means_unset(self):
        assert parse_port_range("") == PortRange(0, 0)

    @pytest.mark.parametrize(
        "value, message",
        [
            ("abc", 'strconv.Atoi: parsing "abc": invalid syntax'),
            ("30000-abc", 'strconv.Atoi: parsing "abc": invalid syntax'),
            ("-1-5", 'strconv.Atoi: parsing "": invalid syntax'),
            ("30000+", 'strconv.Atoi: parsing "": invalid syntax'),
            ("30000-32767+1", "unable to parse port range: 30000-32767+1"),
            ("30000-70000", "the port range cannot be greater than 65535: 30000-70000"),
            ("60000+6000", "the port range cannot be greater than 65535: 60000+6000"),
            ("32767-30000", "end port cannot be less than start port: 32767-30000"),
            ("99999999999999999999", 'strconv.Atoi: parsing "99999999999999999999": value out of range'),
            ("30000 - 32767", 'strconv.Atoi: parsing "30000 ": invalid syntax'),
        ],
    )
    def test_rejections_use_go_texts(self, value, message):
        assert parse_port_range(value) == ParseError(message)


class TestGoAtoi:
    def test_signs_and_errors(self):
        assert go_atoi("+42") == 42
        assert go_atoi("-7") == -7
        assert go_atoi("+") == ParseError('strconv.Atoi: parsing "+": invalid syntax')
        assert go_atoi("1_000") == ParseError('strconv.Atoi: parsing "1_000": invalid syntax')
        assert go_atoi("٣") == ParseError('strconv.Atoi: parsing "٣": invalid syntax')


class TestNodePortRangeFlag:
    def test_valid_value(self):
        assert parse_node_port_range_flag("30000-32767") == PortRange(30000, 2768)

    def test_empty_value_completes_to_default(self):
        assert parse_node_port_range_flag("") == DEFAULT_NODE_PORT_RANGE

    def test_bad_value_startup_line(self):
        result = parse_node_port_range_flag("abc")
        assert result == StartupError(
            'invalid argument "abc" for "--service-node-port-range" flag: strconv.Atoi: parsing "abc": invalid syntax',
            True,
        )
        assert result.text() == (
            'Error: invalid argument "abc" for "--service-node-port-range" flag: '
            'strconv.Atoi: parsing "abc": invalid syntax'
        )

    def test_reversed_range_startup_line(self):
        assert node_port_range_flag_error_text("32767-30000") == (
            'Error: invalid argument "32767-30000" for "--service-node-port-range" flag: '
            "end port cannot be less than start port: 32767-30000"
        )

    def test_valid_value_has_no_error_text(self):
        assert node_port_range_flag_error_text("30000-32767") is None


class TestServiceClusterIPRangeFlag:
    def test_kubeadm_default(self):
        result = parse_service_cluster_ip_range_flag("10.96.0.0/12")
        assert isinstance(result, ServiceIPRanges)
        assert str(result.primary) == "10.96.0.0/12"
        assert result.secondary is None
        assert result.api_server_service_ip == "10.96.0.1"

    def test_host_bits_are_masked_like_go(self):
        result = parse_service_cluster_ip_range_flag("10.96.5.7/12")
        assert str(result.primary) == "10.96.0.0/12"

    def test_unset_uses_apiserver_default(self):
        result = parse_service_cluster_ip_range_flag("")
        assert str(result.primary) == "10.0.0.0/24"
        assert result.api_server_service_ip == "10.0.0.1"

    def test_dual_stack(self):
        result = parse_service_cluster_ip_range_flag("10.96.0.0/12,fd00::/108")
        assert [str(c) for c in result.cidrs] == ["10.96.0.0/12", "fd00::/108"]

    @pytest.mark.parametrize(
        "value, message",
        [
            ("10.96.0.0", "service-cluster-ip-range[0] is not a valid cidr"),
            ("abc", "service-cluster-ip-range[0] is not a valid cidr"),
            ("10.96.0.0/33", "service-cluster-ip-range[0] is not a valid cidr"),
            ("10.96.0.0/255.240.0.0", "service-cluster-ip-range[0] is not a valid cidr"),
            ("10.96.0.0/30", "error determining service IP ranges for primary service cidr: "
                             "the service cluster IP range must be at least 8 IP addresses"),
            ("10.96.0.0/12,nope", "service-cluster-ip-range[1] is not an ip net"),
            ("10.96.0.0/11", "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
            ("10.96.0.0/12,10.0.0.0/16",
             "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"),
            ("10.96.0.0/12,fd00::/64",
             "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108"),
            ("10.96.0.0/12,fd00::/108,10.1.0.0/16", "--service-cluster-ip-range must not contain more than two entries"),
            ("10.96.0.0/8,10.0.0.0/8",
             "[specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12, "
             "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family, "
             "specified --service-cluster-ip-range[1] is too large; for 32-bit addresses, the mask must be >= 12]"),
        ],
    )
    def test_rejections(self, value, message):
        assert parse_service_cluster_ip_range_flag(value) == StartupError(message, False)

    def test_bad_cidr_is_logged_by_klog(self):
        assert service_cluster_ip_range_flag_error_text("10.96.0.0") == (
            'E0101 00:00:00.000000       1 run.go:74] "command failed" '
            'err="service-cluster-ip-range[0] is not a valid cidr"'
        )

    def test_klog_clock_is_the_callers(self):
        err = parse_service_cluster_ip_range_flag("x")
        assert err.text(klog_time="0612 08:15:30.123456", pid=4242) == (
            'E0612 08:15:30.123456    4242 run.go:74] "command failed" '
            'err="service-cluster-ip-range[0] is not a valid cidr"'
        )

    def test_leading_zeros_are_accepted_sloppily(self):
        result = parse_service_cluster_ip_range_flag("010.096.000.000/12")
        assert str(result.primary) == "10.96.0.0/12"
