"""Home and Learn, driven by a Pilot: open a lesson, run sandbox commands, see resources and the path."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path


from trainer.tui.app import make_app
from trainer.tui.help import HelpScreen
from trainer.tui.screens.home import HomeScreen
from trainer.tui.screens.learn import LearnScreen
from trainer.tui.widgets.console import PromptInput, SandboxConsole
from trainer.tui.widgets.pathview import PathView
from trainer.tui.widgets.resources import KubectlTable, ResourcesView, TextModal


def _run(coro):
    return asyncio.run(coro)


async def _type(pilot, app, line: str) -> None:
    prompt = app.screen.query_one(PromptInput)
    prompt.focus()
    prompt.value = line
    await pilot.press("enter")
    await pilot.pause()


def test_home_lists_packs_and_opens_a_lesson_and_remembers_it(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, LearnScreen)
            assert app.screen.lesson.id == "what-is-nodeport"
        assert json.loads((tmp_path / "place.json").read_text())["id"] == "what-is-nodeport"
        # A second start continues there.
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, LearnScreen) and app.screen.lesson.id == "what-is-nodeport"
    _run(flow())


def test_a_sandbox_command_updates_the_resources_view(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f3")
            await pilot.pause()
            view = app.screen.query_one(ResourcesView)
            table = view.query_one(KubectlTable)
            before = table.row_count
            await _type(pilot, app, "kubectl create service nodeport extra --tcp=80:80 --node-port=30333")
            assert table.row_count == before + 1
            assert any(line.split()[0] == "extra" and "80:30333/TCP" in line.split() for line in table.lines), table.lines
    _run(flow())


def test_try_it_snippets_run_and_curl_draws_the_path(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f3")
            await pilot.pause()
            screen = app.screen
            screen.show_lesson("nodeport", "deployment-example")
            await pilot.pause()
            await pilot.press("ctrl+t")  # kubectl apply -f web.yaml
            await pilot.pause()
            console = screen.query_one(SandboxConsole)
            assert console.attempt.runs[-1].command == screen.lesson.snippets[0].run
            assert "service/web-frontend created" in console.attempt.runs[-1].result.stdout
            await _type(pilot, app, "curl -s http://10.0.0.11:31000")
            path = screen.query_one(PathView)
            assert path.last is not None
            text = str(path.query_one("#path-text").render())
            assert "DNAT" in text and "CLIENT 203.0.113.7" in text and "POD default/web-frontend-" in text
    _run(flow())


def test_k9s_keys_in_the_resources_view(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f3")
            await pilot.pause()
            await pilot.press("escape")  # from the console to the table
            view = app.screen.query_one(ResourcesView)
            assert app.focused is view.query_one(KubectlTable)
            await pilot.press("colon", *"no", "enter")
            await pilot.pause()
            assert view.view == "nodes" and view.query_one(KubectlTable).row_count == 3
            await pilot.press("slash", *"node0", "enter")
            await pilot.pause()
            assert view.query_one(KubectlTable).row_count == 2
            await pilot.press("G", "d")
            await pilot.pause()
            assert isinstance(app.screen, TextModal) and "node02" in app.screen.title_text
            await pilot.press("escape", "y")
            await pilot.pause()
            assert isinstance(app.screen, TextModal) and "kind: Node" in app.screen.text
            await pilot.press("escape", "f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
    _run(flow())


def test_the_palette_jumps_to_a_lesson(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"traffic path")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, LearnScreen) and app.screen.lesson.id == "traffic-path"
    _run(flow())


def test_regressions_keys_exit_and_stale_paths(tmp_path: Path) -> None:
    async def flow():
        app = make_app(data_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f3")
            await pilot.pause()
            screen = app.screen
            first = screen.lesson.id
            console = screen.query_one(SandboxConsole)
            # Ctrl+B at the prompt is the shell's, not "previous lesson"; F8 is next lesson.
            await pilot.press("ctrl+b")
            await pilot.pause()
            assert screen.lesson.id == first
            await pilot.press("f8")
            await pilot.pause()
            assert screen.lesson.id != first
            # `exit` on the workstation does not kill the console.
            await _type(pilot, app, "exit")
            await _type(pilot, app, "echo still-here")
            assert console.attempt.runs[-1].result.stdout == "still-here\n"
            # A curl that never reaches the cluster replaces the old path with "no path".
            await _type(pilot, app, "curl -s -m 1 http://10.0.0.11:30050")
            await _type(pilot, app, "curl -s -m 1 http://10.9.9.9:30050")
            path = screen.query_one(PathView)
            assert "No path to draw" in str(path.query_one("#path-text").render())
            # Tab completes, and ↑ brings the last command back.
            prompt = screen.query_one(PromptInput)
            prompt.focus()
            prompt.value = "kubectl get nod"
            prompt.cursor_position = len(prompt.value)
            await pilot.press("tab")
            assert prompt.value == "kubectl get nodes "
            prompt.value = ""
            await pilot.press("up")
            assert prompt.value == "curl -s -m 1 http://10.9.9.9:30050"
            # After a curl the Path view shows; Ctrl+Y switches to Resources. Esc: console -> the shown
            # view; in the table Esc clears a filter, then goes back to the console.
            from textual.widgets import TabbedContent
            assert screen.query_one(TabbedContent).active == "tab-path"
            await pilot.press("ctrl+y")
            assert screen.query_one(TabbedContent).active == "tab-resources"
            await pilot.press("escape", "slash", *"kube", "enter")
            await pilot.pause()
            view = screen.query_one(ResourcesView)
            assert view.filter == "kube"
            await pilot.press("escape")
            assert view.filter == ""
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.focused, PromptInput)
            # The palette opens a lesson even over a modal left open.
            await pilot.press("escape", "y")
            await pilot.pause()
            assert isinstance(app.screen, TextModal)
            app.post_message(__import__("trainer.tui.messages", fromlist=["OpenLesson"]).OpenLesson(
                "nodeport", "security"))
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, LearnScreen) and app.screen.lesson.id == "security"
    _run(flow())
