"""Progress in the app, through the Pilot: answers recorded, ratings changed, reviews due, the Progress screen."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

from textual.widgets import OptionList, RadioSet, Sparkline, Static, TextArea

from trainer.study import scheduler
from trainer.study.store import FILENAME, Answer, ProgressStore
from trainer.tui.app import make_app
from trainer.tui.messages import OpenItem
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.practice import PracticeScreen
from trainer.tui.screens.progress import ProgressScreen
from trainer.tui.widgets.review_bar import ReviewBar

QUIZ = "q-basics-empty-node"


def run(tmp_path: Path, scenario, size=(80, 24), data_dir: Path | None = None) -> None:
    """Run a Pilot scenario against the real app with its data in tmp_path."""
    async def main():
        app = make_app(data_dir=data_dir or tmp_path)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)
    asyncio.run(main())


def stored(data_dir: Path) -> list[Answer]:
    with ProgressStore.open(data_dir) as store:
        return store.answers()


def text(widget: Static) -> str:
    return str(widget.render())


def home_details(app) -> str:
    """Home's side panel, as the Markdown source it shows."""
    return app.screen.query_one("#home-details", Static).content.markup


def notices(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def answer_quiz(app, pilot, right: bool = True, confidence: str | None = None):
    """Open the quiz, maybe say how sure, choose the right (or a wrong) choice and submit."""
    app.post_message(OpenItem("nodeport", QUIZ))
    await pilot.pause()
    await pilot.pause()
    panel = app.screen.panel
    assert isinstance(app.focused, RadioSet)
    if confidence:
        await pilot.press(confidence)
    wanted = next(i for i, c in enumerate(panel.item.choices) if c.correct == right)
    for _ in range(panel.order.index(wanted)):
        await pilot.press("down")
    await pilot.press("enter", "ctrl+s")
    await pilot.pause()
    return panel


def past_answer(data_dir: Path, item_id: str = QUIZ, days: int = 3) -> None:
    """A passed answer from some days ago, so that the item is due today."""
    with ProgressStore.open(data_dir) as store:
        scheduler.record(store, Answer("nodeport", item_id, "quiz", 1.0, 1.0, True,
                                       answered_at=datetime.now(timezone.utc) - timedelta(days=days),
                                       rating="again", topics=["nodeport-basics"]))


def test_a_quiz_answer_is_recorded_with_its_confidence_and_the_rating_can_be_changed(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        assert app.progress.is_open  # opened after the first frame, without being asked
        panel = await answer_quiz(app, pilot, confidence="4")
        bar = app.screen.query_one(ReviewBar)
        said = text(bar)
        assert "✓ Recorded. Next review: " in said and "a again" in said
        recorded = app.screen.recorded
        assert recorded is not None and recorded.answer.confidence == 4
        answers = stored(tmp_path)
        assert [(a.item_id, a.kind, a.passed, a.confidence) for a in answers] == [(QUIZ, "quiz", True, 4)]
        assert answers[0].topics == panel.item.topics and answers[0].duration_s is not None
        derived = recorded.derived
        assert derived in ("good", "easy")

        await pilot.press("a")  # again: the card comes back within minutes
        recorded = app.screen.recorded
        assert recorded.rating == "again" and recorded.overridden
        assert f"again (yours; the result said {derived})" in text(bar)
        with ProgressStore.open(tmp_path) as store:
            card = store.card("nodeport", QUIZ)
            assert card.due_at - card.last_review_at < timedelta(hours=1)
            assert len(store.answers()) == 1  # an override changes the review, not the history
        await pilot.press("e")  # easy: as if rated so at first, not a second review on top
        with ProgressStore.open(tmp_path) as store:
            once = store.card("nodeport", QUIZ)
        fresh = tmp_path / "fresh"
        with ProgressStore.open(fresh) as store:
            first = answers[0]
            first.rating = "easy"
            scheduler.record(store, first)
            assert store.card("nodeport", QUIZ).due_at == once.due_at
    run(tmp_path, scenario)


def test_confidence_is_optional_and_asked_only_before_the_check(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        app.post_message(OpenItem("nodeport", QUIZ))
        await pilot.pause()
        await pilot.pause()
        bar = app.screen.query_one(ReviewBar)
        assert "Sure? 1 guessing … 5 certain" in text(bar) and "not given" in text(bar)
        await pilot.press("3")
        assert "3 (50/50)" in text(bar)
        await pilot.press("3")  # the same key again takes it back
        assert "not given" in text(bar)
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        assert "Sure?" not in text(bar)  # answered: it is too late to say
        assert stored(tmp_path)[0].confidence is None
    run(tmp_path, scenario)


def test_a_prediction_is_recorded(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        app.post_message(OpenItem("nodeport", "p-local-empty-node"))
        await pilot.pause()
        await pilot.pause()
        panel = app.screen.panel
        assert panel.item.kind == "predict"
        await pilot.press("enter", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        answers = stored(tmp_path)
        assert [(a.item_id, a.kind) for a in answers] == [("p-local-empty-node", "predict")]
        assert answers[0].topics == panel.item.topics
    run(tmp_path, scenario)


def test_the_progress_screen_shows_the_topics_and_what_is_due(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        await answer_quiz(app, pilot, right=False, confidence="5")
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        mastery = text(screen.query_one("#progress-mastery", Static))
        assert "nodeport-basics" in mastery and "%" in mastery
        assert "Interview readiness" in text(screen.query_one("#progress-readiness", Static))
        assert "Due for review today: 1" in text(screen.query_one("#progress-due-title", Static))
        due = screen.query_one("#progress-due", OptionList)
        assert due.option_count == 1 and "A node without Pods still answers" in str(due.get_option_at_index(0).prompt)
        calibration = text(screen.query_one("#progress-calibration", Static))
        assert "nodeport-basics" in calibration and "over-confident" in calibration
        assert screen.query_one(Sparkline).data == [0]
        assert "0% (1)" in text(screen.query_one("#progress-history-numbers", Static))
        misconceptions = text(screen.query_one("#progress-misconceptions", Static))
        assert "None so far" in misconceptions or "×" in misconceptions

        await pilot.press("enter")  # opens the due item in Practice, as a review session
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.item.id == QUIZ
        assert "Review 1 of 1 due today" in text(app.screen.query_one(ReviewBar))
        await pilot.press("f2")  # Home counts again when it comes back
        await pilot.pause()
        assert "1 item due for review today" in home_details(app)
    run(tmp_path, scenario)


def test_misconceptions_show_with_their_description(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        app.post_message(OpenItem("nodeport", "d-seed-port-3000"))
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+s")  # the starter as it is fails
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert stored(tmp_path)[0].misconceptions
        await pilot.press("f6")
        await pilot.pause()
        said = text(app.screen.query_one("#progress-misconceptions", Static))
        pack = app.state.pack("nodeport")
        tag = stored(tmp_path)[0].misconceptions[0]
        assert f"1× {tag}: {pack.misconceptions[tag]}" in said
    run(tmp_path, scenario, size=(100, 40))


def test_home_shows_the_items_due_and_r_reviews_them(tmp_path: Path) -> None:
    past_answer(tmp_path, QUIZ)
    past_answer(tmp_path, "q-basics-what-you-get", days=4)

    async def scenario(app, pilot):
        assert isinstance(app.screen, HomeScreen)
        assert "2 items due for review today" in home_details(app)
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.item.id == "q-basics-what-you-get"  # the most overdue first
        assert "Review 1 of 2" in text(screen.query_one(ReviewBar))
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        assert screen.item.id == QUIZ and "Review 2 of 2" in text(screen.query_one(ReviewBar))
        await pilot.press("ctrl+n")
        assert not screen.queue and any("last item due" in n for n in notices(app))
    run(tmp_path, scenario)


def test_home_says_when_nothing_is_due(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        assert "Nothing is due for review today" in home_details(app)
        await pilot.press("r")
        assert any("Nothing is due" in n for n in notices(app))
    run(tmp_path, scenario)


def test_an_interview_scorecard_is_recorded_question_by_question(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        screen.frozen = True
        await pilot.press("s")
        area = screen.query_one("#interview-text", TextArea)
        area.text = "It opens on every node, and kube-proxy forwards it."
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("space", "down", "down", "down", "space", "ctrl+s")
        await pilot.pause()
        follow_up = screen.session.current.id
        screen.query_one("#interview-text", TextArea).text = "It is dropped and the client times out."
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("space", "ctrl+f")
        await pilot.pause()
        assert screen.stage == "score"
        card = screen.scorecard
        answers = stored(tmp_path)
        assert [a.item_id for a in answers] == ["i-nodeport", f"i-nodeport/{follow_up}"]
        assert all(a.kind == "interview" for a in answers)
        assert [(a.score, a.max_score) for a in answers] == [(q.score, q.max_score) for q in card.questions]
        item = app.state.item("nodeport", "i-nodeport")
        assert answers[0].topics == item.topics and answers[1].topics
        assert not answers[0].passed  # two of eight points
        with ProgressStore.open(tmp_path) as store:
            assert store.card("nodeport", "i-nodeport").due_at is not None  # the interview comes back
            assert store.card("nodeport", f"i-nodeport/{follow_up}").due_at is None  # a follow-up does not
    run(tmp_path, scenario)


def test_a_damaged_progress_file_is_replaced_and_the_app_works_on(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)

    async def scenario(app, pilot):
        said = notices(app)
        assert any("Progress file recovered" in n and "was damaged" in n and "a new one was started" in n
                   for n in said), said
        assert list(tmp_path.glob(f"{FILENAME}.bak-*"))
        await answer_quiz(app, pilot)
        assert [a.item_id for a in stored(tmp_path)] == [QUIZ]
    run(tmp_path, scenario)


def test_a_store_that_cannot_open_is_an_error_notice_and_the_app_works_without_recording(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the data directory should be")

    async def scenario(app, pilot):
        assert any("Progress not recorded" in n and "Cannot create the progress directory" in n
                   for n in notices(app))
        panel = await answer_quiz(app, pilot)
        assert "✓ PASS" in "\n".join(str(w.render()) for w in panel.results.query(Static))
        assert app.screen.recorded is None
        assert "Not recorded" in text(app.screen.query_one(ReviewBar))
        await pilot.press("f6")
        await pilot.pause()
        assert "Progress is not recorded" in text(app.screen.query_one("#progress-readiness", Static))
    run(tmp_path, scenario, data_dir=blocked)


def test_the_progress_screen_fits_80x24(tmp_path: Path) -> None:
    past_answer(tmp_path)

    async def scenario(app, pilot):
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        assert app.focused is screen.query_one("#progress-due", OptionList)
        for widget in screen.query(Static):
            assert widget.region.width <= 80
        assert screen.query_one("#progress-readiness").region.y == 1  # right under the header
    run(tmp_path, scenario)


def test_an_answer_checked_while_proving_a_follow_up_is_recorded_too(tmp_path: Path) -> None:
    from textual.widgets import RadioButton

    from trainer.tui.widgets.interview_prove import ProveModal

    async def scenario(app, pilot):
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("s")
        app.screen.query_one("#interview-text", TextArea).text = "every node"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s", "ctrl+o")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ProveModal)
        next(b for b in modal.query(RadioButton) if "times out" in str(b.label)).value = True
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        answers = stored(tmp_path)
        assert [(a.item_id, a.kind, a.passed) for a in answers] == [(modal.item.id, "predict", True)]
    run(tmp_path, scenario)


def test_make_app_can_start_a_review_session(tmp_path: Path) -> None:
    past_answer(tmp_path)

    async def main():
        app = make_app(data_dir=tmp_path, review=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, PracticeScreen) and app.screen.item.id == QUIZ
            assert "Review 1 of 1" in text(app.screen.query_one(ReviewBar))
    asyncio.run(main())


def test_f6_is_progress_and_the_contrast_theme_moved_to_f10(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("f10")
        assert app.theme == "high-contrast"
        await pilot.press("ctrl+backslash")
        assert app.theme != "high-contrast"
    run(tmp_path, scenario)


def test_intervals_in_words() -> None:
    from trainer.tui.progress_store import until

    now = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)
    assert [until(now + timedelta(seconds=s), now) for s in (30, 59.5, 600, 7200, 86400, 4 * 86400)] == [
        "within a minute", "in 1 min", "in 10 min", "in 2 hours", "in 1 day", "in 4 days"]
    assert until(None, now) == "not scheduled"
