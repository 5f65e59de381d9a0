"""Loading packs from folders: every problem is collected with its file, line and column."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks.model import _ID, parse_checks, parse_probe
from ..checks.model import Problem as CheckProblem
from ..checks.scenario import parse_duration, parse_scenario
from .model import (ITEM_KINDS, SUPPORTED_FORMATS, Answer, Ask, Choice, FollowUp, Hint, Item, Lesson, Pack,
                    RubricPoint, ShortAnswer, Snippet)
from .source import Origin, Problem, load_yaml, read_text, split_front_matter

#: Inline links, with an optional title: [text](target "title").
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
#: Reference definitions: [name]: target
_REF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_COMMON = {"id", "kind", "title", "topics", "difficulty", "time", "prompt", "explanation", "lesson", "hints"}
_KIND_KEYS = {
    "quiz": {"choices", "multiple", "answer"},
    "predict": {"scenario", "ask", "options"},
    "drill": {"scenario", "starter", "checks", "solutions", "counterexamples"},
    "troubleshoot": {"scenario", "starter", "checks", "solutions", "counterexamples"},
    "command": {"scenario", "variants", "checks", "solutions", "counterexamples"},
    "interview": {"time_limit", "rubric", "follow_ups"},
}
#: Most items a pack may hold, and most files it may have: a runaway pack is refused, not loaded.
MAX_ITEMS = 2000
MAX_FILES = 500


@dataclass
class LoadedPack:
    """A pack folder's result: the pack (possibly partial) and every problem found."""

    path: Path
    pack: Pack | None
    problems: list[Problem]

    @property
    def sound(self) -> bool:
        """True when the pack has no errors and can be offered to learners."""
        return self.pack is not None and not any(p.severity == "error" for p in self.problems)


def builtin_content_dir() -> Path:
    """Where the built-in packs live: $NODEPORT_TRAINER_CONTENT, the installed copy, or the source tree."""
    env = os.environ.get("NODEPORT_TRAINER_CONTENT")
    if env:
        return Path(env)
    installed = Path(__file__).resolve().parent.parent / "builtin_content"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "content"


def load_packs(root: Path | None = None) -> list[LoadedPack]:
    """Every pack under a folder (a folder that is itself a pack counts as one), in id order."""
    root = Path(root) if root is not None else builtin_content_dir()
    if (root / "pack.yaml").is_file():
        return [load_pack(root)]
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "pack.yaml").is_file())
    except OSError as exc:
        return [LoadedPack(root, None, [Problem(str(root), 1, 1, f"cannot read the folder: {exc.strerror or exc}")])]
    loaded = [load_pack(p) for p in folders]
    seen: dict[str, Path] = {}
    for entry in loaded:
        if entry.pack is None or not entry.pack.id:
            continue
        if entry.pack.id in seen:
            where = entry.pack.origin
            message = f'pack id "{entry.pack.id}" is also used by {seen[entry.pack.id]}'
            entry.problems.append(where.problem(("id",), message) if where else
                                  Problem(str(entry.path / "pack.yaml"), 1, 1, message))
            entry.pack.problems = entry.problems
        else:
            seen[entry.pack.id] = entry.path
    return loaded


def load_pack(path: Path) -> LoadedPack:
    """Load one pack folder; never raises for anything in the pack's files."""
    path = Path(path)
    problems: list[Problem] = []
    manifest = path / "pack.yaml"
    display = str(manifest)
    text, problem = read_text(manifest, display)
    if problem:
        return LoadedPack(path, None, [problem])
    data, origin, errs = load_yaml(text or "", display)
    problems += errs
    if data is None:
        return LoadedPack(path, None, problems)
    pack = _pack(data, origin, path, problems)
    if pack is None:
        return LoadedPack(path, None, problems)
    reader = _FixtureReader(path)
    lesson_files = _files(path / "lessons", ".md", problems, display)
    for file in lesson_files:
        before = len(problems)
        lesson = _lesson(file, str(file), pack, reader, problems)
        if lesson is not None:
            lesson.broken = len(problems) > before
            pack.lessons.append(lesson)
    for file in _files(path / "items", (".yaml", ".yml"), problems, display):
        _items(file, str(file), pack, reader, problems)
    _cross_check(pack, problems)
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    pack.problems = problems
    return LoadedPack(path, pack, problems)


