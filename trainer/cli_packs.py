"""The `pack` (lint, new) and `check` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_parsers(sub) -> None:
    """Add `pack` and `check` to the CLI's subparsers."""
    pack = sub.add_parser("pack", help="write and lint content packs",
                          description="Tools for instructors who write content packs (see docs/packs.md).")
    pack_sub = pack.add_subparsers(dest="pack_command", metavar="PACK_COMMAND")
    lint = pack_sub.add_parser(
        "lint", help="check a pack: structure, then solutions, counterexamples and scenarios by running them",
        description="Print every problem in a pack (or a folder of packs) as file:line:col: message, "
                    "running every solution, counterexample, scenario and lesson snippet through the engine.",
        epilog="Exit status: 0 when the pack is sound, 1 when there is any problem, 2 for bad arguments.")
    lint.add_argument("path", type=Path, metavar="PATH", help="a pack folder (with pack.yaml) or a folder of packs")
    new = pack_sub.add_parser("new", help="scaffold a small pack that passes lint",
                              description="Write a starter pack (manifest, one lesson, three items) into DIR.")
    new.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")

    check = sub.add_parser(
        "check", help="check an answer to one item headlessly",
        description="Grade an answer to one item through the engine and print each check's result.",
        epilog="Answers: a drill takes manifests (-f, applied as kubectl apply -f); troubleshooting and "
               "command items take console commands (-f FILE.sh, or --answer 'COMMAND'); a quiz takes "
               "--answer 1,3 (choice numbers) or the typed answer; a predict item takes --answer "
               "OUTCOME. A YAML file with a top-level `answer:` key works for quiz and predict items. "
               "Exit status: 0 only for a full pass, 1 otherwise, 2 for bad arguments.")
    check.add_argument("item", metavar="ITEM_ID", help="the item's id (PACK/ITEM when several packs have it)")
    check.add_argument("--pack", type=Path, metavar="PATH", help="a pack or folder of packs (default: built-in)")
    check.add_argument("-f", "--filename", type=Path, action="append", default=[], metavar="FILE",
                       help="an answer file (repeatable)")
    check.add_argument("--answer", metavar="TEXT", help="the answer as text")
    check.add_argument("--json", action="store_true",
                       help='print {"item", "score", "max_score", "passed", "checks": [...]} as JSON')


def run(args: argparse.Namespace) -> int:
    """Run `pack ...` or `check`."""
    if args.command == "check":
        return _check(args)
    if args.pack_command == "lint":
        return _lint(args.path)
    if args.pack_command == "new":
        return _new(args.dir)
    print("usage: nodeport-trainer pack {lint,new} ...  (see nodeport-trainer pack --help)", file=sys.stderr)
    return EXIT_USAGE


def _lint(path: Path) -> int:
    from .content.lint import lint

    if not path.exists():
        print(f"error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_USAGE
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, what: str) -> None:
        if tty:
            sys.stderr.write(f"\r\x1b[Klinting {done}/{total}: {what}")
            sys.stderr.flush()

    problems = lint(path, progress)
    if tty:
        sys.stderr.write("\r\x1b[K")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {path}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{path}: no problems", file=sys.stderr)
    return EXIT_OK


def _new(target: Path) -> int:
    from .content.scaffold import scaffold

    error = scaffold(target)
    if error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote a starter pack in {target}; check it with: nodeport-trainer pack lint {target}")
    return EXIT_OK


# ------------------------------------------------------------------ check


def _check(args: argparse.Namespace) -> int:
    from .content.loader import load_packs

    root = args.pack
    if root is not None and not root.exists():
        print(f"error: {root}: no such file or directory", file=sys.stderr)
        return EXIT_USAGE
    loaded = load_packs(root)
    pack_id, _, item_id = args.item.rpartition("/")
    found = [(lp, lp.pack.item(item_id)) for lp in loaded if lp.pack is not None
             and (not pack_id or lp.pack.id == pack_id) and lp.pack.item(item_id) is not None]
    if not found:
        print(f'error: no item "{args.item}" in {root or "the built-in packs"}', file=sys.stderr)
        return EXIT_USAGE
    if len(found) > 1:
        names = ", ".join(f"{lp.pack.id}/{item_id}" for lp, _ in found)
        print(f"error: several packs have {item_id}: say which ({names})", file=sys.stderr)
        return EXIT_USAGE
    entry, item = found[0]
    if item.broken:
        print(f"error: {item.id} has problems in its pack and cannot be checked; see: nodeport-trainer pack lint "
              f"{entry.path}", file=sys.stderr)
        return EXIT_USAGE
    if not entry.sound:
        print(f"warning: pack {entry.pack.id} has problems (nodeport-trainer pack lint {entry.path})",
              file=sys.stderr)
    answer = _read_answer(item, args)
    if isinstance(answer, _Bad):
        print(f"error: {answer.text}", file=sys.stderr)
        return EXIT_USAGE
    result = _grade(item, answer)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        _print_result(item, result)
    if result.error:
        return EXIT_USAGE
    return EXIT_OK if result.passed else EXIT_FAILED


