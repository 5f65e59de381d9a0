"""Interview mode, driven by a Pilot: answer, rate, follow-ups, proofs, the clock and the scorecard."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Static, TextArea

from trainer.content.grading import ItemResult
from trainer.tui.app import make_app
from trainer.tui.screens import interview as interview_screen
from trainer.tui.screens.interview import InterviewScreen
from trainer.tui.widgets.interview_clock import InterviewClock
from trainer.tui.widgets.interview_prove import UNAVAILABLE, ProveModal
from trainer.tui.widgets.interview_rubric import RECOGNISED, RubricRating
from trainer.tui.widgets.interview_session import InterviewSession
from trainer.tui.widgets.items import ItemPanel, NoticePanel


def _run(coro):
    return asyncio.run(coro)


def _text(widget: Static) -> str:
    return str(widget.content)


async def _open(pilot, app) -> InterviewScreen:
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(app.screen, InterviewScreen)
    return app.screen


async def _answer(pilot, screen: InterviewScreen, text: str) -> None:
    screen.query_one("#interview-text", TextArea).focus()
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await pilot.pause()


def _lines(screen: InterviewScreen) -> dict[str, str]:
    """The scorecard's lines by their first word."""
    text = _text(screen.query_one("#interview-scorecard", Static))
    return {line.split()[0]: line for line in text.splitlines() if line.strip()}


def test_a_short_interview_reaches_the_scorecard(tmp_path: Path, monkeypatch) -> None:
    finished = []
    monkeypatch.setattr(InterviewScreen, "on_interview_screen_finished",
                        lambda self, message: finished.append(message.scorecard), raising=False)

    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            assert screen.setup.chosen[1].id == "i-nodeport"
            await pilot.press("s")
            assert screen.stage == "answer"
            await _answer(pilot, screen, "It opens on every node, and kube-proxy forwards it.")
            assert screen.stage == "rate"
            assert screen.session.current.recognised == {"every-node", "kube-proxy"}
            rubric = screen.query_one(RubricRating)
            marked = {rubric.get_option_at_index(n).id for n in range(rubric.option_count)
                      if RECOGNISED in str(rubric.get_option_at_index(n).prompt)}
            assert marked == {"every-node", "kube-proxy"}
            assert "mentions words of 2 of 8" in _text(screen.query_one("#interview-rate-note", Static))
            # Tick what was really covered: the first and the fourth point.
            await pilot.press("space", "down", "down", "down", "space")
            assert rubric.covered == {"every-node", "kube-proxy"}
            assert "[x]" in str(rubric.get_option_at_index(0).prompt)
            await pilot.press("ctrl+s")
            assert (screen.stage, screen.session.current.id) == ("answer", "fu-local-empty-node")
            await _answer(pilot, screen, "It is dropped and the client times out.")
            assert "dropped" in screen.session.current.recognised
            await pilot.press("space", "ctrl+s")
            assert screen.session.current.id == "fu-client-ip"
            await pilot.press("ctrl+f")
            assert screen.stage == "score"
            lines = _lines(screen)
            assert "██░░░░░░  4/13" in lines["interview"] and "none tried" in lines["interview"]
            assert "1/3" in lines["traffic-policy"]  # fu-client-ip had no answer yet: it is not counted
            assert "4/13" in lines["traffic-path"]
            assert "4/13" in lines["Main"]
            card = screen.scorecard
            assert [q.id for q in card.questions] == ["main", "fu-local-empty-node"]
            assert card.score == (5.0, 16.0)
            assert card.to_json()["topics"][0] == {"topic": "interview", "score": 4.0, "max_score": 13.0,
                                                   "engine_passed": 0, "engine_tried": 0}
            assert finished and finished[0].item_id == "i-nodeport"
            await pilot.press("n")
            assert screen.stage == "setup" and screen.session is None
            assert screen.choose("nodeport", "i-nodeport") and not screen.choose("nodeport", "no-such-item")
    _run(flow())


