"""The renderer against the expected dumps of upstream's pkg/proxy/iptables/proxier_test.go.

The scenarios are rewritten from TestOverallIPTablesRules, TestSyncProxyRulesRepeated and
TestSyncProxyRulesLargeClusterMode. Upstream's expectations are kube-proxy's
iptables-restore input; the GOLD_* texts below are those same dumps after a real
``iptables-restore`` / ``iptables-save`` (iptables v1.8.9, nf_tables) round trip, i.e. what
``iptables-save`` shows for them.
"""

from __future__ import annotations

from tests.engine.test_proxy_render_fixtures import (
    UPSTREAM_CONFIG,
    UPSTREAM_NODE,
    endpoint_slice,
    ep,
    port,
    rules,
    service,
    tables,
)
from trainer.engine.proxy import NodeProxier, render_iptables

GOLD_OVERALL = """\
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
-A KUBE-EXTERNAL-SERVICES -d 192.168.99.22/32 -p tcp -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -d 1.2.3.4/32 -p tcp -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp --dport 80 -j DROP
-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 3001 -j DROP
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-NODEPORTS -p tcp -m comment --comment "ns2/svc2:p80 health check node port" -m tcp --dport 30000 -j ACCEPT
-A KUBE-PROXY-FIREWALL -d 5.6.7.8/32 -p tcp -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp --dport 80 -j DROP
-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
:KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
:KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
:KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
:KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
:KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
:KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
:KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
:KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
:KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -s 10.0.0.0/8 -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-FW-NUKIZ6OKUXPJNT4C -s 203.0.113.0/25 -m comment --comment "ns5/svc5:p80 loadbalancer IP" -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "ns2/svc2:p80" -m tcp --dport 3001 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -p tcp -m comment --comment "ns2/svc2:p80" -m tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "ns3/svc3:p80" -m tcp --dport 3003 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -p tcp -m comment --comment "ns3/svc3:p80" -m tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "ns5/svc5:p80" -m tcp --dport 3002 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-NODEPORTS -p tcp -m comment --comment "ns5/svc5:p80" -m tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -s 10.180.0.5/32 -m comment --comment "ns4/svc4:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-C6EBXVWJJZMIWKLZ -p tcp -m comment --comment "ns4/svc4:p80" -m tcp -j DNAT --to-destination 10.180.0.5:80
-A KUBE-SEP-I77PXRDZVX7PMWMN -s 10.180.0.3/32 -m comment --comment "ns5/svc5:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-I77PXRDZVX7PMWMN -p tcp -m comment --comment "ns5/svc5:p80" -m recent --set --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-OYPFS5VJICHGATKP -s 10.180.0.3/32 -m comment --comment "ns3/svc3:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-OYPFS5VJICHGATKP -p tcp -m comment --comment "ns3/svc3:p80" -m tcp -j DNAT --to-destination 10.180.0.3:80
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -s 10.180.0.2/32 -m comment --comment "ns2/svc2:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-RS4RBKLTHTF2IUXJ -p tcp -m comment --comment "ns2/svc2:p80" -m tcp -j DNAT --to-destination 10.180.0.2:80
-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-UKSFD7AGPMPPLUHC -s 10.180.0.4/32 -m comment --comment "ns4/svc4:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-UKSFD7AGPMPPLUHC -p tcp -m comment --comment "ns4/svc4:p80" -m tcp -j DNAT --to-destination 10.180.0.4:80
-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -d 172.30.0.42/32 -p tcp -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -d 192.168.99.22/32 -p tcp -m comment --comment "ns2/svc2:p80 external IP" -m tcp --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -d 1.2.3.4/32 -p tcp -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
-A KUBE-SERVICES -d 172.30.0.43/32 -p tcp -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
-A KUBE-SERVICES -d 172.30.0.44/32 -p tcp -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -d 192.168.99.33/32 -p tcp -m comment --comment "ns4/svc4:p80 external IP" -m tcp --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
-A KUBE-SERVICES -d 172.30.0.45/32 -p tcp -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -d 5.6.7.8/32 -p tcp -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-4SW47YFZTEDKD3PK ! -s 10.0.0.0/8 -d 172.30.0.44/32 -p tcp -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT ! -s 10.0.0.0/8 -d 172.30.0.42/32 -p tcp -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C ! -s 10.0.0.0/8 -d 172.30.0.45/32 -p tcp -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255.255.255.255 --rsource -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
-A KUBE-SVC-X27LE4BHSL4DOUIK ! -s 10.0.0.0/8 -d 172.30.0.43/32 -p tcp -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
COMMIT
"""

