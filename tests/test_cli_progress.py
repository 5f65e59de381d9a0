"""`nodeport-trainer progress [export|merge|reset]` and `review`, run through trainer.cli.main."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.content.grading import grade_quiz
from trainer.content.loader import load_pack
from trainer.content.scaffold import scaffold
from trainer.study.reports import CLASS_AVERAGE, EXPORT_FORMAT
from trainer.study.scheduler import record
from trainer.study.scoring import answer_from
from trainer.study.store import FILENAME, Answer, ProgressStore

NOW = datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packs") / "starter"
    assert scaffold(root) is None
    return root


def fill(data: Path, pack_dir: Path, learner: str = "alice", right: bool = True) -> None:
    """A graded quiz answer and a failed drill, two days ago: both due now."""
    pack = load_pack(pack_dir).pack
    quiz = pack.item("first-quiz")
    with ProgressStore.open(data) as store:
        store.set_meta("learner", learner)
        result = grade_quiz(quiz, [0] if right else [1])
        record(store, answer_from(quiz, pack.id, result, confidence=5, rating="again", now=NOW - 2 * timedelta(days=1)))
        drill = pack.item("first-drill")
        record(store, Answer(pack.id, drill.id, "drill", 0.5, 1.0, False, drill.content_hash,
                             NOW - timedelta(days=2, hours=-1), confidence=5, rating="again", topics=list(drill.topics),
                             misconceptions=["targetport-is-nodeport"]))


@pytest.fixture
def data(tmp_path: Path, pack_dir: Path) -> Path:
    fill(tmp_path / "data", pack_dir)
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def answers_in(data: Path) -> list[tuple[str, str]]:
    with ProgressStore.open(data) as store:
        return [(a.pack_id, a.item_id) for a in store.answers(detail=False)]


# progress


def test_progress_prints_the_summary(capsys, data: Path, pack_dir: Path) -> None:
    status, out, err = run(capsys, "progress", "--data-dir", str(data), "--content", str(pack_dir))
    assert status == 0 and err == ""
    assert out.startswith("Progress of alice: 2 answers, 1 passed")
    assert "Interview readiness:" in out and "Mastery by topic" in out
    assert "  basics  " in out and "%" in out and ("█" in out or "#" in out)
    assert "Due today: 2 items" in out
    assert "Calibration" in out and "basics" in out and "over-confident" in out  # confidence 5, half passed
    assert "1x targetport-is-nodeport" in out and "Score history" in out


def test_the_global_data_dir_and_the_environment_work_too(capsys, data: Path, pack_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = run(capsys, "--data-dir", str(data), "--content", str(pack_dir), "progress")
    assert status == 0 and "2 answers" in out
    monkeypatch.setenv("NODEPORT_TRAINER_DATA_DIR", str(data))
    status, out, _ = run(capsys, "progress", "--content", str(pack_dir))
    assert status == 0 and "2 answers" in out


def test_progress_json(capsys, data: Path, pack_dir: Path) -> None:
    status, out, _ = run(capsys, "progress", "--json", "--data-dir", str(data), "--content", str(pack_dir))
    doc = json.loads(out)
    assert status == 0 and doc["format"] == EXPORT_FORMAT and doc["learner"] == "alice"
    assert doc["answers_count"] == 2 and "answers" not in doc and len(doc["due_today"]) == 2
    assert doc["data_file"] == str(data / FILENAME)


def test_progress_with_no_answers_says_so(capsys, tmp_path: Path, pack_dir: Path) -> None:
    status, out, _ = run(capsys, "progress", "--data-dir", str(tmp_path), "--content", str(pack_dir))
    assert status == 1 and out.startswith("No progress yet") and "nodeport-trainer" in out
    status, out, _ = run(capsys, "progress", "--json", "--data-dir", str(tmp_path), "--content", str(pack_dir))
    assert status == 1 and json.loads(out)["answers_count"] == 0


def test_progress_with_the_builtin_packs(capsys, tmp_path: Path) -> None:
    status, out, _ = run(capsys, "progress", "--data-dir", str(tmp_path))
    assert status == 1 and "No progress yet" in out


def test_a_damaged_store_is_replaced_with_a_message(capsys, tmp_path: Path, pack_dir: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)
    status, out, err = run(capsys, "progress", "--data-dir", str(tmp_path), "--content", str(pack_dir))
    assert status == 1 and "No progress yet" in out
    assert err.startswith("note: The progress file") and "a new one was started" in err


def test_a_store_error_is_a_clear_message(capsys, tmp_path: Path, pack_dir: Path) -> None:
    ProgressStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute("PRAGMA user_version = 99")
    for argv in (["progress", "--content", str(pack_dir)], ["review", "--content", str(pack_dir)],
                 ["progress", "export", "--content", str(pack_dir)], ["progress", "reset", "--all", "--yes"]):
        status, out, err = run(capsys, *argv, "--data-dir", str(tmp_path))
        assert status == 1 and out == "" and err.startswith("error: ") and "newer nodeport-trainer" in err
        assert "Traceback" not in err


def test_missing_content_is_a_usage_error(capsys, tmp_path: Path) -> None:
    status, _, err = run(capsys, "progress", "--data-dir", str(tmp_path), "--content", str(tmp_path / "none"))
    assert status == 2 and "no such file or directory" in err


# export


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_export_to_stdout(capsys, data: Path, pack_dir: Path, fmt: str) -> None:
    status, out, err = run(capsys, "progress", "export", "--format", fmt, "--data-dir", str(data),
                           "--content", str(pack_dir))
    assert status == 0 and err == ""
    if fmt == "md":
        assert out.startswith("# Progress report: alice") and "| Topic | Mastery |" in out
    elif fmt == "json":
        doc = json.loads(out)
        assert doc["version"] == 1 and len(doc["answers"]) == 2 and len(doc["items"]) == 2
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert [(r["learner"], r["item"]) for r in rows] == [("alice", "first-quiz"), ("alice", "first-drill")]


def test_export_to_a_file_takes_the_format_from_its_suffix(capsys, data: Path, pack_dir: Path,
                                                           tmp_path: Path) -> None:
    target = tmp_path / "alice.json"
    status, out, err = run(capsys, "progress", "export", "-o", str(target), "--learner", "Alice A.",
                           "--data-dir", str(data), "--content", str(pack_dir))
    assert status == 0 and out == "" and f"wrote {target} (json, 2 answers of Alice A.)" in err
    assert json.loads(target.read_text(encoding="utf-8"))["learner"] == "Alice A."
    status, _, _ = run(capsys, "progress", "export", "-o", str(tmp_path / "r.csv"), "--data-dir", str(data),
                       "--content", str(pack_dir))
    assert status == 0 and (tmp_path / "r.csv").read_text().startswith("learner,id,pack")
    assert not list(tmp_path.glob(".*tmp*"))


def test_export_errors(capsys, data: Path, pack_dir: Path, tmp_path: Path) -> None:
    status, _, err = run(capsys, "progress", "export", "-o", str(tmp_path / "no" / "such" / "r.md"),
                         "--data-dir", str(data), "--content", str(pack_dir))
    assert status == 1 and err.startswith("error: cannot write")
    with pytest.raises(SystemExit) as caught:
        main(["progress", "export", "--format", "pdf", "--data-dir", str(data)])
    assert caught.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


# merge


def exports(capsys, tmp_path: Path, pack_dir: Path) -> list[Path]:
    files = []
    for name, right in (("alice", True), ("bob", False), ("carol", True)):
        fill(tmp_path / name, pack_dir, name, right)
        files.append(tmp_path / f"{name}.json")
        assert main(["progress", "export", "-o", str(files[-1]), "--data-dir", str(tmp_path / name),
                     "--content", str(pack_dir)]) == 0
    capsys.readouterr()
    return files


def test_merge_a_class_into_markdown_and_csv(capsys, tmp_path: Path, pack_dir: Path) -> None:
    files = exports(capsys, tmp_path, pack_dir)
    status, out, err = run(capsys, "progress", "merge", *map(str, files))
    assert status == 0 and err == "" and out.startswith("# Class progress\n\n3 learners")
    assert all(f"\n## {name}\n" in out for name in ("alice", "bob", "carol"))
    target = tmp_path / "class.csv"
    status, out, err = run(capsys, "progress", "merge", *map(str, files), "-o", str(target))
    assert status == 0 and out == "" and "wrote" in err and "3 exports" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    masteries = [json.loads(f.read_text())["topics"][0]["mastery"] for f in files]
    (average,) = [r for r in rows if r["learner"] == CLASS_AVERAGE]
    assert average["topic"] == "basics" and float(average["mastery"]) == pytest.approx(sum(masteries) / 3, abs=1e-4)
    status, out, _ = run(capsys, "progress", "merge", "--format", "csv", *map(str, files))
    assert status == 0 and out.startswith("learner,file,readiness")


def test_merge_refuses_a_bad_file_by_name(capsys, tmp_path: Path, pack_dir: Path) -> None:
    files = exports(capsys, tmp_path, pack_dir)
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    target = tmp_path / "class.md"
    status, out, err = run(capsys, "progress", "merge", str(files[0]), str(bad), "-o", str(target))
    assert status == 1 and out == "" and not target.exists()
    assert err == f"error: {bad}: not a nodeport-trainer progress export (no \"format\": \"{EXPORT_FORMAT}\"); " \
                  "make one with `nodeport-trainer progress export --format json`\n"
    bad.write_text("{not json", encoding="utf-8")
    status, _, err = run(capsys, "progress", "merge", str(bad))
    assert status == 1 and f"{bad}: not valid JSON (line 1, column 2" in err and "Traceback" not in err
    status, _, err = run(capsys, "progress", "merge", str(tmp_path / "missing.json"))
    assert status == 2 and err == f"error: {tmp_path / 'missing.json'}: no such file\n"


# reset


def test_reset_without_yes_refuses_when_stdin_is_not_a_terminal(capsys, data: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    status, _, err = run(capsys, "progress", "reset", "--all", "--data-dir", str(data))
    assert status == 2 and "add --yes" in err and "2 answers" in err
    assert len(answers_in(data)) == 2


def test_reset_one_item_then_one_pack(capsys, data: Path) -> None:
    status, out, _ = run(capsys, "progress", "reset", "--item", "starter/first-quiz", "--yes", "--data-dir", str(data))
    assert status == 0 and out == "Reset item starter/first-quiz: 1 answer forgotten.\n"
    assert answers_in(data) == [("starter", "first-drill")]
    status, out, _ = run(capsys, "progress", "reset", "--item", "starter/first-quiz", "--yes", "--data-dir", str(data))
    assert status == 1 and out.startswith("Nothing to reset")
    status, out, _ = run(capsys, "progress", "reset", "--pack", "starter", "-y", "--data-dir", str(data))
    assert status == 0 and "1 answer forgotten" in out and answers_in(data) == []
    with ProgressStore.open(data) as store:
        assert store.card("starter", "first-drill") is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("reply, status, left", [("y\n", 0, 0), ("yes\n", 0, 0), ("n\n", 1, 2), ("", 1, 2)])
def test_reset_asks_on_a_terminal(capsys, data: Path, monkeypatch: pytest.MonkeyPatch, reply: str, status: int,
                                  left: int) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(reply))
    code, out, err = run(capsys, "progress", "reset", "--all", "--data-dir", str(data))
    assert code == status and "Forget 2 answers and the review schedule of all your progress?" in err
    assert len(answers_in(data)) == left
    assert ("forgotten" in out) if status == 0 else out == "Nothing was reset.\n"


@pytest.mark.parametrize("argv, message", [
    (["progress", "reset"], "one of the arguments --item --pack --all is required"),
    (["progress", "reset", "--all", "--pack", "p"], "not allowed with argument"),
    (["progress", "reset", "--item", "no-slash"], "expected PACK/ITEM"),
    (["progress", "merge"], "the following arguments are required: FILE"),
])
def test_usage_errors_exit_2(capsys, argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2 and message in capsys.readouterr().err


# review


def test_review_lists_the_items_due_today(capsys, data: Path, pack_dir: Path) -> None:
    status, out, _ = run(capsys, "review", "--data-dir", str(data), "--content", str(pack_dir))
    assert status == 0
    assert out.splitlines() == [
        "2 items are due for review today, the most overdue first:",
        "  starter/first-quiz   Where the port opens",
        "  starter/first-drill  Fix the targetPort",
        "The app's review session opens them: run `nodeport-trainer app`.",
    ]
    status, out, _ = run(capsys, "review", "--json", "--data-dir", str(data), "--content", str(pack_dir))
    assert status == 0 and [d["item"] for d in json.loads(out)] == ["first-quiz", "first-drill"]


def test_review_with_nothing_due(capsys, tmp_path: Path, pack_dir: Path) -> None:
    status, out, _ = run(capsys, "review", "--data-dir", str(tmp_path), "--content", str(pack_dir))
    assert status == 1 and out.startswith("Nothing is due for review today.")


def test_review_marks_changed_items_and_skips_missing_packs(capsys, data: Path, tmp_path: Path) -> None:
    root = tmp_path / "starter"
    assert scaffold(root) is None
    items = root / "items" / "basics.yaml"
    items.write_text(items.read_text().replace("title: Fix the targetPort", "title: Fix the port"))
    (root / "items" / "extra.yaml").write_text("items: []\n")
    status, out, _ = run(capsys, "review", "--data-dir", str(data), "--content", str(root))
    assert status == 0 and "  starter/first-drill  Fix the port  (changed since you answered it)" in out
    other = tmp_path / "other"
    assert scaffold(other) is None
    status, out, _ = run(capsys, "review", "--data-dir", str(data), "--content", str(other))
    assert status == 1 and "(2 due items are from packs that are not loaded.)" in out


# help


@pytest.mark.parametrize("argv", [["progress"], ["progress", "export"], ["progress", "merge"],
                                  ["progress", "reset"], ["review"]])
def test_every_command_has_help(capsys, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--help"])
    out = capsys.readouterr().out
    assert caught.value.code == 0 and out.startswith(f"usage: nodeport-trainer {' '.join(argv)}")
    assert "Exit status" in " ".join(out.split())


def test_a_terminal_without_unicode_gets_ascii_bars_and_reports_stay_utf8(data: Path, pack_dir: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for argv, check in ((["progress"], lambda text: "####" in text or "...." in text),
                        (["progress", "export", "--format", "md"], lambda text: "░" in text)):
        raw = io.BytesIO()
        monkeypatch.setattr("sys.stdout", io.TextIOWrapper(raw, encoding="ascii"))
        assert main([*argv, "--data-dir", str(data), "--content", str(pack_dir)]) == 0
        sys.stdout.flush()
        assert check(raw.getvalue().decode("utf-8"))
