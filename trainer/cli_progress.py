"""The `progress` (summary, export, merge, reset) and `review` subcommands: the learner's progress, headless."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_EXIT_TEXT = "Exit status: 0 on success, 1 when there is nothing to show or it failed, 2 for bad arguments."


def add_parsers(sub) -> None:
    """Add `progress` (with export, merge, reset) and `review` to the CLI's subparsers."""
    progress = sub.add_parser(
        "progress", help="your progress: mastery per topic, readiness, due reviews; export, merge, reset",
        description="Print a summary of the learner's progress: mastery per topic (FSRS recall probability), "
                    "interview readiness, the items due today, calibration and misconceptions.",
        epilog="Data: --data-dir DIR, else $NODEPORT_TRAINER_DATA_DIR, else the user data directory. "
               "Packs: --content DIR, else the built-in packs. " + _EXIT_TEXT
               + " With --json the summary is printed even when empty (exit 1 then too).")
    _common(progress)
    progress.add_argument("--json", action="store_true",
                          help="print the summary as JSON (the export's format, without the answers list)")
    inner = progress.add_subparsers(dest="progress_command", metavar="PROGRESS_COMMAND")

    export = inner.add_parser(
        "export", help="write a report of your progress (md, json or csv)",
        description="Write the learner's report: md is a readable report with tables, json the versioned "
                    "document an instructor merges, csv one row per answer.",
        epilog="The format defaults to -o FILE's suffix (.md, .json, .csv), else md. " + _EXIT_TEXT)
    _common(export)
    export.add_argument("--format", choices=("md", "json", "csv"), help="the report's format")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--learner", metavar="NAME",
                        help="the learner's name in the report (default: the stored name, else $USER)")

    merge = inner.add_parser(
        "merge", help="combine a class's JSON exports into one report per learner and per topic",
        description="Combine the JSON exports of several learners (from `progress export --format json`) "
                    "into one report: each learner's readiness and mastery, and the class average per topic. "
                    "No server and no progress store are involved.",
        epilog="A file that is not a readable export is named in the error and nothing is written. " + _EXIT_TEXT)
    merge.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a JSON export (repeatable)")
    merge.add_argument("--format", choices=("md", "csv"), help="md (default) or csv; defaults to -o FILE's suffix")
    merge.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")

    reset = inner.add_parser(
        "reset", help="forget the answers and review card of one item, one pack, or everything",
        description="Delete recorded answers and review cards. This cannot be undone; export first to keep a copy.",
        epilog="Asks for confirmation on a terminal; when stdin is not a terminal, --yes is required. " + _EXIT_TEXT)
    _common(reset, content=False)
    scope = reset.add_mutually_exclusive_group(required=True)
    scope.add_argument("--item", type=_item_ref, metavar="PACK/ITEM",
                       help="one item, e.g. nodeport/q-basics-what-you-get")
    scope.add_argument("--pack", metavar="PACK", help="every item of one pack")
    scope.add_argument("--all", action="store_true", help="everything")
    reset.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")

    review = sub.add_parser(
        "review", help="start a review session of the items due today (in the app)",
        description="On a terminal, open the app on a review session of the items due today, the most "
                    "overdue first. Without a terminal (or with --list / --json), list them instead.",
        epilog="Exit status: 0 when items are due, 1 when nothing is due or the store cannot be opened, "
               "2 for bad arguments.")
    _common(review)
    review.add_argument("--json", action="store_true", help='print [{"pack", "item", "title", "due_at", '
                                                            '"changed"}] as JSON')
    review.add_argument("--list", action="store_true", help="list the due items instead of opening the app")


def _common(p: argparse.ArgumentParser, content: bool = True) -> None:
    # The same options as the top level's; suppressed defaults keep `--data-dir DIR progress` working too.
    p.add_argument("--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                   help="where the learner's progress is kept (default: $NODEPORT_TRAINER_DATA_DIR, else the "
                        "user data directory)")
    if content:
        p.add_argument("--content", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                       help="a content pack, or a folder of packs (default: the built-in packs)")