def test_a_follow_up_proven_in_the_engine(tmp_path: Path, monkeypatch) -> None:
    panels = []

    def factory(item, pack):
        panels.append(NoticePanel(item, pack, notice="A stand-in for the practice panel."))
        return panels[-1]

    monkeypatch.setattr(interview_screen, "panel_factory", lambda: factory)

    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            await pilot.press("s")
            await _answer(pilot, screen, "every node")
            await pilot.press("space", "ctrl+s")
            assert screen.session.current.item_id == "p-local-empty-node"
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert isinstance(app.screen, ProveModal)
            panel = panels[-1]
            item = panel.item
            failed = ItemResult(item.id, item.kind, score=0, max_score=1, passed=False)
            passed = ItemResult(item.id, item.kind, score=1, max_score=1, passed=True)
            panel.post_message(ItemPanel.Graded(panel, item, failed, 0, 0.0))
            await pilot.pause()
            assert "✗ FAIL" in _text(app.screen.query_one("#interview-prove-result", Static))
            panel.post_message(ItemPanel.Graded(panel, item, passed, 1, 0.9))
            await pilot.pause()
            assert "✓ PASS" in _text(app.screen.query_one("#interview-prove-result", Static))
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and screen.stage == "answer"
            assert screen.session.current.proof.status == "passed"
            assert "✓ Proven" in _text(screen.query_one("#interview-answer-proof", Static))
            await _answer(pilot, screen, "dropped")
            await pilot.press("space", "ctrl+s", "ctrl+f")
            lines = _lines(screen)
            assert "✓ 1 of 1 passed" in lines["traffic-policy"]
            assert "✓ proven 1/1" in lines["1."]
            assert "Proven in the engine: 1 of 1" in _text(screen.query_one("#interview-scorecard", Static))
    _run(flow())


