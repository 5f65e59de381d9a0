"""The built-in pack: it lints clean, covers the seed, and broken packs beside it do not spoil it."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from trainer.content.lint import lint
from trainer.content.loader import builtin_content_dir, load_packs

CONTENT = builtin_content_dir()


@pytest.fixture(scope="module")
def pack():
    (loaded,) = [p for p in load_packs(CONTENT) if p.pack and p.pack.id == "nodeport"]
    assert loaded.problems == []
    return loaded.pack


def test_the_built_in_content_lints_clean() -> None:
    """CI's `pack lint content/`: every solution passes, every counterexample fails, every scenario runs."""
    assert [str(p) for p in lint(CONTENT)] == []


def test_the_pack_has_what_the_seed_needs(pack) -> None:
    kinds = Counter(item.kind for item in pack.items)
    assert len(pack.lessons) >= 8
    assert kinds["quiz"] + kinds["predict"] + kinds["command"] >= 40
    assert kinds["drill"] + kinds["troubleshoot"] >= 12 and kinds["troubleshoot"] >= 4
    (interview,) = [i for i in pack.items if i.kind == "interview" and i.id == "i-nodeport"]
    assert len(interview.follow_ups) >= 12 and len(interview.rubric) >= 3
    for topic in pack.topics:
        assert any(topic in lesson.topics for lesson in pack.lessons), f"no lesson teaches {topic}"
        assert sum(topic in item.topics for item in pack.items) >= 2, f"too few items on {topic}"
    assert all(item.topics for item in pack.items)


def test_every_seed_command_is_run_somewhere_in_the_pack(pack) -> None:
    """The seed's commands appear in lesson snippets or item answers, where lint runs them."""
    runnable = "\n".join([s.run for lesson in pack.lessons for s in lesson.snippets]
                         + [a.commands for item in pack.items for a in item.solutions]
                         + [step.value for lesson in pack.lessons for step in lesson.scenario.steps
                            if step.kind == "run"])
    for needle in ("kubectl apply -f", "kubectl get svc web-frontend",
                   "jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'",
                   "http://$NODE_IP:31000", "--service-node-port-range=20000-40000",
                   "aws ec2 authorize-security-group-ingress"):
        assert needle in runnable, needle


def test_a_broken_pack_beside_a_sound_one(tmp_path: Path) -> None:
    shutil.copytree(CONTENT / "nodeport", tmp_path / "nodeport")
    broken = tmp_path / "broken"
    (broken / "items").mkdir(parents=True)
    (broken / "pack.yaml").write_text("id: broken\nformat_version: 1\ntitle: [\n")
    loaded = {p.path.name: p for p in load_packs(tmp_path)}
    assert loaded["nodeport"].sound
    assert not loaded["broken"].sound and str(loaded["broken"].problems[0]).startswith(f"{broken}/pack.yaml:4:1: ")