def _item_ref(text: str) -> tuple[str, str]:
    pack, sep, item = text.partition("/")
    if not sep or not pack or not item or "/" in item:
        raise argparse.ArgumentTypeError(f"expected PACK/ITEM (e.g. nodeport/q-basics-what-you-get), not '{text}'")
    return pack, item


def run(args: argparse.Namespace) -> int:
    """Run `progress [export|merge|reset]` or `review`."""
    import sqlite3

    command = "review" if args.command == "review" else getattr(args, "progress_command", None) or "progress"
    handler = {"review": _review, "merge": _merge, "reset": _reset, "export": _export}.get(command, _progress)
    try:
        return handler(args)
    except sqlite3.Error as exc:  # e.g. the disk is full, or another program holds the file for too long
        _error(f"the progress store could not be read or written: {exc}")
        return EXIT_FAILED


# ------------------------------------------------------------------ shared


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _open_store(args: argparse.Namespace):
    """The progress store named by --data-dir (or the defaults); None after printing why it cannot be opened."""
    from .study.store import ProgressStore, StoreError

    try:
        store = ProgressStore.open(getattr(args, "data_dir", None))
    except StoreError as exc:
        _error(str(exc))
        return None
    if store.recovered:
        print(f"note: {store.recovered}", file=sys.stderr)
    return store


def _packs(args: argparse.Namespace):
    """The sound packs of --content (or the built-in ones); None after printing why there are none."""
    from .content.loader import load_packs

    root = getattr(args, "content", None)
    if root is not None and not root.exists():
        _error(f"--content {root}: no such file or directory")
        return None
    packs = []
    for entry in load_packs(root):
        if entry.sound and entry.pack is not None:
            packs.append(entry.pack)
        else:
            name = entry.pack.id if entry.pack is not None and entry.pack.id else entry.path
            print(f"warning: pack {name} has problems and is left out (see: nodeport-trainer pack lint "
                  f"{entry.path})", file=sys.stderr)
    return packs


def _summary(args: argparse.Namespace):
    """(summary, status): the learner's summary, or None and the exit status after an error."""
    from .study.reports import summary

    packs = _packs(args)
    if packs is None:
        return None, EXIT_USAGE
    store = _open_store(args)
    if store is None:
        return None, EXIT_FAILED
    with store:
        return summary(store, packs, datetime.now(timezone.utc)), EXIT_OK


def _emit(text: str, report: bool = False) -> None:
    """Write to stdout even when its encoding cannot show every character.

    A report (a file's content) then goes out as UTF-8, as it would to a file; text for the
    terminal has the characters it cannot show replaced.
    """
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            raise
        sys.stdout.flush()
        buffer.write(text.encode("utf-8") if report else text.encode(sys.stdout.encoding or "ascii", "replace"))
        buffer.flush()


def _write(text: str, output: Path | None) -> bool:
    """Write to output (atomically, through a temporary file beside it) or stdout; False after an error."""
    if output is None or str(output) == "-":
        _emit(text, report=True)
        return True
    tmp = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, output)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        _error(f"cannot write {output}: {exc.strerror or exc}")
        return False
    return True


def _format_for(fmt: str | None, output: Path | None, allowed: tuple[str, ...]) -> str:
    if fmt:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    suffix = {"markdown": "md"}.get(suffix, suffix)
    return suffix if suffix in allowed else "md"


def _unicode_ok() -> bool:
    try:
        "█░▁█–…".encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# ------------------------------------------------------------------ progress


