"""Practice mode through the Pilot: every item kind answered right and wrong, hints, and 80x24."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input, Markdown, RadioSet, Static, TextArea

from trainer.checks.scenario import Scenario
from trainer.content.model import Item
from trainer.content.source import Origin
from trainer.tui.app import make_app
from trainer.tui.messages import OpenItem
from trainer.tui.screens.practice import PracticeScreen
from trainer.tui.widgets import sandbox_items
from trainer.tui.widgets.choice_items import ChoiceBox
from trainer.tui.widgets.console import PromptInput
from trainer.tui.widgets.hints import ConfirmScreen
from trainer.tui.widgets.items import ItemPanel, panel_for
from trainer.tui.widgets.results import CheckResultView


def text_of(widget) -> str:
    """Everything a result view (or any container) says, as plain text."""
    parts = []
    for node in [widget, *widget.query("*")]:
        if isinstance(node, Markdown):
            parts.append(node.source)
        elif isinstance(node, Static):
            parts.append(str(node.render()))
    return "\n".join(parts)


async def settle(app, pilot) -> None:
    """Let workers finish and the messages they post be handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_item(app, pilot, item_id: str) -> ItemPanel:
    """Open a built-in item the way Home does, and return its panel."""
    app.post_message(OpenItem("nodeport", item_id))
    await pilot.pause()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PracticeScreen)
    for widget in screen.query("Input, TextArea"):
        widget.cursor_blink = False
    panel = screen.panel
    assert panel is not None and panel.item.id == item_id
    return panel


def practise(tmp_path: Path, scenario, size=(100, 40)):
    """Run a Pilot scenario against the real app with its data in tmp_path."""
    async def main():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=size) as pilot:
            await scenario(app, pilot)
    asyncio.run(main())


def test_quiz_single_choice_right_then_wrong_after_a_reshuffle(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "q-basics-empty-node")
        item = panel.item
        right = next(i for i, c in enumerate(item.choices) if c.correct)
        assert isinstance(app.focused, RadioSet)
        for _ in range(panel.order.index(right)):
            await pilot.press("down")
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        said = text_of(panel.results)
        assert "✓ PASS" in said and "Score: 100%" in said
        assert item.explanation.strip()[:40] in said
        assert "you chose it, and it is right" in said
        grade = app.screen.grades[item.id]
        assert grade.result.passed and grade.score == 1.0 and grade.hints_used == 0
        listing = app.screen.query_one("#practice-list")
        assert str(listing.get_option(item.id).prompt).startswith("✓ ")  # marked passed in the list

        first_order = list(panel.order)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert panel.order != first_order  # a new attempt, a new order
        wrong = next(i for i, c in enumerate(item.choices) if not c.correct)
        panel.query_one(RadioSet).focus()
        await pilot.pause()
        for _ in range(panel.order.index(wrong)):
            await pilot.press("down")
        await pilot.press("enter", "ctrl+s")
        await pilot.pause()
        said = text_of(panel.results)
        assert "✗ FAIL" in said and "Score: 0%" in said
        assert "you chose it, but it is wrong" in said and "right, but you did not choose it" in said
        assert item.explanation.strip()[:40] in said  # the explanation follows a wrong answer too
        assert not app.screen.grades[item.id].result.passed
    practise(tmp_path, scenario)


