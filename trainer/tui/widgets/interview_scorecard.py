"""The interview scorecard as text: bars with numbers per topic and per question, and the engine's verdicts."""

from __future__ import annotations

from ...study.reports import bar as text_bar
from .interview_session import MAIN, Proof, Scorecard

#: Cells in a score bar.
BAR_WIDTH = 8
#: Width of the first column (topic or question).
_NAME = 32


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def number(value: float) -> str:
    """A score without a needless ".0"."""
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def bar(score: float, top: float, width: int = BAR_WIDTH) -> str:
    """A text bar with its numbers, e.g. "████░░░░  4/8"."""
    return text_bar(score / top if top else 0.0, width) + f"  {number(score)}/{number(top)}"


def proof_words(proof: Proof | None, item_id: str) -> str:
    """What the engine said about a follow-up, with ✓/✗ and in words."""
    if not item_id:
        return ""
    if proof is None:
        return "– not tried"
    if proof.status == "passed":
        return f"✓ proven {number(proof.score)}/{number(proof.max_score)}"
    if proof.status == "failed":
        return f"✗ not proven {number(proof.score)}/{number(proof.max_score)}"
    if proof.status == "timed out":
        return "✗ time ran out"
    return "– unavailable"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def scorecard_lines(card: Scorecard) -> list[str]:
    """The scorecard as lines of plain text (no wider than 70 columns, so it fits 80)."""
    score, top = card.score
    percent = f" ({round(100 * score / top)}%)" if top else ""
    limit = f" of {clock(card.time_limit)}" if card.time_limit else " (no time limit)"
    tried = [q for q in card.questions if q.proof is not None and q.proof.tried]
    passed = sum(q.proof.status == "passed" for q in tried)
    lines = [f"Scorecard: {card.title}", "",
             f"Time used {clock(card.time_used)}{limit}" + (" — time ran out" if card.timed_out else ""),
             f"Your rating of your answers: {number(score)}/{number(top)}{percent}",
             f"Proven in the engine: {passed} of {len(tried)} follow-ups tried", "",
             f"{'By topic':<{_NAME}}{'your rating':<{BAR_WIDTH + 10}}engine checks"]
    for t in card.topics:
        engine = f"✓ {t.engine_passed} of {t.engine_tried} passed" if t.engine_tried else "none tried"
        if t.engine_tried and not t.engine_passed:
            engine = f"✗ 0 of {t.engine_tried} passed"
        lines.append(f"{_cut(t.topic, _NAME - 2):<{_NAME}}{bar(t.score, t.max_score):<{BAR_WIDTH + 10}}{engine}")
    lines += ["", f"{'Questions':<{_NAME}}{'your rating':<{BAR_WIDTH + 10}}engine"]
    for n, q in enumerate(card.questions):
        name = "Main question" if q.id == MAIN else f"{n}. {_cut(q.ask, _NAME - 5)}"
        if not q.answered:
            name = _cut(name, _NAME - 13) + " (no answer)"
        lines.append(f"{name:<{_NAME}}{bar(q.score, q.max_score):<{BAR_WIDTH + 10}}{proof_words(q.proof, q.item_id)}")
    return lines