def _progress(args: argparse.Namespace) -> int:
    s, status = _summary(args)
    if s is None:
        return status
    if args.json:
        doc = s.to_json(answers=False)
        doc["data_file"] = str(s.data_file)
        _emit(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", report=True)
        return EXIT_FAILED if s.empty else EXIT_OK
    if s.empty:
        print(f"No progress yet: no answers are recorded in {s.data_file}.")
        print("Answer items in the app (run `nodeport-trainer`) and your progress shows here.")
        return EXIT_FAILED
    _emit(_progress_text(s, _unicode_ok()))
    return EXIT_OK


def _short(text: str, width: int, ellipsis: str) -> str:
    return text if len(text) <= width else text[:width - len(ellipsis)].rstrip() + ellipsis


def _progress_text(s, fancy: bool) -> str:
    from .study.reports import bar, percent

    full, empty, dots = ("█", "░", "…") if fancy else ("#", ".", "...")
    last = max(a.answered_at for a in s.answers)
    lines = [f"Progress of {s.learner}: {s.answer_count} answers, {s.passed_count} passed, "
             f"last on {last.strftime('%Y-%m-%d')}"]
    packs = ", ".join(f"{p.id} {p.readiness:.0f}%" for p in s.packs) if len(s.packs) > 1 else ""
    lines += [f"Interview readiness: {s.readiness:.0f}%" + (f" ({packs})" if packs else ""), ""]
    lines.append("Mastery by topic (chance of recalling its items today; unseen items count 0):")
    width = max((len(t.id) for t in s.topics), default=0)
    for t in s.topics:
        lines.append(f"  {t.id:<{width}}  {bar(t.mastery, 20, full, empty)} {percent(t.mastery):>4}  "
                     f"{t.answers:>3} answered  {_short(t.title, 48, dots)}")
    lines.append("")
    if s.due:
        lines.append(f"Due today: {s.due_count} item{'s' if s.due_count != 1 else ''} "
                     f"(`nodeport-trainer review` lists them)")
    else:
        lines.append("Due today: nothing")
    if s.calibration:
        lines += ["", "Calibration (confidence before the check against the result):"]
        cw = max(len(r.topic) for r in s.calibration)
        for r in s.calibration:
            lines.append(f"  {r.topic:<{cw}}  {r.label:<16} confidence {r.confidence:.1f}/5 (expects "
                         f"{percent(r.expected)}), passed {percent(r.accuracy)} of {r.answers}")
    if s.misconceptions:
        lines += ["", "Misconceptions seen:"]
        mw = max(len(m.tag) for m in s.misconceptions)
        for m in s.misconceptions:
            lines.append(f"  {m.count:>3}x {m.tag:<{mw}}  {m.description}".rstrip())
    if s.history:
        recent = s.history[-14:]
        spark = _sparkline([d.mean_score for d in recent], fancy)
        lines += ["", f"Score history (mean per day, UTC): {spark}  {recent[0].day} to {recent[-1].day}, "
                      f"latest {percent(recent[-1].mean_score)}"]
    if s.changed:
        lines += ["", "Changed since you last answered them (history kept; answer them again):"]
        lines += [f"  {c.pack_id}/{c.item_id}  {c.title}" for c in s.changed]
    return "\n".join(lines) + "\n"


def _sparkline(values: list[float], fancy: bool) -> str:
    ticks = "▁▂▃▄▅▆▇█" if fancy else "_.-=+*#@"
    return "".join(ticks[min(len(ticks) - 1, int(max(0.0, min(1.0, v)) * len(ticks)))] for v in values)


# ------------------------------------------------------------------ export


def _export(args: argparse.Namespace) -> int:
    from .study.reports import export

    s, status = _summary(args)
    if s is None:
        return status
    if args.learner is not None:
        if not args.learner.strip():
            _error("--learner must not be empty")
            return EXIT_USAGE
        s.learner = args.learner.strip()
    fmt = _format_for(args.format, args.output, ("md", "json", "csv"))
    if not _write(export(s, fmt), args.output):
        return EXIT_FAILED
    if s.empty:
        print("note: no answers are recorded yet; the report is empty", file=sys.stderr)
    if args.output is not None and str(args.output) != "-":
        print(f"wrote {args.output} ({fmt}, {s.answer_count} answers of {s.learner})", file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------ merge


def _merge(args: argparse.Namespace) -> int:
    from .study.reports import MAX_EXPORT_BYTES, ReportError, merge

    texts = []
    for path in args.files:
        try:
            size = path.stat().st_size
            if size > MAX_EXPORT_BYTES:
                _error(f"{path}: larger than {MAX_EXPORT_BYTES // (1024 * 1024)} MiB; not a progress export")
                return EXIT_FAILED
            texts.append((str(path), path.read_bytes()))
        except OSError as exc:
            _error(f"{path}: no such file" if isinstance(exc, FileNotFoundError)
                   else f"{path}: {exc.strerror or exc}")
            return EXIT_USAGE if isinstance(exc, FileNotFoundError) else EXIT_FAILED
    fmt = _format_for(args.format, args.output, ("md", "csv"))
    try:
        text = merge(texts, fmt)
    except ReportError as exc:
        _error(str(exc))
        return EXIT_FAILED
    if not _write(text, args.output):
        return EXIT_FAILED
    if args.output is not None and str(args.output) != "-":
        print(f"wrote {args.output} ({fmt}, {len(texts)} exports)", file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------ reset


def _reset(args: argparse.Namespace) -> int:
    from .study.scheduler import END_OF_TIME

    store = _open_store(args)
    if store is None:
        return EXIT_FAILED
    with store:
        if args.item is not None:
            pack_id, item_id = args.item
            what = f"item {pack_id}/{item_id}"
            answers = len(store.answers(pack_id, item_id, detail=False))
            cards = store.card(pack_id, item_id) is not None
        elif args.pack is not None:
            what = f"pack {args.pack}"
            answers = len(store.answers(args.pack, detail=False))
            cards = any(c.pack_id == args.pack for c in store.due(END_OF_TIME))
        else:
            what = "all your progress"
            answers = len(store.answers(detail=False))
            cards = bool(store.due(END_OF_TIME))
        if not answers and not cards:
            print(f"Nothing to reset: no answers are recorded for {what}.")
            return EXIT_FAILED
        count = f"{answers} answer{'s' if answers != 1 else ''}"
        if not args.yes:
            if not sys.stdin.isatty():
                _error(f"this would forget {count} of {what}; stdin is not a terminal, so add --yes to confirm")
                return EXIT_USAGE
            sys.stderr.write(f"Forget {count} and the review schedule of {what}? This cannot be undone. [y/N] ")
            sys.stderr.flush()
            reply = sys.stdin.readline().strip().lower()
            if reply not in ("y", "yes"):
                print("Nothing was reset.")
                return EXIT_FAILED
        if args.item is not None:
            deleted = store.reset(item=args.item)
        elif args.pack is not None:
            deleted = store.reset(pack=args.pack)
        else:
            deleted = store.reset(everything=True)
    print(f"Reset {what}: {deleted} answer{'s' if deleted != 1 else ''} forgotten.")
    return EXIT_OK


# ------------------------------------------------------------------ review


def _review(args: argparse.Namespace) -> int:
    if not (args.json or args.list) and sys.stdin.isatty() and sys.stdout.isatty():
        from .tui.app import make_app  # Textual only when the app really opens

        content = getattr(args, "content", None)
        make_app(content, getattr(args, "data_dir", None), review=True).run()
        return EXIT_OK
    s, status = _summary(args)
    if s is None:
        return status
    if args.json:
        _emit(json.dumps(s.to_json(answers=False)["due_today"], indent=2, ensure_ascii=False) + "\n", report=True)
        return EXIT_OK if s.due else EXIT_FAILED
    if not s.due:
        print("Nothing is due for review today." + ("" if not s.empty else
                                                    " Answer items in the app (run `nodeport-trainer`) first."))
        if s.due_elsewhere:
            print(f"({s.due_elsewhere} due item{'s are' if s.due_elsewhere != 1 else ' is'} from packs that are not "
                  "loaded.)")
        return EXIT_FAILED
    n = s.due_count
    lines = [f"{n} item{'s are' if n != 1 else ' is'} due for review today, the most overdue first:"]
    width = max(len(f"{d.pack_id}/{d.item_id}") for d in s.due)
    for d in s.due:
        note = "  (changed since you answered it)" if d.changed else ""
        lines.append(f"  {d.pack_id + '/' + d.item_id:<{width}}  {d.title}{note}")
    if s.due_elsewhere:
        lines.append(f"({s.due_elsewhere} more from packs that are not loaded.)")
    lines.append("The app's review session opens them: run `nodeport-trainer app`.")
    _emit("\n".join(lines) + "\n")
    return EXIT_OK