def test_quiz_shuffle_is_seeded_by_item_and_attempt(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        pack = app.state.pack("nodeport")
        item = pack.item("q-basics-empty-node")
        orders = [panel_for(item, pack, attempt).order for attempt in (0, 0, 1)]
        assert orders[0] == orders[1] != orders[2]
        assert sorted(orders[0]) == list(range(len(item.choices)))
    practise(tmp_path, scenario)


def test_quiz_several_choices_and_a_typed_answer(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "q-basics-what-you-get")
        boxes = list(panel.query(ChoiceBox))
        for pos, i in enumerate(panel.order):
            if panel.item.choices[i].correct:
                boxes[pos].focus()
                await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "✓ PASS" in text_of(panel.results)
        assert all(box.disabled for box in boxes)  # frozen until Retry

        panel = await open_item(app, pilot, "q-alloc-range-top")
        assert isinstance(app.focused, Input)
        await pilot.press(*"30000", "enter")
        await pilot.pause()
        said = text_of(panel.results)
        assert "✗ FAIL" in said and "`32767`" in said
    practise(tmp_path, scenario)


def test_submitting_nothing_asks_for_an_answer(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "q-basics-empty-node")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not panel.results.children and not app.screen.grades
    practise(tmp_path, scenario)


def test_predict_commits_first_then_the_engine_shows_the_truth(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "p-local-empty-node")
        assert not panel.results.children  # nothing about the outcome before the commitment
        answers = panel.item.options.index("answers")
        for _ in range(answers):
            await pilot.press("down")
        await pilot.press("enter", "ctrl+s")
        await settle(app, pilot)
        said = text_of(panel.results)
        assert "✗ FAIL" in said
        assert "You predicted `answers`" in said and "saw `times out`" in said
        assert "controlplane 10.0.0.10:31000: times out" in said  # the engine's detail
        assert panel.item.explanation.strip()[:30] in said
        assert panel.query_one(RadioSet).disabled

        await pilot.press("ctrl+r")
        await pilot.pause()
        panel.query_one(RadioSet).focus()
        for _ in range(panel.item.options.index("times out")):
            await pilot.press("down")
        await pilot.press("enter", "ctrl+s")
        await settle(app, pilot)
        assert "✓ PASS" in text_of(panel.results)
        assert app.screen.grades["p-local-empty-node"].result.truth == "times out"
    practise(tmp_path, scenario)


def test_drill_fails_then_passes_and_shows_the_reference_as_a_diff(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "d-expose-web-frontend")
        editor = app.focused
        assert isinstance(editor, TextArea) and editor.language == "yaml" and editor.show_line_numbers
        assert editor.text == panel.item.starter["web-frontend-svc.yaml"]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        said = text_of(panel.results)
        assert "✗ FAIL: 1 of 4 checks pass" in said
        assert "✗ FAIL  type-nodeport" in said and "✓ PASS  still-a-clusterip-service" in said
        assert "expected: NodePort" in said and "observed: ClusterIP" in said
        assert "the path broke at: controlplane" in said  # the failed probe's hop
        assert "Reference solution" not in said  # only after a pass

        # Type a first fix (the type) into the editor, then finish it off.
        editor.move_cursor((5, 0))
        await pilot.press(*"  type: NodePort", "enter")
        assert "  type: NodePort\n  # Reachable" in editor.text
        editor.text = editor.text.replace("targetPort: 80", "targetPort: 80\n    nodePort: 31000")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        said = text_of(panel.results)
        assert "✓ PASS: 4 of 4 checks pass" in said and "Score: 100% (5 of 5 points)" in said
        assert "Reference solution" in said and "```diff" in said and "reference/web-frontend-svc.yaml" in said
        assert app.screen.grades[panel.item.id].result.passed
    practise(tmp_path, scenario)


def test_drill_check_runs_in_a_worker_and_says_so(tmp_path: Path, monkeypatch) -> None:
    release = threading.Event()
    real = sandbox_items.grading.run_answer

    def slow(item, answer):
        release.wait(10)
        return real(item, answer)

    monkeypatch.setattr(sandbox_items.grading, "run_answer", slow)

    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "d-expose-web-frontend")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert panel.busy and "Checking…" in text_of(panel.results)
        assert app.screen.active_bindings["ctrl+s"].enabled is False  # no second check meanwhile
        await pilot.press("down")  # the UI still answers while the check runs
        release.set()
        await settle(app, pilot)
        assert not panel.busy and "✗ FAIL" in text_of(panel.results)
    practise(tmp_path, scenario)


def test_a_hint_asks_first_names_its_cost_and_comes_off_the_score(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "d-expose-web-frontend")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "This hint costs 10% of the item's score. Show it?" in text_of(app.screen)
        await pilot.press("n")
        await pilot.pause()
        assert panel.hints.used == 0 and not panel.hints.query(".hint")

        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert panel.hints.used == 1
        assert panel.item.hints[0].text in text_of(panel.hints)
        assert "the next costs 20%" in text_of(panel.hints)

        panel.query_one(TextArea).text = panel.item.solutions[0].files["web-frontend-svc.yaml"]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        said = text_of(panel.results)
        assert "Score: 100%" in said and "1 hint(s), costing 10% of the score: 90% counts" in said
        grade = app.screen.grades[panel.item.id]
        assert grade.hints_used == 1 and abs(grade.score - 0.9) < 1e-9
    practise(tmp_path, scenario)


def test_troubleshoot_fixed_through_the_console(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "t-selector-typo")
        assert isinstance(app.focused, PromptInput)
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = text_of(panel.results)
        assert "✗ FAIL" in said and "the path broke at:" in said and "REJECT" in said

        app.focused.value = "kubectl patch svc web-frontend -p '{\"spec\":{\"selector\":{\"app\":\"web-frontend\"}}}'"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = text_of(panel.results)
        assert "✓ PASS" in said and "Reference commands" in said
        assert app.screen.grades["t-selector-typo"].result.passed

        await pilot.press("ctrl+r")  # restart asks first: the fix would be lost
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "✗ FAIL" in text_of(panel.results)
    practise(tmp_path, scenario)


