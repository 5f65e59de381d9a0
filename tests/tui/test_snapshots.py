"""Snapshots of the main screens at 80x24 (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.tui.app import make_app

SIZE = (80, 24)


@pytest.fixture
def app(tmp_path: Path):
    return make_app(data_dir=tmp_path)


def test_home(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["down", "down"])


def test_learn_with_a_trace(snap_compare, app) -> None:
    from trainer.tui.screenshots import _learn_trace

    async def run_before(pilot) -> None:
        for widget in pilot.app.query("Input"):
            widget.cursor_blink = False  # a blinking cursor makes the snapshot depend on timing
        await _learn_trace(pilot)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, press=["f1"])


def test_drill_with_a_failed_check(snap_compare, app) -> None:
    from trainer.tui.screenshots import _drill_failed

    async def run_before(pilot) -> None:
        await _drill_failed(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_interview_scorecard(snap_compare, app) -> None:
    from trainer.tui.screenshots import _interview_scorecard

    # _interview_scorecard freezes the interview clock, so the time used is always 0:00.
    assert snap_compare(app, terminal_size=SIZE, run_before=_interview_scorecard)
