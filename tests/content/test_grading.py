"""Grading: quiz credit, predict truth from the engine, and checked items through `check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.content.grading import grade_predict, grade_quiz
from trainer.content.interview import follow_ups, recognised, rubric_score
from trainer.content.loader import load_pack
from trainer.content.model import Choice, FollowUp, Item, RubricPoint, ShortAnswer
from trainer.content.source import Origin


def _quiz(**kw) -> Item:
    return Item("q", "quiz", "t", ["basics"], 1, 60, "p", "e", Origin("f"), **kw)


def test_single_choice_scores_the_chosen_credit() -> None:
    item = _quiz(choices=[Choice("a", True, 1.0, "fa"), Choice("b", False, 0.25, "fb")])
    assert (grade_quiz(item, [0]).score, grade_quiz(item, [0]).passed) == (1.0, True)
    partial = grade_quiz(item, [1])
    assert (partial.score, partial.passed) == (0.25, False)
    assert grade_quiz(item, [0, 1]).score == 0.0  # two picks on a single-choice question
    assert any("(right, not chosen)" in f for f in partial.feedback)


def test_multiple_choice_partial_credit_and_penalty() -> None:
    item = _quiz(multiple=True, choices=[Choice("a", True, 1.0), Choice("b", True, 1.0), Choice("c", False, 0.0),
                                         Choice("d", True, 0.5)])
    assert grade_quiz(item, [0, 1, 3]).passed and grade_quiz(item, [0, 1, 3]).score == 1.0
    assert grade_quiz(item, [0]).score == pytest.approx(1 / 2.5)
    # One wrong pick costs an equal share (2.5 / 3 of the 2.5 available).
    assert grade_quiz(item, [0, 1, 2]).score == pytest.approx((2 - 2.5 / 3) / 2.5)
    assert grade_quiz(item, [2]).score == 0.0


def test_short_answers() -> None:
    text = _quiz(answer=ShortAnswer(accept=["Local", "externalTrafficPolicy: Local"]))
    assert grade_quiz(text, "  local ").passed and grade_quiz(text, "externalTrafficPolicy:   LOCAL").passed
    assert grade_quiz(text, "externaltrafficpolicy:local").passed
    assert not grade_quiz(text, "Cluster").passed
    number = _quiz(answer=ShortAnswer(number=32767))
    assert grade_quiz(number, "32767").passed and not grade_quiz(number, "32768").passed
    assert not grade_quiz(number, "lots").passed
    pattern = _quiz(answer=ShortAnswer(pattern=r"3000[0-9]"))
    assert grade_quiz(pattern, "30005").passed and not grade_quiz(pattern, "130005").passed


def test_predict_truth_comes_from_the_engine(pack_dir: Path) -> None:
    item = load_pack(pack_dir).pack.item("first-predict")
    right = grade_predict(item, "Answers")
    assert right.passed and right.truth == "answers" and "controlplane 10.0.0.10" in right.detail
    wrong = grade_predict(item, "times out")
    assert not wrong.passed and wrong.score == 0


def test_interview_helpers() -> None:
    points = [RubricPoint("every-node", "p", 2, ["every node", r"all (the )?nodes"]),
              RubricPoint("clusterip", "p", 1, ["cluster ?ip"])]
    assert recognised(points, "It opens a port on ALL the nodes") == {"every-node"}
    assert recognised(points, "It has a ClusterIP and it's on every node.") == {"every-node", "clusterip"}
    assert rubric_score(points, {"clusterip"}) == (1, 3)
    item = _quiz(follow_ups=[FollowUp("a", "?"), FollowUp("b", "?", when="answered"),
                             FollowUp("c", "?", when={"missed": "clusterip"}), FollowUp("d", "?", when={"failed": "a"})])
    assert [f.id for f in follow_ups(item, False, set(), set())] == ["a"]
    assert [f.id for f in follow_ups(item, True, {"clusterip"}, {"a"})] == ["a", "b", "c", "d"]


# ------------------------------------------------------------------ the check command



def _check(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_right_and_wrong_drill_answers(pack_dir: Path, tmp_path: Path, capsys) -> None:
    right = load_pack(pack_dir).pack.item("first-drill").solutions[0].files["web-svc.yaml"]
    answer = tmp_path / "web-svc.yaml"
    answer.write_text(right)
    code, out, _ = _check(capsys, "first-drill", "--pack", str(pack_dir), "-f", str(answer), "--json")
    data = json.loads(out)
    assert code == 0 and data["passed"] and data["score"] == data["max_score"] == 1
    assert set(data["checks"][0]) >= {"id", "passed", "weight", "expected", "observed", "message", "why"}
    answer.write_text(right.replace("targetPort: 80", "targetPort: 8080"))
    code, out, _ = _check(capsys, "first-drill", "--pack", str(pack_dir), "-f", str(answer))
    assert code == 1
    assert "✗ FAIL answers-everywhere" in out and "broke at:" in out and "nothing listens on 8080/TCP" in out


def test_check_quiz_predict_and_usage_errors(pack_dir: Path, tmp_path: Path, capsys) -> None:
    assert _check(capsys, "first-quiz", "--pack", str(pack_dir), "--answer", "1")[0] == 0
    assert _check(capsys, "first-quiz", "--pack", str(pack_dir), "--answer", "2")[0] == 1
    answer = tmp_path / "a.yaml"
    answer.write_text("answer: times out\n")
    assert _check(capsys, "first-predict", "--pack", str(pack_dir), "-f", str(answer))[0] == 1
    code, _, err = _check(capsys, "nope", "--pack", str(pack_dir))
    assert code == 2 and 'no item "nope"' in err
    code, _, err = _check(capsys, "first-quiz", "--pack", str(pack_dir), "--answer", "7")
    assert code == 2 and "is not a choice" in err
    code, _, err = _check(capsys, "first-drill", "--pack", str(pack_dir))
    assert code == 2 and "give the answer with -f FILE" in err


def test_pack_new_and_lint_cli(tmp_path: Path, capsys) -> None:
    assert main(["pack", "new", str(tmp_path / "p")]) == 0
    assert main(["pack", "new", str(tmp_path / "p")]) == 2
    capsys.readouterr()
    assert main(["pack", "lint", str(tmp_path / "p")]) == 0
    (tmp_path / "p" / "items" / "x.yaml").write_text("items: [\n")
    assert main(["pack", "lint", str(tmp_path / "p")]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{tmp_path}/p/items/x.yaml:2:1: ") and "1 problem in" in err
    assert main(["pack", "lint", str(tmp_path / "nowhere")]) == 2


def test_check_refuses_broken_items_and_interviews(pack_dir: Path, capsys) -> None:
    from tests.content.conftest import edit

    edit(pack_dir / "items" / "basics.yaml", "    checks:\n", "    chekcs:\n")
    code, _, err = _check(capsys, "first-drill", "--pack", str(pack_dir), "-f", "/dev/null")
    assert code == 2 and "has problems in its pack and cannot be checked" in err
    code, _, err = _check(capsys, "i-nodeport", "--answer", "it opens a port")
    assert code == 2 and "self-assessed in the app" in err


def test_quiz_answers_by_odd_digits_and_by_text(pack_dir: Path, capsys) -> None:
    code, _, err = _check(capsys, "first-quiz", "--pack", str(pack_dir), "--answer", "²")
    assert code == 2 and "is not a choice" in err
    assert _check(capsys, "first-quiz", "--pack", str(pack_dir), "--answer", "On every node.")[0] == 0


def test_a_rejected_apply_is_shown_with_kubectls_words(pack_dir: Path, tmp_path: Path, capsys) -> None:
    right = load_pack(pack_dir).pack.item("first-drill").solutions[0].files["web-svc.yaml"]
    answer = tmp_path / "web-svc.yaml"
    answer.write_text(right.replace("targetPort: 80}", "targetPort: 80, nodePort: 8080}"))
    code, out, _ = _check(capsys, "first-drill", "--pack", str(pack_dir), "-f", str(answer))
    assert code == 1
    assert "your command failed (exit 1): kubectl apply -f 'web-svc.yaml'" in out
    assert 'The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8080' in out


def test_command_items_read_the_truth_before_the_answer_and_replay_on_variants(pack_dir: Path) -> None:
    from trainer.content.grading import run_answer
    from trainer.content.model import Answer

    items = pack_dir / "items" / "basics.yaml"
    text = items.read_text() + """
  - id: node-ip
    kind: command
    title: A node's address
    topics: [basics]
    difficulty: 1
    time: 1m
    prompt: Print node01's InternalIP.
    explanation: jsonpath reads it from the Node.
    scenario: {fixture: default}
    variants: [{fixture: fixtures/moved.yaml}]
    checks:
      - id: prints-it
        output: {}
        equals: {jsonpath: {kind: Node, name: node01, path: '{.status.addresses[?(@.type=="InternalIP")].address}'}}
        message: That is not node01's InternalIP.
        why: Clients reach a nodePort through a node's address.
        misconception: targetport-is-nodeport
    solutions:
      - commands: kubectl get node node01 -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}'
    counterexamples:
      - commands: echo 10.0.0.11
"""
    items.write_text(text)
    (pack_dir / "fixtures").mkdir()
    from trainer.engine.fixtures import default_fixture_text
    (pack_dir / "fixtures" / "moved.yaml").write_text(default_fixture_text().decode().replace("10.0.0.11", "10.0.0.21"))
    pack = load_pack(pack_dir).pack
    item = pack.item("node-ip")
    assert not item.broken, pack.problems
    assert run_answer(item, item.solutions[0]).passed
    echo = run_answer(item, Answer(commands="echo 10.0.0.11\n"))
    assert not echo.passed and "(in variant 1 of the scenario)" in echo.checks[0].observed
