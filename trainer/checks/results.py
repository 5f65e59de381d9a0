"""What one check found: pass or fail, expected vs observed, and where a probe broke."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CheckResult:
    """The outcome of one check against one attempt.

    Attributes:
        id: the check's id.
        passed: whether the assertion held.
        weight: the check's weight in the item's score.
        expected: what the check wanted, in words.
        observed: what the engine saw, in words.
        message: the check's failure message (shown when it failed).
        why: why the check matters.
        misconception: the misconception tag a failure suggests, or "".
        hop: for a failed probe, the hop where the path broke ("" otherwise).
    """

    id: str
    passed: bool
    weight: float
    expected: str
    observed: str
    message: str = ""
    why: str = ""
    misconception: str = ""
    hop: str = ""

    def to_json(self) -> dict:
        """The result as `check --json` prints it."""
        return {"id": self.id, "passed": self.passed, "weight": self.weight, "expected": self.expected,
                "observed": self.observed, "message": self.message, "why": self.why,
                "misconception": self.misconception or None, "hop": self.hop or None}
