"""Regenerate screenshots/*.svg by driving the real app (`nodeport-trainer screenshots`)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from .app import make_app

SIZE = (100, 32)


async def _home(pilot) -> None:
    await pilot.press("down", "down", "down", "down")


async def _learn_trace(pilot) -> None:
    app = pilot.app
    await pilot.press("f3")
    await pilot.pause()
    app.screen.show_lesson("nodeport", "traffic-path")
    await pilot.pause()
    from .widgets.console import PromptInput

    prompt = app.screen.query_one(PromptInput)
    prompt.value = "curl -s http://10.0.0.10:30080"
    prompt.focus()
    await pilot.press("enter")


async def _drill_failed(pilot) -> None:
    """A drill checked with its starter as it is: the failed probe shows where the path broke."""
    app = pilot.app
    from .messages import OpenItem

    app.post_message(OpenItem("nodeport", "d-seed-port-3000"))
    await pilot.pause()
    await pilot.pause()
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    panel = app.screen.panel
    if panel is not None and getattr(panel, "results", None) is not None:
        panel.scroll_to_widget(panel.results, top=True, animate=False)


async def _interview_scorecard(pilot) -> None:
    """A short interview: the main answer rated, one follow-up, then the scorecard."""
    from textual.widgets import TextArea

    app = pilot.app
    await pilot.press("f5")
    await pilot.pause()
    app.screen.frozen = True  # the time used reads 0:00 however fast the machine is
    await pilot.press("s")
    await pilot.pause()

    async def answer(text: str) -> None:
        area = app.screen.query_one(TextArea)
        area.text = text
        await pilot.press("ctrl+s")
        await pilot.pause()

    await answer("A NodePort Service opens the same port, from 30000-32767, on every node. kube-proxy writes "
                 "iptables rules that DNAT the traffic to a Pod on its targetPort, on another node if need be.")
    await pilot.press("space", "down", "space", "down", "down", "space", "down", "space")
    await pilot.press("ctrl+s")
    await pilot.pause()
    await answer("The node drops it: the client times out, because Local only uses local Pods.")
    await pilot.press("space", "down", "space")
    await pilot.press("ctrl+f")
    await pilot.pause()


SHOTS = {
    "home": _home,
    "learn-trace": _learn_trace,
    "drill-failed-check": _drill_failed,
    "interview-scorecard": _interview_scorecard,
}


async def _shoot(name: str, steps, out: Path, data_dir: Path) -> Path:
    app = make_app(data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await steps(pilot)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        target = out / f"{name}.svg"
        app.save_screenshot(str(target.name), str(target.parent))
    return target


def main(out: Path) -> list[Path]:
    """Write every screenshot into ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="nodeport-shots-") as data:
        for name, steps in SHOTS.items():
            written.append(asyncio.run(_shoot(name, steps, out, Path(data) / name)))
    return written