def test_without_practice_panels_the_interview_goes_on(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(interview_screen, "panel_factory", lambda: None)

    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            await pilot.press("s")
            await _answer(pilot, screen, "every node")
            await pilot.press("ctrl+s", "ctrl+o")
            await pilot.pause()
            assert app.screen is screen
            assert any(UNAVAILABLE in n.message for n in app._notifications)
            assert screen.session.current.proof.status == "unavailable"
            assert "Not proven" in _text(screen.query_one("#interview-answer-proof", Static))
            await _answer(pilot, screen, "dropped")
            await pilot.press("ctrl+s", "ctrl+f")
            assert "– unavailable" in _lines(screen)["1."]
    _run(flow())


def test_a_failed_proof_brings_its_follow_up() -> None:
    from trainer.tui.state import AppState

    pack = AppState.load(None, Path("/nonexistent")).pack("nodeport")
    session = InterviewSession(pack.item("i-nodeport"), pack, 0)
    session.submit("every node, kube-proxy")
    session.rate({"every-node", "kube-proxy"})
    assert session.next_follow_up().id == "fu-local-empty-node"
    from trainer.tui.widgets.interview_session import Proof

    session.prove(Proof("p-local-empty-node", "failed", 0, 1))
    asked = []
    while (question := session.next_follow_up()) is not None:
        asked.append(question.id)
    assert "fu-debug" in asked and "fu-why-not-8080" in asked
    assert "fu-clusterip-outside" in asked  # builds-on-clusterip was rated as missed


def test_the_time_limit_can_be_changed_and_switched_off(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            assert screen.setup.limit == 900
            await pilot.press("plus")
            assert screen.setup.limit == 960
            await pilot.press("minus", "minus")
            assert screen.setup.limit == 840
            await pilot.press("t")
            assert not screen.setup.limit_on
            assert "No time limit" in _text(screen.query_one(InterviewClock))
            assert "off" in _text(screen.query_one("#interview-details", Static))
            await pilot.press("s")
            assert screen.session.time_limit == 0
            screen.advance_clock(5000)
            await pilot.pause()
            assert screen.stage == "answer"
            assert not screen.query_one("#interview-text", TextArea).read_only
            assert "1:23:20 used, no time limit" in _text(screen.query_one(InterviewClock))
    _run(flow())


def test_when_time_runs_out_the_answer_is_locked_and_the_flow_moves_on(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            await pilot.press("s")
            screen.query_one("#interview-text", TextArea).focus()
            await pilot.press(*"every node")
            screen.advance_clock(850)
            await pilot.pause()
            assert "under a minute" in _text(screen.query_one(InterviewClock))
            screen.advance_clock(60)
            await pilot.pause()
            assert screen.stage == "rate"
            assert screen.query_one("#interview-text", TextArea).read_only
            assert screen.session.current.locked and screen.session.current.answer == "every node"
            assert "Time is up" in _text(screen.query_one("#interview-rate-note", Static))
            assert "Time is up" in _text(screen.query_one(InterviewClock))
            assert any("Time is up" in n.message for n in app._notifications)
            await pilot.press("space", "ctrl+s")
            assert screen.stage == "score"
            assert len(screen.session.questions) == 1  # no follow-ups after the time is up
            assert screen.scorecard.timed_out
            assert "time ran out" in _text(screen.query_one("#interview-scorecard", Static))
            assert "2/13" in _lines(screen)["interview"]
    _run(flow())


def test_time_running_out_while_proving_closes_the_practice_item(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(interview_screen, "panel_factory",
                        lambda: lambda item, pack: NoticePanel(item, pack, notice="stand-in"))

    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            await pilot.press("s")
            await _answer(pilot, screen, "every node")
            await pilot.press("ctrl+s", "ctrl+o")
            await pilot.pause()
            assert isinstance(app.screen, ProveModal)
            screen.advance_clock(1000)
            await pilot.pause()
            assert app.screen is screen and screen.stage == "rate"
            assert screen.session.current.proof.status == "timed out"
            assert "time ran out" in _text(screen.query_one("#interview-rate-proof", Static))
            assert "Time is up" in _text(screen.query_one("#interview-rate-note", Static))
            assert screen.check_action("prove", ()) is False  # no proving once the time is up
            await pilot.press("ctrl+s")
            assert screen.scorecard.time_used == 900
            assert "✗ time ran out" in _lines(screen)["1."]
    _run(flow())


def test_help_explains_the_interview(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await _open(pilot, app)
            await pilot.press("f1")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            assert isinstance(app.screen, InterviewScreen)
            for binding in InterviewScreen.BINDINGS:
                assert binding.id and binding.tooltip
    _run(flow())


def test_a_follow_up_proven_with_the_real_practice_panel(tmp_path: Path) -> None:
    from textual.widgets import RadioButton

    from trainer.tui.widgets import items
    from trainer.tui.widgets.interview_prove import panel_factory

    assert panel_factory() is items.panel_for

    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            await pilot.press("s")
            await _answer(pilot, screen, "every node")
            await pilot.press("ctrl+s", "ctrl+o")
            await pilot.pause()
            modal = app.screen
            assert isinstance(modal, ProveModal) and modal.item.id == "p-local-empty-node"
            await pilot.press("f1")
            assert type(app.screen).__name__ == "HelpScreen"
            await pilot.press("escape")
            assert app.screen is modal
            choice = next(b for b in modal.query(RadioButton) if "times out" in str(b.label))
            choice.value = True
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "✓ PASS" in _text(modal.query_one("#interview-prove-result", Static))
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
            assert screen.session.current.proof.status == "passed"
    _run(flow())


def test_finishing_on_the_rating_step_keeps_the_ticks(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _open(pilot, app)
            await pilot.press("s")
            await _answer(pilot, screen, "It opens on every node, and kube-proxy forwards it.")
            assert screen.stage == "rate"
            await pilot.press("space", "down", "down", "down", "space", "ctrl+f")
            assert screen.stage == "score"
            main = screen.scorecard.questions[0]
            assert main.id == "main" and main.score > 0
    _run(flow())
