"""The Events section of kubectl describe, and the few events the engine lets us reconstruct."""

from __future__ import annotations

from ...engine.objects import format_time, parse_time
from .describe_text import Writer, since

#: kube-scheduler retries an unschedulable Pod at least this often (podMaxInUnschedulablePodsDuration).
SCHEDULER_RETRY_SECONDS = 300


def _when(event: dict) -> float:
    """SortableEvents' key: series.lastObservedTime, else lastTimestamp, else eventTime."""
    series = event.get("series") or {}
    for value in (series.get("lastObservedTime"), event.get("lastTimestamp"), event.get("eventTime")):
        epoch = parse_time(value) if value else None
        if epoch is not None:
            return epoch
    return float("-inf")


def interval(event: dict, now: float) -> str:
    """The Age column: "5s", or "2m (x3 over 12m)" for a repeated event."""
    first = since(now, event.get("eventTime")) if event.get("eventTime") else since(now, event.get("firstTimestamp"))
    series = event.get("series")
    if series:
        return f"{since(now, series.get('lastObservedTime'))} (x{int(series.get('count') or 0)} over {first})"
    count = int(event.get("count") or 0)
    if count > 1:
        return f"{since(now, event.get('lastTimestamp'))} (x{count} over {first})"
    return first


def events_section(w: Writer, events: list[dict], now: float) -> None:
    """DescribeEvents: ``Events:  <none>`` in the running block, or a table that starts its own."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in sorted(events, key=_when):
        source = (event.get("source") or {}).get("component") or event.get("reportingController") or ""
        w.write(1, f"{event.get('type', '')}\t{event.get('reason', '')}\t{interval(event, now)}\t"
                   f"{source}\t{str(event.get('message') or '').strip()}\n")


def pod_events(pod: dict, now: float) -> list[dict]:
    """Events we can rebuild from a Pod's state alone: FailedScheduling while it cannot be placed.

    The scheduler reports each failed attempt; identical reports merge into one series, and an
    unschedulable Pod is retried at least every five minutes, so the count grows with time.
    Kubelet events (Pulled, Created, Started) depend on image caches the engine does not model,
    so they are left out rather than invented.
    """
    status = pod.get("status") or {}
    if status.get("phase") not in (None, "", "Pending") or (pod.get("spec") or {}).get("nodeName"):
        return []
    cond = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
    if cond is None or cond.get("status") != "False" or cond.get("reason") != "Unschedulable":
        return []
    first = parse_time(cond.get("lastTransitionTime") or "") or parse_time(
        (pod.get("metadata") or {}).get("creationTimestamp") or "") or now
    attempts = 1 + max(0, int((now - first) // SCHEDULER_RETRY_SECONDS))
    event = {"type": "Warning", "reason": "FailedScheduling", "reportingController": "default-scheduler",
             "eventTime": format_time(first), "message": cond.get("message", "")}
    if attempts > 1:
        event["series"] = {"count": attempts,
                           "lastObservedTime": format_time(first + (attempts - 1) * SCHEDULER_RETRY_SECONDS)}
    return [event]