GOLD_REPEATED = """\
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-SNQ3ZNILQDEJNDQO - [0:0]
:KUBE-SEP-UHEGFW77JX3KXTOV - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-2VJB64SDSIJUP5T6 - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SEP-SNQ3ZNILQDEJNDQO -s 10.0.1.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ
-A KUBE-SEP-SNQ3ZNILQDEJNDQO -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.0.1.1:80
-A KUBE-SEP-UHEGFW77JX3KXTOV -s 10.0.2.1/32 -m comment --comment "ns2/svc2:p8080" -j KUBE-MARK-MASQ
-A KUBE-SEP-UHEGFW77JX3KXTOV -p tcp -m comment --comment "ns2/svc2:p8080" -m tcp -j DNAT --to-destination 10.0.2.1:8080
-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SERVICES -d 172.30.0.42/32 -p tcp -m comment --comment "ns2/svc2:p8080 cluster IP" -m tcp --dport 8080 -j KUBE-SVC-2VJB64SDSIJUP5T6
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-2VJB64SDSIJUP5T6 ! -s 10.0.0.0/8 -d 172.30.0.42/32 -p tcp -m comment --comment "ns2/svc2:p8080 cluster IP" -m tcp --dport 8080 -j KUBE-MARK-MASQ
-A KUBE-SVC-2VJB64SDSIJUP5T6 -m comment --comment "ns2/svc2:p8080 -> 10.0.2.1:8080" -j KUBE-SEP-UHEGFW77JX3KXTOV
-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.0.1.1:80" -j KUBE-SEP-SNQ3ZNILQDEJNDQO
COMMIT
"""

_BUILTIN_JUMP = ("-A INPUT ", "-A FORWARD ", "-A OUTPUT ", "-A PREROUTING ", "-A POSTROUTING ")


def _kube_proxy_view(text: str) -> dict[str, list[str]]:
    """nat and filter as upstream's dump shows them: no canary chains, no built-in jumps."""
    out = {}
    for table in ("filter", "nat"):
        out[table] = [
            line for line in tables(text)[table] if "CANARY" not in line and not line.startswith(_BUILTIN_JUMP)
        ]
    return out


def overall_objects() -> tuple[list[dict], list[dict]]:
    """TestOverallIPTablesRules: six services covering every service type and policy."""
    p80 = [port("p80", 80)]
    services = [
        service("ns1", "svc1", "172.30.0.41", p80),
        service(
            "ns2", "svc2", "172.30.0.42", [port("p80", 80, node_port=3001)], svc_type="LoadBalancer",
            externalTrafficPolicy="Local", externalIPs=["192.168.99.22"], healthCheckNodePort=30000,
            status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
        ),
        service("ns3", "svc3", "172.30.0.43", [port("p80", 80, node_port=3003)], svc_type="NodePort"),
        service("ns4", "svc4", "172.30.0.44", p80, svc_type="NodePort", externalIPs=["192.168.99.33"]),
        service(
            "ns5", "svc5", "172.30.0.45", [port("p80", 80, node_port=3002)], svc_type="LoadBalancer",
            healthCheckNodePort=30000, loadBalancerSourceRanges=[" 203.0.113.0/25"],
            sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}},
            status={"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}]}},
        ),
        service("ns6", "svc6", "172.30.0.46", p80),
    ]
    p = [("p80", 80, "TCP")]
    slices = [
        endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], p),
        # Not on this node (no nodeName), so svc2 has no local endpoints.
        endpoint_slice("ns2", "svc2", [ep("10.180.0.2")], p),
        endpoint_slice("ns3", "svc3", [ep("10.180.0.3")], p),
        endpoint_slice("ns4", "svc4", [ep("10.180.0.4"), ep("10.180.0.5", "test-node")], p),
        endpoint_slice("ns5", "svc5", [ep("10.180.0.3")], p),
    ]
    return services, slices


def test_overall_rules_match_upstream_dump_exactly() -> None:
    services, slices = overall_objects()
    out = render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, services, slices)
    assert _kube_proxy_view(out) == {t: lines for t, lines in tables(GOLD_OVERALL).items()}


def test_overall_key_lines() -> None:
    services, slices = overall_objects()
    out = render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, services, slices)
    # Hash-named chains exactly as upstream names them.
    assert rules(out, "nat", "KUBE-SVC-XPGD46QRK7WJZT7O") == [
        '-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
        '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    ]
    # Two endpoints: the first rule is a coin toss as iptables-save prints it.
    assert "-m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC" in rules(
        out, "nat", "KUBE-SVC-4SW47YFZTEDKD3PK"
    )[1]
    # The no-endpoints service only exists in the filter table.
    assert rules(out, "filter", "KUBE-SERVICES") == [
        '-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable'
    ]


def repeated_objects() -> tuple[list[dict], list[dict]]:
    """TestSyncProxyRulesRepeated's initial state: two ClusterIP services."""
    services = [
        service("ns1", "svc1", "172.30.0.41", [port("p80", 80)]),
        service("ns2", "svc2", "172.30.0.42", [port("p8080", 8080)]),
    ]
    slices = [
        endpoint_slice("ns1", "svc1", [ep("10.0.1.1")], [("p80", 80, "TCP")]),
        endpoint_slice("ns2", "svc2", [ep("10.0.2.1")], [("p8080", 8080, "TCP")]),
    ]
    return services, slices


def test_repeated_sync_initial_dump_matches_upstream() -> None:
    services, slices = repeated_objects()
    out = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG).sync(services, slices)
    assert _kube_proxy_view(out) == {t: lines for t, lines in tables(GOLD_REPEATED).items()}


