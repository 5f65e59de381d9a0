"""Interview: a timed mock interview with self-rating, follow-ups proven in the engine, and a scorecard."""

from __future__ import annotations

from time import monotonic

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import ContentSwitcher, Footer, Header

from ..widgets.interview_clock import InterviewClock
from ..widgets.interview_prove import UNAVAILABLE, ProveModal, panel_factory
from ..widgets.interview_session import MAIN, InterviewSession, Proof, Scorecard
from ..widgets.interview_setup import InterviewSetup
from ..widgets.interview_stages import AnswerView, RateView, ScoreView
from .base import ModeScreen


class InterviewScreen(ModeScreen):
    """Choose an interview, answer against the clock, rate yourself, take the follow-ups, read the scorecard."""

    HELP = """
# Interview

A mock interview, timed like the real thing.

1. **Choose** the interview question (↑/↓) and the time limit: **+** and **-** change it by a
   minute, **t** switches it off (and on again). **s** or **Enter** starts; the question shows
   when the clock starts.
2. **Answer** in your own words, as you would say it, in the text box. **Ctrl+S** (or F9) locks
   the answer in.
3. **Rate yourself**: the question's key points are listed with checkboxes. Points marked
   *✓ mentioned in your answer* are the ones the app found words for — a help, not a verdict:
   an answer can mention a point and get it wrong, so tick only what you really said right.
   Tick (Space) only what you really covered, then **Ctrl+S**.
4. **Follow-ups** come next, chosen from your answer and rating, and are answered and rated the
   same way. Many can be **proven in the engine** (**Ctrl+O**): the practice item opens over
   the interview and the engine checks your answer; Esc comes back.
5. The **scorecard** shows, for each topic, your rating as a bar with numbers and what the
   engine checked, then each question, the time used, and a model answer.

The clock runs while you answer and prove, and pauses while you rate yourself. When time runs
out, the answer you are writing is locked, you rate it, and the scorecard follows.
**Ctrl+F** ends the interview early. A follow-up counts toward the topics of the item that
proves it (or the interview's own topics when it has none).
"""
    BINDINGS = [
        Binding("s", "start", "Start", id="interview-start", tooltip="Start the interview: the question and the clock"),
        Binding("plus,equals_sign", "limit(1)", "More time", key_display="+", id="interview-longer",
                tooltip="Allow one more minute"),
        Binding("minus", "limit(-1)", "Less time", key_display="-", id="interview-shorter",
                tooltip="Allow one minute less"),
        Binding("t", "toggle_limit", "Timer on/off", id="interview-timer", tooltip="Switch the time limit off or on"),
        Binding("ctrl+s,f9", "submit", "Done", id="interview-submit",
                tooltip="Lock in this answer and rate it against the key points"),
        Binding("ctrl+s,f9", "confirm", "Rated", id="interview-confirm",
                tooltip="Keep these ticks and go on to the next question"),
        Binding("ctrl+o", "prove", "Prove", id="interview-prove",
                tooltip="Prove this follow-up in the engine: open its practice item"),
        Binding("ctrl+f", "finish", "Finish", id="interview-finish", tooltip="End the interview now: the scorecard"),
        Binding("n", "new", "New interview", id="interview-new", tooltip="Choose a question and start again"),
    ]
    """Each stage shows only its own keys (see check_action); Ctrl+S always means "go on"."""

    class Finished(Message):
        """An interview reached its scorecard (for recording progress)."""

        def __init__(self, scorecard: Scorecard) -> None:
            super().__init__()
            self.scorecard = scorecard

    def __init__(self) -> None:
        super().__init__()
        self.stage = "setup"
        self.session: InterviewSession | None = None
        self._modal: ProveModal | None = None
        self._last_tick = monotonic()
        #: True stops the real-time clock (screenshots and snapshots; tests use advance_clock).
        self.frozen = False

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield InterviewClock(id="interview-status")
        with ContentSwitcher(initial="interview-setup", id="interview-stages"):
            yield InterviewSetup([(pack, item) for pack in self.state.sound for item in pack.items
                                  if item.kind == "interview" and not item.broken], id="interview-setup")
            yield AnswerView(id="interview-answer")
            yield RateView(id="interview-rate")
            yield ScoreView(id="interview-score")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._focus_stage()
        self.set_interval(1.0, self._tick)
        self._show_clock()

    @property
    def setup(self) -> InterviewSetup:
        """The question and time-limit chooser."""
        return self.query_one(InterviewSetup)

    def choose(self, pack_id: str, item_id: str) -> bool:
        """Pick an interview item before starting (for links from other screens); False if it is not offered."""
        if self.stage == "score":
            self.action_new()
        return self.stage == "setup" and self.setup.choose(pack_id, item_id)

    def on_interview_setup_changed(self) -> None:
        self._show_clock()

    def on_interview_setup_start(self) -> None:
        self.action_start()

    # ----------------------------------------------------------------- keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides a key that means nothing at this stage, so the Footer shows only what works now.
        if action in ("start", "limit", "toggle_limit"):
            return self.stage == "setup" and (action != "start" or self.setup.chosen is not None)
        if action == "submit":
            return self.stage == "answer"
        if action == "confirm":
            return self.stage == "rate"
        if action == "prove":
            session = self.session
            return (self.stage in ("answer", "rate") and session is not None and bool(session.current.item_id)
                    and not session.timed_out)
        if action == "finish":
            return self.stage in ("answer", "rate")
        if action == "new":
            return self.stage == "score"
        return True

    def action_limit(self, minutes: int) -> None:
        """Change the time limit by whole minutes (between 1 and 60)."""
        self.setup.change_limit(minutes)

    def action_toggle_limit(self) -> None:
        """Switch the time limit off, or on again at the value it had."""
        self.setup.toggle_limit()

    def action_start(self) -> None:
        """Start the interview on the main question."""
        if self.setup.chosen is None or self.stage != "setup":
            return
        pack, item = self.setup.chosen
        self.session = InterviewSession(item, pack, self.setup.time_limit)
        self._last_tick = monotonic()
        self._ask(self.session.current.ask, "")

    def action_submit(self) -> None:
        """Lock in the answer being written and go to its rating."""
        if self.session is None or self.stage != "answer":
            return
        area = self.query_one(AnswerView).area
        self.session.current.locked = area.read_only
        self.session.submit(area.text)
        self._rate()

    def action_confirm(self) -> None:
        """Keep the rating and go on to the next follow-up, or to the scorecard."""
        if self.session is None or self.stage != "rate":
            return
        self.session.rate(self.query_one(RateView).covered)
        question = self.session.next_follow_up()
        if question is None:
            self._score()
            return
        note = ""
        if question.item_id:
            note = "You can prove this one in the engine: Ctrl+O opens its practice item."
        self._ask(question.ask, note)

    def action_prove(self) -> None:
        """Open the follow-up's practice item over the interview, for the engine to check."""
        if self.session is None or not self.session.current.item_id or self.session.timed_out:
            return
        question = self.session.current
        item = self.state.item(self.session.pack.id, question.item_id)
        factory = panel_factory()
        if item is None or factory is None:
            why = UNAVAILABLE if factory is None else f"The practice item {question.item_id} is not available"
            self.session.prove(Proof(question.item_id, "unavailable"))
            self.notify(f"{why}; carry on with the interview (it counts as not proven).", title="Cannot prove it here",
                        severity="warning")
            self._show_proof()
            return
        try:
            panel = factory(item, self.session.pack)
        except Exception as exc:  # noqa: BLE001 - a panel that cannot be built must not end the interview
            self.session.prove(Proof(question.item_id, "unavailable"))
            self.notify(f"{UNAVAILABLE} for this item ({type(exc).__name__}); carry on with the interview.",
                        title="Cannot prove it here", severity="warning")
            self._show_proof()
            return
        self._modal = ProveModal(item, panel)
        self.app.push_screen(self._modal, self._proved)

    def _proved(self, proof: Proof | None) -> None:
        self._modal = None
        if self.session is None:
            return
        if proof is not None:
            self.session.prove(proof)
        self._show_proof()
        self._focus_stage()

    def action_finish(self) -> None:
        """End the interview now: the scorecard counts the questions asked so far."""
        if self.session is None or self.stage not in ("answer", "rate"):
            return
        if self.stage == "answer":
            text = self.query_one(AnswerView).area.text
            if not text.strip() and len(self.session.questions) > 1 and not self.session.current.locked:
                # A follow-up not yet answered was never really asked: it does not count against you.
                self.session.questions.pop()
            else:
                self.session.submit(text)
        elif self.stage == "rate":
            self.session.rate(self.query_one(RateView).covered)  # the ticks made so far count
        self._score()

    def action_new(self) -> None:
        """Back to choosing a question, for another interview."""
        self.session = None
        self._goto("setup")

    # ----------------------------------------------------------------- clock

    def _tick(self) -> None:
        now = monotonic()
        seconds, self._last_tick = now - self._last_tick, now
        if self._clock_running():
            self.advance_clock(seconds)

    def _clock_running(self) -> bool:
        """The clock counts while the learner answers or proves, on this screen (not in help or another mode)."""
        if self.session is None or self.session.timed_out or self.frozen:
            return False
        if self._modal is not None:
            return self.app.screen is self._modal
        return self.stage == "answer" and self.app.screen is self

    def advance_clock(self, seconds: float) -> None:
        """Move the interview clock on (the ticker calls this each second; tests may call it directly).

        Args:
            seconds: how much time passed.
        """
        if self.session is None or self.stage == "score":
            return
        ran_out = self.session.advance(seconds)
        self._show_clock()
        if ran_out:
            self._time_up()

    def _time_up(self) -> None:
        self.notify("Time is up: your answer is locked. Rate what you covered; the scorecard comes next.",
                    title="Time is up", severity="warning", timeout=8)
        if self._modal is not None:
            self._modal.time_up()
        self.refresh_bindings()
        if self.stage == "answer":
            self.query_one(AnswerView).area.read_only = True
            self.action_submit()

    def _show_clock(self) -> None:
        session = self.session
        stage = {"setup": "Choose a question", "score": "Scorecard"}.get(self.stage, "")
        if session is not None and self.stage in ("answer", "rate"):
            n = len(session.questions) - 1
            name = "the main question" if session.current.id == MAIN else f"follow-up {n}"
            stage = f"Answer {name}" if self.stage == "answer" else f"Rate {name}"
        limit = session.time_limit if session else self.setup.time_limit
        used = session.elapsed if session else 0.0
        self.query_one(InterviewClock).show(stage, limit, used, session is not None, self._clock_running(),
                                            finished=self.stage == "score")

    # ----------------------------------------------------------------- stages

    def _goto(self, stage: str) -> None:
        self.stage = stage
        self.query_one(ContentSwitcher).current = f"interview-{stage}"
        self.refresh_bindings()
        self._show_clock()
        self._focus_stage()

    def _focus_stage(self) -> None:
        target = {"setup": "#interview-items", "answer": "#interview-text", "rate": "#interview-rubric",
                  "score": "#interview-score"}[self.stage]
        self.query_one(target).focus()

    def _show_proof(self) -> None:
        if self.session is not None:
            view = self.query_one(AnswerView) if self.stage == "answer" else self.query_one(RateView)
            view.show_proof(self.session.current.proof)

    def _ask(self, question: str, note: str) -> None:
        self.query_one(AnswerView).ask(question, note or "Answer in your own words; Ctrl+S locks the answer in.")
        self._goto("answer")

    def _rate(self) -> None:
        assert self.session is not None
        question = self.session.current
        asked = self.session.item.title if question.id == MAIN else " ".join(question.ask.split())
        note = (f"Your answer mentions words of {len(question.recognised)} of {len(question.points)} key points. "
                "Tick (Space) the ones you really covered correctly, then Ctrl+S.")
        if question.locked:
            note = "Time is up: your answer is locked. " + note
        if question.item_id and not self.session.timed_out:
            note += " Ctrl+O proves it in the engine."
        self.query_one(RateView).show(asked, question.answer, note, question.points, question.recognised,
                                      question.proof)
        self._goto("rate")

    def _score(self) -> None:
        assert self.session is not None
        card = self.session.scorecard()
        self.query_one(ScoreView).show(card, self.session.item.explanation)
        self._goto("score")
        self.post_message(self.Finished(card))

    @property
    def scorecard(self) -> Scorecard | None:
        """The scorecard of the interview in progress or just finished (None before one starts)."""
        return self.session.scorecard() if self.session is not None else None