def test_command_item_runs_on_a_fresh_cluster_and_its_variants(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "c-node01-internal-ip")
        box = app.focused
        assert isinstance(box, Input)
        box.value = "echo 10.0.0.11"  # right on this cluster only
        await pilot.press("enter")
        await settle(app, pilot)
        said = text_of(panel.results)
        assert "✗ FAIL" in said and "in variant 1" in said and "$ echo 10.0.0.11" in said

        box.value = panel.item.solutions[0].commands
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        said = text_of(panel.results)
        assert "✓ PASS" in said and "Reference commands" in said and "10.0.0.11" in said
    practise(tmp_path, scenario)


def test_interview_item_opens_interview_mode(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        from trainer.tui.messages import OpenItem
        from trainer.tui.screens.interview import InterviewScreen

        app.post_message(OpenItem("nodeport", "i-nodeport"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.setup.chosen is not None and app.screen.setup.chosen[1].id == "i-nodeport"
    practise(tmp_path, scenario)


def test_an_interview_item_panel_points_to_interview_mode(tmp_path: Path) -> None:
    from trainer.tui.widgets.items import panel_for

    async def scenario(app, pilot):
        pack = app.state.pack("nodeport")
        panel = panel_for(pack.item("i-nodeport"), pack)
        await app.screen.mount(panel)
        await pilot.pause()
        assert "Interview mode (press F5)" in text_of(panel)
    practise(tmp_path, scenario)


def test_list_filters_and_opens_with_the_keyboard(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen) and screen.panel is None
        await pilot.press("slash", *"drill")
        await pilot.pause()
        listing = screen.query_one("#practice-list")
        ids = [o.id for o in listing.options]
        drills = [i.id for i in app.state.pack("nodeport").items if i.kind == "drill"]
        assert ids[:len(drills) + 1] == ["kind:drill", *drills]
        assert "q-basics-empty-node" not in ids
        await pilot.press("enter", "j", "enter")  # to the list, down one, open
        await pilot.pause()
        await pilot.pause()
        assert screen.panel is not None and screen.panel.item.id == ids[2]
        assert app.state.last == {"kind": "item", "pack": "nodeport", "id": ids[2]}
    practise(tmp_path, scenario)


def test_usable_at_80x24_the_list_folds_away_and_comes_back(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "d-expose-web-frontend")
        side = app.screen.query_one("#practice-side")
        assert not side.display and panel.size.width >= 70
        await pilot.press("escape", "escape")  # out of the editor, then back to the list
        await pilot.pause()
        assert side.display and app.focused.id == "practice-list"
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert not side.display
    practise(tmp_path, scenario, size=(80, 24))


def test_a_broken_scenario_shows_a_message_not_a_traceback() -> None:
    item = Item("t-broken", "troubleshoot", "Broken", ["x"], 1, 60, "Fix it.", "", Origin("f"),
                scenario=Scenario(fixture="kind: [", fixture_name="fixtures/bad.yaml"))

    class Host(App):
        def compose(self) -> ComposeResult:
            yield panel_for(item)

    async def main():
        app = Host()
        async with app.run_test() as pilot:
            panel = app.query_one(ItemPanel)
            assert "cannot be built" in text_of(panel)
            assert "ctrl+s" not in app.screen.active_bindings
            await pilot.press("ctrl+s")
            assert not panel.query_one(CheckResultView).children
    asyncio.run(main())


def test_retry_waits_for_a_running_check(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "p-local-empty-node")
        panel.busy = True
        assert panel.check_action("retry", ()) is None and panel.check_action("check", ()) is None
        panel.busy = False
        assert panel.check_action("retry", ()) is True
    practise(tmp_path, scenario)


def test_reopening_an_item_keeps_the_hints_taken(tmp_path: Path) -> None:
    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "d-expose-web-frontend")
        panel.hints.reveal()
        await pilot.pause()
        await open_item(app, pilot, "q-basics-empty-node")
        again = await open_item(app, pilot, "d-expose-web-frontend")
        assert again.hints.used == 1 and again.hints.penalties == [panel.item.hints[0].penalty]
    practise(tmp_path, scenario)


def test_a_drill_can_be_tried_in_a_sandbox_before_checking(tmp_path: Path) -> None:
    from trainer.tui.widgets.console import PromptInput, SandboxConsole

    async def scenario(app, pilot):
        panel = await open_item(app, pilot, "d-expose-web-frontend")
        await pilot.press("f7")  # from inside the editor, which has its own F7
        await pilot.pause()
        await pilot.pause()
        console = panel.query_one(SandboxConsole)
        assert console.attempt.runs[0].command == "kubectl apply -f web-frontend-svc.yaml"
        prompt = panel.query_one(PromptInput)
        prompt.value = "curl -s -m 1 http://10.0.0.11:31000"
        await pilot.press("enter")
        await pilot.pause()
        assert console.attempt.runs[-1].result.status == 7  # the starter is still a ClusterIP Service
    practise(tmp_path, scenario)