def _files(folder: Path, suffix, problems: list[Problem], display: str) -> list[Path]:
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(suffix))
    if len(files) > MAX_FILES:
        problems.append(Problem(display, 1, 1, f"{folder.name}/ has {len(files)} files; at most {MAX_FILES} are read"))
        files = files[:MAX_FILES]
    return files


class _FixtureReader:
    """Reads fixtures named by scenarios, confined to the pack's folder."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.cache: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.cache:
            target = (self.root / name).resolve()
            text = None
            if target.is_relative_to(self.root) and target.is_file():
                text, _ = read_text(target, name)
            self.cache[name] = text
        return self.cache[name]


# ------------------------------------------------------------------ helpers


def _text(data: dict, key: str, origin: Origin, problems: list[Problem], where: tuple = (),
          required: bool = True, who: str = "") -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(origin.problem(where + ((key,) if key in data else ()),
                                           f"{who}{key} is required and must not be empty"))
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.append(origin.problem(where + (key,), f"{who}{key} must be text"))
        return ""
    return str(value)


def _unknown(data: dict, allowed: set, origin: Origin, where: tuple, problems: list[Problem], who: str) -> None:
    for key in data:
        if key not in allowed:
            problems.append(origin.problem(where + (key,), f'{who}unknown key "{key}"'))


def _lift(errs: list[CheckProblem], origin: Origin, problems: list[Problem]) -> None:
    for err in errs:
        problems.append(origin.problem(tuple(err.path), err.message))


def _topics(data: dict, origin: Origin, where: tuple, problems: list[Problem], who: str) -> list[str]:
    topics = data.get("topics")
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
        problems.append(origin.problem(where + ("topics",), f"{who}topics must be a non-empty list of topic ids"))
        return []
    return list(topics)


# ------------------------------------------------------------------ pack.yaml


def _pack(data: Any, origin: Origin, path: Path, problems: list[Problem]) -> Pack | None:
    if not isinstance(data, dict):
        problems.append(origin.problem((), "pack.yaml must be a mapping"))
        return None
    _unknown(data, {"id", "title", "version", "format_version", "kubernetes", "authors", "license", "topics",
                    "misconceptions"}, origin, (), problems, "pack.yaml: ")
    fmt = data.get("format_version")
    if fmt not in SUPPORTED_FORMATS or isinstance(fmt, bool):
        problems.append(origin.problem(("format_version",), f"format_version {fmt!r} is not supported "
                                       f"(supported: {', '.join(map(str, SUPPORTED_FORMATS))})"))
        return None
    pid = _text(data, "id", origin, problems)
    if pid and not _ID.match(pid):
        problems.append(origin.problem(("id",), "id must be lowercase letters, digits and dashes"))
    pack = Pack(pid, _text(data, "title", origin, problems), _text(data, "version", origin, problems), fmt,
                _text(data, "kubernetes", origin, problems), path,
                license=_text(data, "license", origin, problems), origin=origin)
    authors = data.get("authors")
    if not isinstance(authors, list) or not authors or not all(isinstance(a, str) and a for a in authors):
        problems.append(origin.problem(("authors",), "authors must be a non-empty list of names"))
    else:
        pack.authors = list(authors)
    topics = data.get("topics")
    if not isinstance(topics, list) or not topics:
        problems.append(origin.problem(("topics",), "topics must be a non-empty list of {id, title}"))
    else:
        for i, topic in enumerate(topics):
            if not (isinstance(topic, dict) and isinstance(topic.get("id"), str) and _ID.match(topic["id"])
                    and isinstance(topic.get("title"), str) and topic["title"].strip()):
                problems.append(origin.problem(("topics", i), "a topic is {id: lowercase-id, title: text}"))
                continue
            if topic["id"] in pack.topics:
                problems.append(origin.problem(("topics", i, "id"), f'duplicate topic "{topic["id"]}"'))
            pack.topics[topic["id"]] = topic["title"]
    tags = data.get("misconceptions") or {}
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        problems.append(origin.problem(("misconceptions",), "misconceptions maps a tag to its description"))
    else:
        pack.misconceptions = dict(tags)
    return pack


# ------------------------------------------------------------------ lessons


def _lesson(file: Path, display: str, pack: Pack, reader: _FixtureReader, problems: list[Problem]) -> Lesson | None:
    text, problem = read_text(file, display)
    if problem:
        problems.append(problem)
        return None
    front, body, body_line = split_front_matter(text or "")
    if front is None:
        problems.append(Problem(display, 1, 1, "a lesson starts with YAML front matter between --- lines"))
        return None
    data, origin, errs = load_yaml(front, display, line_offset=1)
    problems += errs
    if not isinstance(data, dict):
        if not errs:
            problems.append(Problem(display, 2, 1, "the front matter must be a mapping"))
        return None
    who = "lesson: "
    _unknown(data, {"id", "title", "topics", "scenario", "try"}, origin, (), problems, who)
    lid = _text(data, "id", origin, problems, who=who)
    if lid and not _ID.match(lid):
        problems.append(origin.problem(("id",), "lesson id must be lowercase letters, digits and dashes"))
    lesson = Lesson(lid, _text(data, "title", origin, problems, who=who),
                    _topics(data, origin, (), problems, who), body, origin)
    if not body.strip():
        problems.append(Problem(display, body_line, 1, "the lesson has no text"))
    scenario, errs = parse_scenario(data.get("scenario"), ("scenario",), reader)
    _lift(errs, origin, problems)
    if scenario is not None:
        lesson.scenario = scenario
    snippets = data.get("try") or []
    if not isinstance(snippets, list):
        problems.append(origin.problem(("try",), "try must be a list of {label, run}"))
        snippets = []
    for i, snip in enumerate(snippets):
        if not (isinstance(snip, dict) and isinstance(snip.get("run"), str) and snip["run"].strip()
                and isinstance(snip.get("label"), str) and snip["label"].strip()
                and snip.get("expect", "ok") in ("ok", "error") and set(snip) <= {"label", "run", "expect"}):
            problems.append(origin.problem(("try", i), "a snippet is {label: text, run: command, expect: ok|error}"))
            continue
        lesson.snippets.append(Snippet(snip["label"], snip["run"], snip.get("expect", "ok")))
    for lineno, line in enumerate(body.splitlines(), body_line):
        for match in [*_LINK.finditer(line), *_REF.finditer(line)]:
            lesson.links.append((match.group(1), lineno, match.start(1) + 1))
    return lesson


# ------------------------------------------------------------------ items


def _items(file: Path, display: str, pack: Pack, reader: _FixtureReader, problems: list[Problem]) -> None:
    text, problem = read_text(file, display)
    if problem:
        problems.append(problem)
        return
    data, origin, errs = load_yaml(text or "", display)
    problems += errs
    if data is None:
        return
    if not isinstance(data, dict) or set(data) != {"items"} or not isinstance(data["items"], list):
        problems.append(origin.problem((), "an item file is a mapping with one key, items: a list of items"))
        return
    for i, raw in enumerate(data["items"]):
        if len(pack.items) >= MAX_ITEMS:
            problems.append(origin.problem(("items", i), f"more than {MAX_ITEMS} items; the rest are ignored"))
            return
        before = len(problems)
        item = _item(raw, origin.below("items", i), reader, problems)
        if item is not None:
            item.broken = len(problems) > before
            pack.items.append(item)


def _item(raw: Any, origin: Origin, reader: _FixtureReader, problems: list[Problem]) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(origin.problem((), "an item must be a mapping"))
        return None
    iid = raw.get("id")
    if not isinstance(iid, str) or not _ID.match(iid):
        problems.append(origin.problem(("id",), "an item needs an id of lowercase letters, digits and dashes"))
        return None
    who = f"item {iid}: "
    kind = raw.get("kind")
    if kind not in ITEM_KINDS:
        problems.append(origin.problem(("kind",), f"{who}kind must be one of {', '.join(ITEM_KINDS)}"))
        return None
    _unknown(raw, _COMMON | _KIND_KEYS[kind], origin, (), problems, who)
    difficulty = raw.get("difficulty", 0)
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or not 1 <= difficulty <= 5:
        problems.append(origin.problem(("difficulty",), f"{who}difficulty must be 1 to 5"))
        difficulty = 3
    seconds = parse_duration(raw.get("time"))
    if not seconds:
        problems.append(origin.problem(("time",), f"{who}time must be an estimate such as 2m or 90s"))
        seconds = 120.0
    item = Item(iid, kind, _text(raw, "title", origin, problems, who=who), _topics(raw, origin, (), problems, who),
                difficulty, seconds, _text(raw, "prompt", origin, problems, who=who),
                _text(raw, "explanation", origin, problems, who=who), origin,
                lesson=_text(raw, "lesson", origin, problems, required=False, who=who))
    item.content_hash = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:16]
    item.hints = _hints(raw.get("hints"), origin, problems, who)
    {"quiz": _quiz, "predict": _predict, "drill": _checked, "troubleshoot": _checked, "command": _checked,
     "interview": _interview}[kind](item, raw, origin, reader, problems)
    return item


def _hints(raw: Any, origin: Origin, problems: list[Problem], who: str) -> list[Hint]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(origin.problem(("hints",), f"{who}hints must be a list of {{text, penalty}}"))
        return []
    hints = []
    for i, hint in enumerate(raw):
        ok = isinstance(hint, dict) and isinstance(hint.get("text"), str) and hint["text"].strip()
        penalty = hint.get("penalty", 0.1) if isinstance(hint, dict) else None
        if not ok:
            problems.append(origin.problem(("hints", i), f"{who}hint {i + 1} is empty"))
            continue
        if isinstance(penalty, bool) or not isinstance(penalty, (int, float)) or not 0 <= penalty <= 1:
            problems.append(origin.problem(("hints", i, "penalty"), f"{who}a hint's penalty is a fraction from 0 to 1"))
            penalty = 0.1
        hints.append(Hint(hint["text"], float(penalty)))
    return hints


def _quiz(item: Item, raw: dict, origin: Origin, reader, problems: list[Problem]) -> None:
    who = f"item {item.id}: "
    item.multiple = bool(raw.get("multiple", False))
    if ("choices" in raw) == ("answer" in raw):
        problems.append(origin.problem((), f"{who}a quiz has either choices or answer"))
        return
    if "choices" in raw:
        choices = raw["choices"]
        if not isinstance(choices, list) or len(choices) < 2:
            problems.append(origin.problem(("choices",), f"{who}choices must be a list of at least two"))
            return
        for i, ch in enumerate(choices):
            if not isinstance(ch, dict) or not isinstance(ch.get("text"), str) or not ch["text"].strip():
                problems.append(origin.problem(("choices", i), f"{who}a choice needs text"))
                continue
            _unknown(ch, {"text", "correct", "credit", "feedback"}, origin, ("choices", i), problems, who)
            correct = ch.get("correct", False) is True
            credit = ch.get("credit", 1.0 if correct else 0.0)
            if isinstance(credit, bool) or not isinstance(credit, (int, float)) or not 0 <= credit <= 1:
                problems.append(origin.problem(("choices", i, "credit"), f"{who}credit is a fraction from 0 to 1"))
                credit = 1.0 if correct else 0.0
            if not str(ch.get("feedback") or "").strip():
                problems.append(origin.problem(("choices", i), f"{who}choice {i + 1} needs feedback"))
            item.choices.append(Choice(ch["text"], correct, float(credit), str(ch.get("feedback") or "")))
        for i, ch in enumerate(choices):
            if item.multiple and isinstance(ch, dict) and "credit" in ch and ch.get("correct") is not True:
                problems.append(origin.problem(("choices", i, "credit"), f"{who}credit on a wrong choice of a "
                                                                         "multiple-choice item has no effect"))
        right = [c for c in item.choices if c.correct]
        if not right:
            problems.append(origin.problem(("choices",), f"{who}no choice is correct"))
        elif len(right) > 1 and not item.multiple:
            problems.append(origin.problem(("choices",), f"{who}several choices are correct; set multiple: true"))
        return
    ans = raw["answer"]
    short = ShortAnswer()
    if not isinstance(ans, dict) or len(set(ans) & {"accept", "pattern", "number"}) != 1 \
            or not set(ans) <= {"accept", "pattern", "number", "tolerance"}:
        problems.append(origin.problem(("answer",), f"{who}answer is {{accept: [...]}}, {{pattern: REGEX}} or "
                                                    "{number: N, tolerance: T}"))
        return
    if "accept" in ans:
        if not isinstance(ans["accept"], list) or not ans["accept"] or \
                not all(isinstance(a, (str, int, float)) and not isinstance(a, bool) for a in ans["accept"]):
            problems.append(origin.problem(("answer", "accept"), f"{who}accept is a non-empty list of texts"))
            return
        short.accept = [str(a) for a in ans["accept"]]
    elif "pattern" in ans:
        try:
            re.compile(str(ans["pattern"]))
        except re.error as exc:
            problems.append(origin.problem(("answer", "pattern"), f"{who}pattern: {exc}"))
            return
        short.pattern = str(ans["pattern"])
    else:
        num, tol = ans.get("number"), ans.get("tolerance", 0)
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in (num, tol)):
            problems.append(origin.problem(("answer",), f"{who}number and tolerance must be numbers"))
            return
        short.number, short.tolerance = float(num), float(tol)
    item.answer = short


def _scenario(item: Item, raw: dict, origin: Origin, reader, problems: list[Problem]) -> None:
    scenario, errs = parse_scenario(raw.get("scenario"), ("scenario",), reader)
    _lift(errs, origin, problems)
    item.scenario = scenario


def _predict(item: Item, raw: dict, origin: Origin, reader, problems: list[Problem]) -> None:
    who = f"item {item.id}: "
    _scenario(item, raw, origin, reader, problems)
    ask = raw.get("ask")
    kinds = [k for k in ("probe", "command", "apply") if isinstance(ask, dict) and k in ask]
    if len(kinds) != 1:
        problems.append(origin.problem(("ask",), f"{who}ask is one of probe, command, apply"))
        return
    kind = kinds[0]
    if kind == "probe":
        spec = ask["probe"]
        errs: list[CheckProblem] = []
        probe = parse_probe(spec, ("ask", "probe"), errs, who.rstrip(": ")) if isinstance(spec, dict) else None
        _lift(errs, origin, problems)
        if not isinstance(spec, dict):
            problems.append(origin.problem(("ask", "probe"), f"{who}probe takes from and to"))
        observe = ask.get("observe", "verdict")
        if observe not in ("verdict", "client_ip", "node_count"):
            problems.append(origin.problem(("ask", "observe"), f"{who}observe is verdict, client_ip or node_count"))
        _unknown(ask, {"probe", "observe"}, origin, ("ask",), problems, who)
        item.ask = Ask("probe", probe=probe, observe=str(observe))
    elif kind == "command":
        _unknown(ask, {"command", "stream"}, origin, ("ask",), problems, who)
        if not isinstance(ask["command"], str) or not ask["command"].strip():
            problems.append(origin.problem(("ask", "command"), f"{who}command must be a console command"))
        if ask.get("stream", "stdout") not in ("stdout", "stderr"):
            problems.append(origin.problem(("ask", "stream"), f"{who}stream is stdout or stderr"))
        item.ask = Ask("command", command=str(ask["command"]), stream=str(ask.get("stream", "stdout")))
    else:
        _unknown(ask, {"apply"}, origin, ("ask",), problems, who)
        if not isinstance(ask["apply"], str) or not ask["apply"].strip():
            problems.append(origin.problem(("ask", "apply"), f"{who}apply takes a manifest"))
        item.ask = Ask("apply", manifest=str(ask["apply"]))
    options = raw.get("options", [])
    if not isinstance(options, list) or not all(isinstance(o, (str, int)) and not isinstance(o, bool) for o in options):
        problems.append(origin.problem(("options",), f"{who}options is a list of texts"))
    else:
        item.options = [str(o) for o in options]


def _checked(item: Item, raw: dict, origin: Origin, reader, problems: list[Problem]) -> None:
    who = f"item {item.id}: "
    _scenario(item, raw, origin, reader, problems)
    variants = raw.get("variants") or []
    if not isinstance(variants, list):
        problems.append(origin.problem(("variants",), f"{who}variants is a list of scenarios"))
        variants = []
    for i, variant in enumerate(variants):
        parsed, errs = parse_scenario(variant, ("variants", i), reader)
        _lift(errs, origin, problems)
        if parsed is not None:
            item.variants.append(parsed)
    starter = raw.get("starter") or {}
    if not _files_ok(starter):
        problems.append(origin.problem(("starter",), f"{who}starter maps file names to their text"))
    else:
        item.starter = dict(starter)
    if item.kind in ("drill", "troubleshoot") and not item.hints:
        problems.append(origin.problem(("hints",) if "hints" in raw else (), f"{who}a {item.kind} needs hints"))
    checks, errs = parse_checks(raw.get("checks"), ("checks",))
    _lift(errs, origin, problems)
    item.checks = checks
    for key in ("solutions", "counterexamples"):
        answers = raw.get(key)
        if not isinstance(answers, list) or not answers:
            # Counterexamples are the proof that the checks are not vacuous, so both are required.
            problems.append(origin.problem((key,) if key in raw else (), f"{who}{key} must be a non-empty "
                                                                         "list of {files} or {commands}"))
            continue
        for i, ans in enumerate(answers):
            parsed = _answer(ans, origin.below(key, i), problems, who)
            if parsed is not None:
                getattr(item, key).append(parsed)


def _files_ok(files: Any) -> bool:
    return isinstance(files, dict) and all(isinstance(k, str) and re.fullmatch(r"[\w.-]+", k) and isinstance(v, str)
                                           for k, v in files.items())


def _answer(raw: Any, origin: Origin, problems: list[Problem], who: str) -> Answer | None:
    if not isinstance(raw, dict) or not ({"files", "commands"} & set(raw)):
        problems.append(origin.problem((), f"{who}an answer has files and/or commands"))
        return None
    _unknown(raw, {"files", "commands", "note"}, origin, (), problems, who)
    files = raw.get("files") or {}
    if not _files_ok(files):
        problems.append(origin.problem(("files",), f"{who}files maps file names to their text"))
        return None
    commands = raw.get("commands") or ""
    if not isinstance(commands, str):
        problems.append(origin.problem(("commands",), f"{who}commands is console input (text)"))
        return None
    return Answer(dict(files), commands, str(raw.get("note") or ""), origin)


def _rubric(raw: Any, origin: Origin, where: tuple, problems: list[Problem], who: str) -> list[RubricPoint]:
    if not isinstance(raw, list) or not raw:
        problems.append(origin.problem(where, f"{who}a rubric is a non-empty list of {{id, point, recognise}}"))
        return []
    points = []
    for i, pt in enumerate(raw):
        at = where + (i,)
        if not (isinstance(pt, dict) and isinstance(pt.get("id"), str) and _ID.match(pt["id"])
                and isinstance(pt.get("point"), str) and pt["point"].strip()):
            problems.append(origin.problem(at, f"{who}a rubric point needs an id and a point"))
            continue
        if any(p.id == pt["id"] for p in points):
            problems.append(origin.problem(at + ("id",), f'{who}duplicate rubric point "{pt["id"]}"'))
        _unknown(pt, {"id", "point", "weight", "recognise"}, origin, at, problems, who)
        patterns = pt.get("recognise") or []
        good = []
        for j, pat in enumerate(patterns if isinstance(patterns, list) else [None]):
            try:
                re.compile(str(pat), re.I)
                good.append(str(pat)) if isinstance(pat, str) else problems.append(
                    origin.problem(at + ("recognise",), f"{who}recognise is a list of regular expressions"))
            except re.error as exc:
                problems.append(origin.problem(at + ("recognise", j), f"{who}bad regular expression: {exc}"))
        weight = pt.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            problems.append(origin.problem(at + ("weight",), f"{who}weight must be a positive number"))
            weight = 1
        points.append(RubricPoint(pt["id"], pt["point"], float(weight), good))
    return points


def _interview(item: Item, raw: dict, origin: Origin, reader, problems: list[Problem]) -> None:
    who = f"item {item.id}: "
    limit = raw.get("time_limit", "15m")
    item.time_limit = parse_duration(limit) or 0.0
    if not item.time_limit:
        problems.append(origin.problem(("time_limit",), f"{who}time_limit is a duration such as 15m"))
    item.rubric = _rubric(raw.get("rubric"), origin, ("rubric",), problems, who)
    follow = raw.get("follow_ups") or []
    if not isinstance(follow, list):
        problems.append(origin.problem(("follow_ups",), f"{who}follow_ups is a list"))
        return
    for i, fu in enumerate(follow):
        at = ("follow_ups", i)
        if not (isinstance(fu, dict) and isinstance(fu.get("id"), str) and _ID.match(fu["id"])
                and isinstance(fu.get("ask"), str) and fu["ask"].strip()):
            problems.append(origin.problem(at, f"{who}a follow-up needs an id and ask"))
            continue
        _unknown(fu, {"id", "ask", "rubric", "item", "when"}, origin, at, problems, who)
        if any(f.id == fu["id"] for f in item.follow_ups):
            problems.append(origin.problem(at + ("id",), f'{who}duplicate follow-up "{fu["id"]}"'))
        when = fu.get("when", "always")
        if not (when in ("always", "answered") or (isinstance(when, dict) and len(when) == 1
                                                  and set(when) <= {"missed", "failed"}
                                                  and isinstance(next(iter(when.values())), str))):
            problems.append(origin.problem(at + ("when",), f"{who}when is always, answered, {{missed: POINT}} "
                                                           "or {failed: FOLLOW_UP}"))
            when = "always"
        item.follow_ups.append(FollowUp(fu["id"], fu["ask"], _rubric(fu.get("rubric"), origin, at + ("rubric",),
                                                                      problems, who),
                                        str(fu.get("item") or ""), when))


# ------------------------------------------------------------------ across the pack


def _cross_check(pack: Pack, problems: list[Problem]) -> None:
    """Ids unique, topics and misconceptions declared, references resolve."""
    seen: dict[str, Item | Lesson] = {}
    for part in [*pack.lessons, *pack.items]:
        if not part.id:
            continue
        if part.id in seen:
            first = seen[part.id].origin
            line, _ = first.at(("id",))
            problems.append(part.origin.problem(("id",), f'duplicate id "{part.id}" (first in {first.file}:{line})'))
        else:
            seen[part.id] = part
        for i, topic in enumerate(part.topics):
            if topic not in pack.topics:
                problems.append(part.origin.problem(("topics", i), f'topic "{topic}" is not declared in pack.yaml'))
    lessons = {x.id for x in pack.lessons}
    items = {x.id for x in pack.items}
    for lesson in pack.lessons:
        for target, line, col in lesson.links:
            problem = _link_problem(target, lessons, items, pack.path, lesson.origin.file)
            if problem:
                problems.append(Problem(lesson.origin.file, line, col, problem))
    for item in pack.items:
        for key in ("prompt", "explanation"):
            for line in str(getattr(item, key)).splitlines():
                for match in [*_LINK.finditer(line), *_REF.finditer(line)]:
                    problem = _link_problem(match.group(1), lessons, items, pack.path, item.origin.file)
                    if problem:
                        problems.append(item.origin.problem((key,), f"item {item.id}: {problem}"))
        if item.lesson and item.lesson not in lessons:
            problems.append(item.origin.problem(("lesson",), f'lesson "{item.lesson}" does not exist'))
        for i, check in enumerate(item.checks):
            if check.misconception and check.misconception not in pack.misconceptions:
                problems.append(item.origin.problem(("checks", i, "misconception"),
                                                    f'misconception "{check.misconception}" is not declared in pack.yaml'))
        points = {p.id for p in item.rubric}
        earlier: set[str] = set()
        for i, fu in enumerate(item.follow_ups):
            if fu.item and fu.item not in items:
                problems.append(item.origin.problem(("follow_ups", i, "item"), f'item "{fu.item}" does not exist'))
            if isinstance(fu.when, dict):
                (key, ref), = fu.when.items()
                if key == "missed" and ref not in points:
                    problems.append(item.origin.problem(("follow_ups", i, "when"), f'no rubric point "{ref}"'))
                if key == "failed" and ref not in earlier:
                    problems.append(item.origin.problem(("follow_ups", i, "when"),
                                                        f'no earlier follow-up "{ref}" with an item'))
            if fu.item:
                earlier.add(fu.id)  # only a follow-up with an item can fail


def _link_problem(target: str, lessons: set[str], items: set[str], root: Path, file: str) -> str | None:
    ref = target.split("#", 1)[0]
    if ref.startswith("lesson:"):
        return None if ref[7:] in lessons else f'link to lesson "{ref[7:]}", which does not exist'
    if ref.startswith("item:"):
        return None if ref[5:] in items else f'link to item "{ref[5:]}", which does not exist'
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return None
    base = (root / "lessons").resolve()
    resolved = (base / target.split("#", 1)[0]).resolve()
    if not resolved.is_relative_to(root.resolve()):
        return f"link {target} leaves the pack"
    return None if resolved.exists() else f"link {target} does not resolve"