def test_repeated_sync_adds_and_removes_service_chains() -> None:
    services, slices = repeated_objects()
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    proxier.sync(services, slices)
    svc3 = service("ns3", "svc3", "172.30.0.43", [port("p80", 80)])
    eps3 = endpoint_slice("ns3", "svc3", [ep("10.0.3.1")], [("p80", 80, "TCP")])
    out = proxier.sync(services + [svc3], slices + [eps3])
    assert rules(out, "nat", "KUBE-SEP-BSWRHOQ77KEXZLNL") == [
        '-A KUBE-SEP-BSWRHOQ77KEXZLNL -s 10.0.3.1/32 -m comment --comment "ns3/svc3:p80" -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-BSWRHOQ77KEXZLNL -p tcp -m comment --comment "ns3/svc3:p80" -m tcp -j DNAT --to-destination 10.0.3.1:80',
    ]
    # The chains of the untouched services are still there (kube-proxy only wrote svc3's).
    assert ":KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]" in out and ":KUBE-SVC-2VJB64SDSIJUP5T6 - [0:0]" in out
    # Deleting svc2 deletes its chains (small cluster: stale chains are removed at once).
    out = proxier.sync([services[0], svc3], [slices[0], eps3])
    assert "KUBE-SVC-2VJB64SDSIJUP5T6" not in out and "KUBE-SEP-UHEGFW77JX3KXTOV" not in out
    assert out == render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, [services[0], svc3], [slices[0], eps3])


def _count(text: str, first_ip: str) -> tuple[str, int, int]:
    """upstream's countEndpointsAndComments: first DNAT line for an IP, DNAT lines, commented ones."""
    first, dnat, comments = "", 0, 0
    for line in text.splitlines():
        if line.startswith("-A KUBE-SEP-") and "-j DNAT" in line:
            dnat += 1
            comments += "--comment" in line
            if f"--to-destination {first_ip}:" in line and not first:
                first = line
    return first, dnat, comments


def test_large_cluster_mode_drops_comments_only_on_resynced_chains() -> None:
    services = [
        service("ns1", "svc1", "172.30.0.41", [port("p80", 80)]),
        service("ns2", "svc2", "172.30.0.42", [port("p8080", 8080)]),
        service("ns3", "svc3", "172.30.0.43", [port("p8081", 8081)]),
    ]
    n = 1000 // 2 - 1
    slices = [
        endpoint_slice("ns1", "svc1", [ep(f"10.0.{i % 256}.{i // 256}") for i in range(n)], [("p80", 80, "TCP")]),
        endpoint_slice("ns2", "svc2", [ep(f"10.1.{i % 256}.{i // 256}") for i in range(n)], [("p8080", 8080, "TCP")]),
    ]
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    out = proxier.sync(services, slices)
    first, dnat, comments = _count(out, "10.0.0.0")
    assert first == '-A KUBE-SEP-DKGQUZGBKLTPAR56 -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.0.0.0:80'
    assert (dnat, comments, proxier.large_cluster_mode) == (2 * n, 2 * n, False)

    eps3 = endpoint_slice(
        "ns3", "svc3", [ep("203.0.113.4"), ep("203.0.113.8"), ep("203.0.113.12")], [("p8081", 8081, "TCP")]
    )
    out = proxier.sync(services, slices + [eps3])
    assert proxier.large_cluster_mode
    first, _, _ = _count(out, "203.0.113.4")
    assert first == "-A KUBE-SEP-RUVVH7YV3PHQBDOS -p tcp -m tcp -j DNAT --to-destination 203.0.113.4:8081"
    # A partial sync does not rewrite svc1/svc2, so their comments survive.
    first, dnat, comments = _count(out, "10.0.0.0")
    assert "--comment" in first and comments == 2 * n

    out = proxier.sync(services, slices + [eps3], full=True)
    first, dnat, comments = _count(out, "10.0.0.0")
    assert first == "-A KUBE-SEP-DKGQUZGBKLTPAR56 -p tcp -m tcp -j DNAT --to-destination 10.0.0.0:80"
    assert (dnat, comments) == (2 * n + 3, 0)
    svc_rules = rules(out, "nat", "KUBE-SVC-XPGD46QRK7WJZT7O")
    assert svc_rules[0].endswith('-m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ')
    assert svc_rules[1].startswith("-A KUBE-SVC-XPGD46QRK7WJZT7O -m statistic --mode random --probability 0.00200400781 -j ")
