"""Assertions over observed values: comparison rules and the words for expected vs observed."""

from __future__ import annotations

import json
import re
from typing import Any, Callable

#: Resolves an expected value that comes from the engine; returns the value or raises SourceError.
Resolver = Callable[[Any], Any]


class SourceError(Exception):
    """An expected value that the engine could not compute (e.g. its object does not exist)."""


def norm(value: Any) -> str:
    """A value as text, the way kubectl's JSONPath prints it (true, 31000, text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value).strip()


def show(values: list) -> str:
    """Observed values in words."""
    if not values:
        return "nothing"
    if len(values) == 1:
        return _quoted(values[0])
    return "[" + ", ".join(_quoted(v) for v in values) + "]"


def _quoted(value: Any) -> str:
    text = norm(value)
    lines = text.splitlines()
    if len(lines) > 8 or len(text) > 600:
        text = "\n".join(lines[:8])[:600] + "\n..."
    return text


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(norm(value))
    except ValueError:
        return None


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def judge(assertions: dict, values: list, resolve: Resolver) -> tuple[bool, str, str]:
    """Apply every assertion to the observed values.

    Args:
        assertions: assertion name -> expected (raw from the pack).
        values: what was observed, as a list (one item for a single value).
        resolve: turns an engine value source into its value.

    Returns:
        (passed, expected in words, observed in words).
    """
    words: list[str] = []
    passed = True
    for key, raw in assertions.items():
        try:
            want = resolve(raw) if isinstance(raw, dict) else raw
        except SourceError as exc:
            words.append(f"{key} <{exc}>")
            passed = False
            continue
        ok, text = _one(key, want, values)
        words.append(text)
        passed = passed and ok
    return passed, "; ".join(words), show(values)


def _one(key: str, want: Any, values: list) -> tuple[bool, str]:
    got = [norm(v) for v in values]
    if key in ("equals", "not_equals"):
        if isinstance(want, list):
            same = sorted(got) == sorted(norm(w) for w in want)
        else:
            same = len(got) == 1 and got[0] == norm(want)
        text = show(_as_list(want)) if isinstance(want, list) else _quoted(want)
        return (same, text) if key == "equals" else (not same, f"not {text}")
    if key == "one_of":
        options = [norm(w) for w in _as_list(want)]
        return len(got) == 1 and got[0] in options, "one of " + ", ".join(options)
    if key == "in_range":
        low, high = want
        nums = [_number(v) for v in values]
        ok = bool(nums) and all(n is not None and low <= n <= high for n in nums)
        return ok, f"between {norm(low)} and {norm(high)}"
    if key in ("min", "max"):
        nums = [_number(v) for v in values]
        bound = float(want)
        ok = len(nums) == 1 and nums[0] is not None and (nums[0] >= bound if key == "min" else nums[0] <= bound)
        return ok, f"at least {norm(want)}" if key == "min" else f"at most {norm(want)}"
    if key == "matches":
        text = " ".join(got)
        return re.search(str(want), text) is not None, f"matching /{want}/"
    if key == "contains":
        needle = norm(want)
        ok = needle in got or any(needle in g for g in got)
        return ok, f"containing {needle!r}"
    if key == "exists":
        present = any(v is not None and v != "" for v in values)
        return present == bool(want), "present" if want else "absent"
    return False, f"unknown assertion {key}"
