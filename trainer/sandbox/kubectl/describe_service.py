"""kubectl describe for Services and what backs them: Endpoints and EndpointSlices (kubectl v1.32)."""

from __future__ import annotations

from ...engine.labels import Requirement, Selector
from .describe_events import events_section
from .describe_text import Writer, annotations_multiline, format_labels, go_value, labels_multiline

#: formatEndpointSlices lists this many addresses, then "+ N more...".
MAX_ENDPOINTS = 3


def service_slices(api, service: dict) -> list[dict]:
    """The EndpointSlices labelled kubernetes.io/service-name=<service>, in list (name) order."""
    meta = service.get("metadata") or {}
    selector = Selector((Requirement("kubernetes.io/service-name", "=", (str(meta.get("name", "")),)),))
    return list(api.iter("EndpointSlice", meta.get("namespace") or "default", selector))


def format_endpoint_slices(slices: list[dict], port_name: str) -> str:
    """formatEndpointSlices for one Service port: ready addresses as ip:port, at most three.

    Matches v1.32 to the quirk: the "+ N more" flag is raised by any endpoint seen after the
    third listed one, ready or not, while N counts only ready endpoints.
    """
    if not slices:
        return "<none>"
    listed: list[str] = []
    more, count = False, 0
    for eps in slices:
        endpoints = eps.get("endpoints") or []
        targets = [(None, None)] if not eps.get("ports") else \
            [(p.get("port"), p) for p in eps["ports"] if (p.get("name") or "") == port_name]
        for port, _p in targets:
            for ep in endpoints:
                if len(listed) == MAX_ENDPOINTS:
                    more = True
                ready = (ep.get("conditions") or {}).get("ready")
                if ready is not None and not ready:
                    continue
                if not more:
                    addr = str((ep.get("addresses") or [""])[0])
                    if port is None:
                        listed.append(addr)
                    else:
                        listed.append(f"[{addr}]:{int(port)}" if ":" in addr else f"{addr}:{int(port)}")
                count += 1
    text = ",".join(listed)
    return f"{text} + {count - MAX_ENDPOINTS} more..." if more else text


def describe_service(service: dict, slices: list[dict], now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe service`` for one Service and its EndpointSlices."""
    w = Writer()
    meta, spec = service.get("metadata") or {}, service.get("spec") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type') or ''}\n")
    if spec.get("ipFamilyPolicy") is not None:
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP') or ''}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(_ingress(i) for i in ingress)}\n")
    for port in spec.get("ports") or []:
        name, proto = port.get("name") or "<unset>", port.get("protocol") or ""
        w.write(0, f"Port:\t{name}\t{go_value(port.get('port'))}/{proto}\n")
        w.write(0, f"TargetPort:\t{go_value(port.get('targetPort', 0))}/{proto}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{int(port['nodePort'])}/{proto}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity') or ''}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy") is not None:
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{int(spec['healthCheckNodePort'])}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if events is not None:
        events_section(w, events, now)
    return w.text()


def _ingress(entry: dict) -> str:
    """buildIngressString: the IP with its ipMode, or the hostname."""
    if entry.get("ip"):
        return entry["ip"] + (f" ({entry['ipMode']})" if entry.get("ipMode") else "")
    return str(entry.get("hostname") or "")


def describe_endpoint_slice(eps: dict, now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe endpointslice`` (describeEndpointSliceV1)."""
    w = Writer()
    meta = eps.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"AddressType:\t{eps.get('addressType') or ''}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            number = port.get("port")
            w.write(1, f"{port.get('name') or '<unset>'}\t{'<unset>' if number is None else int(number)}\t"
                       f"{port.get('protocol') or ''}\n")
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for ep in endpoints:
            w.write(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else go_value(bool(ready))}\n")
            w.write(2, f"Hostname:\t{ep['hostname'] if ep.get('hostname') is not None else '<unset>'}\n")
            if ep.get("targetRef") is not None:
                ref = ep["targetRef"] or {}
                w.write(2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
            w.write(2, f"NodeName:\t{ep['nodeName'] if ep.get('nodeName') is not None else '<unset>'}\n")
            w.write(2, f"Zone:\t{ep['zone'] if ep.get('zone') is not None else '<unset>'}\n")
    if events is not None:
        events_section(w, events, now)
    return w.text()


def describe_endpoints(ep: dict, now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe endpoints``."""
    w = Writer()
    meta = ep.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(str(a.get("ip", "")) for a in subset.get("addresses") or [])
        not_ready = ",".join(str(a.get("ip", "")) for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{int(port.get('port') or 0)}\t"
                           f"{port.get('protocol') or ''}\n")
        w.write(0, "\n")
    if events is not None:
        events_section(w, events, now)
    return w.text()
