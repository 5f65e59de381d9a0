"""Reading pack files: YAML with positions, Markdown front matter, and problems as file:line:col."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine.manifests import Document, load_manifests

#: Largest pack file read (a lesson or an item file); bigger files are refused, not read.
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, where it is, and how bad."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class Origin:
    """Where a piece of a pack came from: a file, its YAML document, and a path inside it."""

    file: str
    doc: Document | None = None
    base: tuple = ()
    line_offset: int = 0

    def at(self, path: tuple = ()) -> tuple[int, int]:
        """(line, column) of a path below this origin (the nearest existing ancestor if it is missing)."""
        if self.doc is None:
            return 1 + self.line_offset, 1
        full = tuple(self.base) + tuple(path)
        while True:
            pos = self.doc.position(list(full))
            if pos is not None:
                return pos[0] + self.line_offset, pos[1]
            if not full:
                return 1 + self.line_offset, 1
            full = full[:-1]

    def problem(self, path: tuple, message: str, severity: str = "error") -> Problem:
        """A problem at a path below this origin."""
        line, col = self.at(path)
        return Problem(self.file, line, col, message, severity)

    def below(self, *path) -> "Origin":
        """The origin of a part inside this one."""
        return Origin(self.file, self.doc, tuple(self.base) + path, self.line_offset)


def read_text(path: Path, display: str) -> tuple[str | None, Problem | None]:
    """A pack file's text, or a problem (missing, too big, not UTF-8)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(display, 1, 1, f"file is {size} bytes; pack files are at most {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        return None, Problem(display, 1, 1, f"cannot read: {exc.strerror or exc}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, Problem(display, line, 1, "file is not UTF-8 text")


def load_yaml(text: str, display: str, line_offset: int = 0) -> tuple[dict | None, Origin, list[Problem]]:
    """One YAML mapping with positions; problems for syntax errors, aliases, or several documents."""
    origin = Origin(display, None, (), line_offset)
    if not text.strip():
        return None, origin, [Problem(display, 1 + line_offset, 1, "the file is empty")]
    loaded = load_manifests(text, display, stop_at_first_error=False)
    problems = [Problem(display, (e.line or 1) + line_offset, e.column or 1, e.message) for e in loaded.errors]
    if problems:
        return None, origin, problems
    if len(loaded.documents) != 1:
        return None, origin, [Problem(display, 1 + line_offset, 1, "expected exactly one YAML document")]
    doc = loaded.documents[0]
    origin.doc = doc
    # A key given twice silently loses its first value (e.g. a first `try:` list): say so.
    dups = [Problem(display, d.line + line_offset, d.column,
                    f'duplicate key "{d.path}" (first at line {d.first_line + line_offset})') for d in doc.duplicates]
    return doc.obj, origin, dups


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML, body, the body's first line number) of a Markdown file with `---` fences."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        # Only an unindented fence ends it: an indented --- belongs to a block scalar (a manifest).
        if lines[i].rstrip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    return None, text, 1
