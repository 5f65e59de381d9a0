"""The AGE column: apimachinery's HumanDuration over an object's creationTimestamp."""

from __future__ import annotations

from ...engine.objects import parse_time

__all__ = ["age", "human_duration", "since"]

_NS = 1_000_000_000


def human_duration(seconds: float) -> str:
    """A duration as k8s.io/apimachinery/pkg/util/duration.HumanDuration writes it.

    Args:
        seconds: the elapsed time; may be fractional or slightly negative (clock skew).

    Returns:
        e.g. "8s", "119s", "2m", "3m20s", "3h4m", "2d5h", "400d", "2y3d"; "0s" for a skew of
        less than two seconds into the future, "<invalid>" beyond that.
    """
    # Go's time.Duration is whole nanoseconds, and int() conversions truncate toward zero.
    ns = round(seconds * _NS)
    whole_seconds = abs(ns) // _NS * (1 if ns >= 0 else -1)
    if whole_seconds < -1:
        return "<invalid>"
    if whole_seconds < 0:
        return "0s"
    if whole_seconds < 60 * 2:
        return f"{whole_seconds}s"
    minutes = ns // (60 * _NS)
    if minutes < 10:
        s = (ns // _NS) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ns // (3600 * _NS)
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def since(timestamp: object, now: float) -> str:
    """translateTimestampSince: HumanDuration from an RFC 3339 timestamp, "<unknown>" when unset."""
    if not timestamp:
        return "<unknown>"
    when = parse_time(str(timestamp))
    if when is None:
        return "<unknown>"
    return human_duration(now - when)


def age(obj: dict, now: float) -> str:
    """The AGE cell for an object: time since metadata.creationTimestamp, or "<unknown>"."""
    return since((obj.get("metadata") or {}).get("creationTimestamp"), now)