class _Bad:
    """An answer that cannot be used, and why."""

    def __init__(self, text: str) -> None:
        self.text = text


def _read_answer(item, args: argparse.Namespace):
    """The answer from --answer / -f, shaped for the item's kind; _Bad when unusable."""
    from .content.model import Answer

    texts: list[tuple[Path, str]] = []
    for path in args.filename:
        try:
            data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
        except OSError as exc:
            return _Bad(f"{path}: {exc.strerror or exc}")
        if len(data) > 10 * 1024 * 1024:
            return _Bad(f"{path}: larger than 10 MiB")
        texts.append((path, data.decode("utf-8", errors="replace")))
    if item.kind == "interview":
        return _Bad("interview items are answered and self-assessed in the app")
    if item.kind in ("quiz", "predict"):
        value = args.answer
        if value is None and texts:
            from .content.source import load_yaml

            doc, _origin, errs = load_yaml(texts[0][1], str(texts[0][0]))
            if errs:
                return _Bad(str(errs[0]))
            if not isinstance(doc, dict) or "answer" not in doc:
                return _Bad(f"{texts[0][0]}: expected a mapping with an answer: key")
            value = doc["answer"]
        if value is None:
            return _Bad(f"{item.id} is a {item.kind} item: give --answer")
        return _quiz_response(item, value) if item.kind == "quiz" else str(value)
    answer = Answer()
    for path, text in texts:
        if path.suffix in (".sh", ".txt") or item.kind == "command":
            answer.commands += text if text.endswith("\n") else text + "\n"
        else:
            answer.files[path.name if str(path) != "-" else "answer.yaml"] = text
    if args.answer:
        answer.commands += args.answer + "\n"
    if not answer.files and not answer.commands:
        return _Bad(f"{item.id} is a {item.kind} item: give the answer with -f FILE" + (
            " or --answer 'COMMAND'" if item.kind != "drill" else ""))
    return answer


def _quiz_response(item, value):
    if not item.choices:
        return str(value)
    if isinstance(value, list):
        picks = value
    else:
        parts = [p.strip() for p in str(value).split(",")]
        # "1,3" picks by number; anything else is one choice's text (which may contain commas).
        picks = parts if all(p.isdecimal() for p in parts) else [str(value)]
    out = []
    for pick in picks:
        text = str(pick).strip()
        if text.isdecimal() and 1 <= int(text) <= len(item.choices):
            out.append(int(text) - 1)
        else:
            match = [i for i, c in enumerate(item.choices) if c.text.strip().casefold() == text.strip().casefold()]
            if not match:
                return _Bad(f"{text!r} is not a choice of {item.id} (1-{len(item.choices)})")
            out.append(match[0])
    return out


def _grade(item, answer):
    from .content.grading import grade_predict, grade_quiz, run_answer

    if item.kind == "quiz":
        return grade_quiz(item, answer)
    if item.kind == "predict":
        return grade_predict(item, answer)
    return run_answer(item, answer)


def _print_result(item, result) -> None:
    if result.error:
        print(f"{item.id}: cannot be checked: {result.error}")
        return
    verdict = "PASSED" if result.passed else "NOT PASSED"
    print(f"{item.id} ({item.kind}): {verdict}, score {result.score:g}/{result.max_score:g}")
    if result.truth:
        print(f"  the engine says: {result.truth}")
        for line in result.detail.splitlines()[:20]:
            print(f"    {line}")
    for line in result.feedback:
        if not result.truth:
            print(f"  {line}")
    for scenario, run in result.runs:
        if run.result.status != 0:
            where = f" (in variant {scenario} of the scenario)" if scenario else ""
            print(f"  your command failed (exit {run.result.status}){where}: {run.command}")
            for line in (run.result.stderr or run.result.stdout).strip().splitlines()[:6]:
                print(f"      {line}")
    for check in result.checks:
        mark = "✓ PASS" if check.passed else "✗ FAIL"
        print(f"  {mark} {check.id}" + ("" if check.passed else f": {check.message}"))
        if not check.passed:
            for label, text in (("expected", check.expected), ("observed", check.observed),
                                ("broke at", check.hop), ("why", check.why)):
                if text:
                    print(f"      {label}: " + str(text).strip().replace("\n", "\n" + " " * (len(label) + 8)))
    print()
    print(item.explanation.strip())
