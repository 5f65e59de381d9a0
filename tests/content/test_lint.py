"""The linter: a scaffolded pack is clean, and each kind of unsound pack is caught where it is."""

from __future__ import annotations

from pathlib import Path

from trainer.content.lint import lint
from trainer.content.loader import load_pack
from tests.content.conftest import edit


def _messages(path: Path) -> list[str]:
    return [str(p) for p in lint(path)]


def _line_of(path: Path, needle: str, last: bool = False) -> int:
    lines = path.read_text().splitlines()
    hits = [i for i, line in enumerate(lines, 1) if needle in line]
    return hits[-1] if last else hits[0]


def test_the_scaffold_is_clean(pack_dir: Path) -> None:
    assert _messages(pack_dir) == []


def test_duplicate_id(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    edit(items, "id: first-predict", "id: first-quiz")
    line = _line_of(items, "id: first-quiz", last=True)
    assert f'{items}:{line}:5: duplicate id "first-quiz" (first in {items}:2)' in _messages(pack_dir)


def test_a_solution_that_fails(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    # The solution's targetPort is the first "targetPort: 80}" after the starter's 8080.
    edit(items, "ports: [{port: 80, targetPort: 80}]", "ports: [{port: 80, targetPort: 81}]")
    found = [m for m in _messages(pack_dir) if "solution 1 fails check answers-everywhere" in m]
    assert len(found) == 1
    assert f"{items}:{_line_of(items, '- files:')}:9:" in found[0]
    assert "observed" in found[0] and "refused" in found[0]


def test_a_counterexample_that_passes_shows_a_vacuous_check(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    edit(items, "ports: [{port: 80, targetPort: 8080}]", "ports: [{port: 80, targetPort: 80}]", last=True)
    found = [m for m in _messages(pack_dir) if "counterexample 1 (the starter as it is) passes every check" in m]
    assert found and found[0].startswith(f"{items}:{_line_of(items, '- note: the starter')}:9:")


def test_an_already_solved_start(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    # The scenario now creates the right Service itself.
    edit(items, "    starter:\n", "        - run: kubectl expose deployment web --type=NodePort --port=80\n    starter:\n")
    messages = _messages(pack_dir)
    assert any("the starting state already passes every check" in m for m in messages), messages


def test_starter_files_that_already_pass(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    edit(items, "ports: [{port: 80, targetPort: 8080}]", "ports: [{port: 80, targetPort: 80}]")
    assert any("the starter files already pass every check" in m for m in _messages(pack_dir))


def test_yaml_syntax_error_with_its_line_and_the_rest_still_linted(pack_dir: Path) -> None:
    (pack_dir / "items" / "broken.yaml").write_text("items:\n  - id: x\n    kind: quiz\n    title: [oops\n")
    edit(pack_dir / "items" / "basics.yaml", "id: first-predict", "id: first-quiz")
    messages = _messages(pack_dir)
    assert any(m.startswith(f"{pack_dir}/items/broken.yaml:5:1: ") for m in messages), messages
    assert any("duplicate id" in m for m in messages)


def test_predict_outcome_must_be_among_the_options(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    edit(items, "options: [answers, refused, times out]", "options: [refused, times out]")
    assert any("the engine's outcome is 'answers', which is not among the options" in m for m in _messages(pack_dir))


def test_a_lesson_snippet_that_fails_and_a_dead_link(pack_dir: Path) -> None:
    lesson = pack_dir / "lessons" / "01-first-lesson.md"
    edit(lesson, "run: kubectl get svc web", "run: kubectl get svc webb")
    edit(lesson, "(item:first-quiz)", "(item:no-such-item)")
    messages = _messages(pack_dir)
    assert any('snippet "See the port it got" should succeed but exited 1: Error from server (NotFound): '
               'services "webb" not found' in m for m in messages), messages
    assert any("link to item \"no-such-item\", which does not exist" in m for m in messages)


def test_structure_problems_are_all_reported(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    edit(items, "    explanation: kube-proxy runs on every node and programs the nodePort there.\n", "")
    edit(items, "      - text: Which port does nginx listen on?\n", "      - text: ''\n")
    edit(items, "topics: [basics]", "topics: [nope]")
    edit(items, "misconception: targetport-is-nodeport", "misconception: undeclared")
    messages = _messages(pack_dir)
    assert any("item first-quiz: explanation is required" in m for m in messages)
    assert any("hint 1 is empty" in m for m in messages)
    assert any('topic "nope" is not declared' in m for m in messages)
    assert any('misconception "undeclared" is not declared' in m for m in messages)


def test_unsupported_format_version(pack_dir: Path) -> None:
    edit(pack_dir / "pack.yaml", "format_version: 1", "format_version: 9")
    assert _messages(pack_dir) == [f"{pack_dir}/pack.yaml:4:1: format_version 9 is not supported (supported: 1)"]


def test_hostile_files_are_problems_not_crashes(pack_dir: Path) -> None:
    items = pack_dir / "items"
    (items / "bomb.yaml").write_text("items:\n  - &a [x, x]\n  - [*a, *a]\n")
    (items / "binary.yaml").write_bytes(b"items:\n  - \xff\xfe\n")
    (items / "huge.yaml").write_bytes(b"# " + b"x" * (2 * 1024 * 1024))
    (items / "list.yaml").write_text("- id: a\n")
    (items / "wrongtypes.yaml").write_text("items:\n  - id: t\n    kind: drill\n    difficulty: hard\n"
                                           "    checks: 7\n    solutions: {}\n")
    messages = _messages(pack_dir)
    by_file = {name: [m for m in messages if f"/{name}:" in m] for name in
               ("bomb.yaml", "binary.yaml", "huge.yaml", "list.yaml", "wrongtypes.yaml")}
    assert all(by_file.values()), by_file
    assert "not UTF-8" in by_file["binary.yaml"][0]
    assert "at most" in by_file["huge.yaml"][0]
    assert any("difficulty must be 1 to 5" in m for m in by_file["wrongtypes.yaml"])
    assert any("checks must be a non-empty list" in m for m in by_file["wrongtypes.yaml"])
    # The sound parts of the pack still load.
    loaded = load_pack(pack_dir)
    assert loaded.pack is not None and loaded.pack.item("first-drill") is not None and not loaded.sound


def test_an_indented_document_separator_stays_inside_the_front_matter(pack_dir: Path) -> None:
    lesson = pack_dir / "lessons" / "01-first-lesson.md"
    edit(lesson, "                image: nginx:1.27\n",
         "                image: nginx:1.27\n        ---\n        apiVersion: v1\n        kind: Service\n"
         "        metadata: {name: other}\n        spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}\n")
    loaded = load_pack(pack_dir)
    (only,) = loaded.pack.lessons
    assert len(only.snippets) == 2 and "---" not in only.body
    assert _messages(pack_dir) == []


def test_every_check_must_fail_somewhere(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    # A second check that every answer (and the start) passes: the cluster has nodes.
    edit(items, "    solutions:\n", "      - id: has-nodes\n        count: {objects: {kind: Node}}\n        min: 1\n"
                                   "        message: m\n        why: w\n        misconception: targetport-is-nodeport\n"
                                   "    solutions:\n")
    messages = _messages(pack_dir)
    assert [m for m in messages if "check has-nodes fails neither on the starting state nor on any counterexample"
            in m], messages


def test_ids_and_keys_that_must_be_unique(pack_dir: Path, tmp_path: Path) -> None:
    edit(pack_dir / "pack.yaml", "license: CC-BY-4.0\n", "license: CC-BY-4.0\nlicense: MIT\n")
    lesson = pack_dir / "lessons" / "01-first-lesson.md"
    edit(lesson, "try:\n", "try: []\ntry:\n")
    messages = _messages(pack_dir)
    assert any("pack.yaml:8:1: duplicate key \"license\" (first at line 7)" in m for m in messages), messages
    assert any("01-first-lesson.md" in m and 'duplicate key "try"' in m for m in messages), messages
    twin = tmp_path / "twin"
    import shutil
    shutil.copytree(pack_dir, twin)
    (pack_dir.parent / "notes").mkdir()
    found = [str(p) for p in lint(pack_dir.parent)]
    assert any('pack id "mypack" is also used by' in m for m in found), found


def test_links_with_titles_references_fragments_and_in_items(pack_dir: Path) -> None:
    lesson = pack_dir / "lessons" / "01-first-lesson.md"
    edit(lesson, "(item:first-quiz)", '(item:first-quiz "the quiz") and [x](lesson:first-lesson#top) and '
                                     '[y](item:gone "t")\n\n[ref]: lesson:missing\n\nThe end')
    items = pack_dir / "items" / "basics.yaml"
    edit(items, "    prompt: On which nodes", "    prompt: See [the lesson](lesson:nowhere). On which nodes")
    messages = _messages(pack_dir)
    assert sum("does not exist" in m for m in messages) == 3, messages
    assert any('link to item "gone"' in m for m in messages)
    assert any('link to lesson "missing"' in m for m in messages)
    assert any('item first-quiz: link to lesson "nowhere"' in m for m in messages)


def test_checks_the_loader_must_refuse(pack_dir: Path) -> None:
    items = pack_dir / "items" / "basics.yaml"
    extra = """\
      - id: bad-labels
        count: {objects: {kind: Service, labels: [app]}}
        equals: 1
        message: m
        why: w
      - id: bad-contains
        rejected: {manifest: "kind: Service", contains: 5}
        message: m
        why: w
      - id: bad-source
        field: {kind: Service, name: web, path: '{.spec.type}'}
        matches: {jsonpath: {kind: Service}}
        message: m
        why: w
      - id: bad-namespace
        field: {kind: Service, name: web, namespace: [1], path: '{.spec.type}'}
        equals: NodePort
        message: m
        why: w
      - id: empty-needle
        field: {kind: Service, name: web, path: '{.spec.type}'}
        contains: ""
        message: m
        why: w
      - id: bad-path
        field: {kind: Service, name: web, path: '{.spec.externalIPs'}
        exists: false
        message: m
        why: w
"""
    edit(items, "    solutions:\n", extra + "    solutions:\n")
    messages = _messages(pack_dir)
    for needle in ("check bad-labels: objects is", "check bad-contains: contains takes non-empty text",
                   "check bad-source: jsonpath needs kind, name and path", "check bad-namespace: field needs",
                   "check empty-needle: contains takes non-empty text",
                   "check bad-path: the JSONPath does not parse: unclosed action"):
        assert any(needle in m for m in messages), (needle, messages)
