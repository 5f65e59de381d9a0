"""Safe manifest loading: YAML or JSON bytes to positioned documents, with kubectl-worded errors."""

from __future__ import annotations

import base64
import binascii
import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Union

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:  # libyaml's parser is ~10x faster; its messages are go-yaml's too (both descend from libyaml).
    from yaml.cyaml import CParser as _FastParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _FastParser = None

from .gofmt import go_json_float
from .gofmt import go_json_u_escapes as go_json
from .gofmt import go_quote_ascii_controls as _go_quote
from .gofmt import go_sharp_v_yaml as _go_sharp_v

__all__ = [
    "go_json_float",
    "MAX_INPUT_BYTES",
    "MAX_DOCUMENT_BYTES",
    "MAX_DEPTH",
    "ManifestError",
    "DuplicateKey",
    "Document",
    "LoadResult",
    "load_manifests",
    "parse_path",
    "go_json",
]

MAX_INPUT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_DEPTH = 100

_VALIDATE_HINT = "if you choose to ignore these errors, turn validation off with --validate=false"

Position = tuple[int, int]
PathLike = Union[str, Iterable[Union[str, int]]]


@dataclass(frozen=True)
class ManifestError:
    """A manifest that could not be loaded.

    Attributes:
        source: the file name as given (``-`` for stdin).
        line: 1-based line in the whole input, or None when unknown.
        column: 1-based column, or None when unknown.
        message: the short problem, for ``file:line:col: message`` lint output.
        detail: what kubectl prints after ``error: ``.
    """

    source: str
    line: int | None
    column: int | None
    message: str
    detail: str

    def kubectl_message(self) -> str:
        """The line kubectl prints on stderr for this error."""
        return "error: " + self.detail

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class DuplicateKey:
    """A mapping key given twice; kubectl keeps the last value without a word."""

    path: str
    line: int
    column: int
    first_line: int
    first_column: int


class Document:
    """One loaded object, with the positions of every field it was built from.

    Attributes:
        obj: the object, a dict in Kubernetes JSON shape.
        source: the file it came from.
        line: 1-based line where the object starts.
        column: 1-based column where the object starts.
        index: 0-based ordinal of the non-empty YAML/JSON document in the source.
        item: index inside a ``kind: List``/``*List`` document, else None.
        duplicates: keys that were given twice inside this object.
    """

    __slots__ = ("obj", "source", "line", "column", "index", "item", "duplicates", "_pos")

    def __init__(self, obj: dict, source: str, line: int, column: int, index: int,
                 item: int | None, duplicates: tuple[DuplicateKey, ...], pos: Any) -> None:
        self.obj = obj
        self.source = source
        self.line = line
        self.column = column
        self.index = index
        self.item = item
        self.duplicates = duplicates
        self._pos = pos

    def position(self, path: PathLike) -> Position | None:
        """Where a field's key (or a list item) starts, as 1-based (line, column).

        Args:
            path: e.g. ``"spec.ports[0].nodePort"``, ``"metadata.labels[app.kubernetes.io/name]"``
                or a sequence of keys and indices. The empty path is the object itself.
        """
        found = self._walk(path)
        return None if found is None else found[0]

    def value_position(self, path: PathLike) -> Position | None:
        """Where a field's value starts, as 1-based (line, column)."""
        found = self._walk(path)
        return None if found is None else found[1]

    def _walk(self, path: PathLike) -> tuple[Position, Position] | None:
        segments = parse_path(path) if isinstance(path, str) else list(path)
        here: Position = (self.line, self.column)
        value_at = here
        node = self._pos
        for seg in segments:
            if isinstance(node, dict):
                entry = node.get(str(seg))
                if entry is None:
                    return None
                here, value_at, node = (entry[0], entry[1]), (entry[2], entry[3]), entry[4]
            elif isinstance(node, list):
                if isinstance(seg, str):
                    if not seg.isdigit():
                        return None
                    seg = int(seg)
                if not 0 <= seg < len(node):
                    return None
                entry = node[seg]
                here = value_at = (entry[0], entry[1])
                node = entry[2]
            else:
                return None
        return here, value_at

    def __repr__(self) -> str:
        kind = self.obj.get("kind") if isinstance(self.obj, dict) else None
        return f"Document({self.source}:{self.line}, kind={kind!r}, index={self.index}, item={self.item})"


@dataclass
class LoadResult:
    """Everything a load produced: the good documents and the errors, in input order."""

    documents: list[Document] = field(default_factory=list)
    errors: list[ManifestError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing went wrong."""
        return not self.errors


def parse_path(path: str) -> list[str | int]:
    """Split ``spec.ports[0].nodePort`` into ``["spec", "ports", 0, "nodePort"]``.

    Bracketed all-digit segments become ints; other bracketed text is a map key kept whole,
    so ``metadata.labels[app.kubernetes.io/name]`` works.
    """
    out: list[str | int] = []
    i, n = 0, len(path)
    buf: list[str] = []
    while i < n:
        c = path[i]
        if c == ".":
            if buf:
                out.append("".join(buf))
                buf = []
            i += 1
        elif c == "[":
            if buf:
                out.append("".join(buf))
                buf = []
            end = path.find("]", i)
            if end < 0:
                buf.append(path[i:])
                break
            inner = path[i + 1:end]
            out.append(int(inner) if inner.isdigit() else inner)
            i = end + 1
        else:
            buf.append(c)
            i += 1
    if buf:
        out.append("".join(buf))
    return out


# ---------------------------------------------------------------------------
# Go formatting helpers (what sigs.k8s.io/yaml and encoding/json would print)


def _go_float_key(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for float map keys."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    import struct

    f32 = struct.unpack("f", struct.pack("f", value))[0]
    for precision in range(1, 10):
        text = f"{f32:.{precision}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == f32:
            break
    if "e" in text:
        mantissa, exp = text.split("e")
        sign = exp[0]
        digits = exp[1:].lstrip("0").rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    return text


# ---------------------------------------------------------------------------
# Scalar resolution, the go-yaml v2 way (sigs.k8s.io/yaml decodes into interface{})

_HINTS: dict[str, str] = {"+": "S", "-": "S", ".": "."}
_HINTS.update({c: "D" for c in "0123456789"})
_HINTS.update({c: "M" for c in "yYnNtTfFoO~"})

_MISSING = object()
_RESOLVE_MAP: dict[str, Any] = {}
for _words, _val in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".nan", ".NaN", ".NAN"), math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    (("-.inf", "-.Inf", "-.INF"), -math.inf),
):
    for _w in _words:
        _RESOLVE_MAP[_w] = _val

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?"
                        r"([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?\Z")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
_BASE_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _go_parse_int(text: str, signed: bool) -> int | None:
    """strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) after go-yaml dropped the underscores."""
    sign = 1
    body = text
    if body[:1] in "+-":
        if not signed:
            return None
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    base = 10
    if len(body) > 1 and body[0] == "0":
        prefix = body[1]
        if prefix in "xX":
            base, body = 16, body[2:]
        elif prefix in "bB":
            base, body = 2, body[2:]
        elif prefix in "oO":
            base, body = 8, body[2:]
        else:
            base, body = 8, body[1:]
    if not body:
        return None
    allowed = _BASE_DIGITS[base]
    for ch in body:
        if ch not in allowed:
            return None
    value = sign * int(body, base)
    if signed:
        return value if _INT64_MIN <= value <= _INT64_MAX else None
    return value if value <= _UINT64_MAX else None


def _resolve_plain(text: str) -> Any:
    """Resolve an untagged plain scalar as go-yaml v2 does (YAML 1.1 flavoured)."""
    hint = _HINTS.get(text[:1], "N" if not text else None)
    if hint is None:
        return text
    found = _RESOLVE_MAP.get(text, _MISSING)
    if found is not _MISSING:
        return found
    if hint == "M" or hint == "N":
        return text
    if hint == ".":
        if _DOT_FLOAT.match(text):
            value = float(text)
            if not math.isinf(value):
                return value
        return text
    plain = text.replace("_", "")
    value = _go_parse_int(plain, True)
    if value is not None:
        return value
    value = _go_parse_int(plain, False)
    if value is not None:
        # Beyond int64, kubectl's unstructured decoding turns it into a float64 anyway.
        return float(value)
    if _YAML_FLOAT.match(plain):
        number = float(plain)
        if not math.isinf(number):
            return number
    return text


def _short_tag(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag[len("tag:yaml.org,2002:"):]
    return tag


def _tag_kind(value: Any, text: str) -> str:
    """The go-yaml tag a resolved plain value carries."""
    if value is None:
        return "!!null"
    if value is True or value is False:
        return "!!bool"
    if isinstance(value, int):
        return "!!int"
    if isinstance(value, float):
        return "!!float"
    if _TIMESTAMP.match(text):
        return "!!timestamp"
    return "!!str"


# ---------------------------------------------------------------------------
# Errors raised inside the builder; they never leave this module.


class _Stop(Exception):
    """Loading of the current document must stop: carries (problem, kubectl detail, line, col)."""

    def __init__(self, problem: str, detail: str, line: int | None, column: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.detail = detail
        self.line = line
        self.column = column


_PURE_TRANSLATIONS = (
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("special characters are not allowed", "control characters are not allowed"),
)


def _translate_problem(exc: yaml.MarkedYAMLError) -> str:
    """Turn a PyYAML problem into go-yaml's wording (libyaml's C messages already match)."""
    problem = exc.problem or "unknown problem parsing YAML content"
    context = exc.context or ""
    if "exceeded maximum nesting depth" in problem:
        # Newer libyaml builds stop deep documents themselves; report our own limit's words.
        return f"exceeded max depth of {MAX_DEPTH}"
    for old, new in _PURE_TRANSLATIONS:
        if old in problem:
            return new
    if problem.startswith("found character") and "that cannot start any token" in problem:
        return "found character that cannot start any token"
    if problem.startswith("expected the node content"):
        return "did not find expected node content"
    if problem.startswith("expected <block end>"):
        if "block collection" in context or "block sequence" in context:
            return "did not find expected '-' indicator"
        return "did not find expected key"
    if problem.startswith("expected ',' or ']'"):
        return "did not find expected ',' or ']'"
    if problem.startswith("expected ',' or '}'"):
        return "did not find expected ',' or '}'"
    if problem.startswith("expected '<document start>'"):
        return "did not find expected <document start>"
    return problem


# ---------------------------------------------------------------------------
# The YAML builder: events in, plain Python values and a position tree out.


class _YamlBuilder:
    """Builds one document from parser events, refusing anchors and deep nesting."""

    __slots__ = ("_get", "_lo", "_source", "_path", "_anchors", "dups", "refusal", "decode_error",
                 "convert_error")

    def __init__(self, get_event: Any, line_offset: int, source: str) -> None:
        self._get = get_event
        self._lo = line_offset  # 0-based line of the chunk's first line in the whole input
        self._source = source
        self._path: list[str | int] = []
        self._anchors: set[str] = set()
        self.dups: list[DuplicateKey] = []
        # Anchors are refused, but only once the whole document has parsed: go-yaml would
        # report a later syntax error first. Nothing is ever expanded, so reading on is safe.
        self.refusal: _Stop | None = None
        self.decode_error: tuple[str, int, int] | None = None
        self.convert_error: tuple[str, int, int] | None = None

    def _where(self, ev: Any) -> tuple[int, int]:
        mark = ev.start_mark
        return mark.line + self._lo + 1, mark.column + 1

    def _refuse(self, ev: Any, problem: str) -> _Stop:
        line, col = self._where(ev)
        local = ev.start_mark.line + 1
        detail = f"error parsing {self._source}: error converting YAML to JSON: yaml: line {local}: {problem}"
        return _Stop(problem, detail, line, col)

    def _check_anchor(self, ev: Any) -> None:
        if ev.anchor is not None:
            self._anchors.add(ev.anchor)
            if self.refusal is None:
                self.refusal = self._refuse(ev, f'found anchor "&{ev.anchor}"; anchors and aliases are not supported')

    def _alias(self, ev: Any) -> None:
        if ev.anchor not in self._anchors:
            # go-yaml's parser stops right here, without a line number.
            problem = f"unknown anchor '{ev.anchor}' referenced"
            line, col = self._where(ev)
            raise _Stop(problem, f"error parsing {self._source}: error converting YAML to JSON: yaml: {problem}",
                        line, col)
        if self.refusal is None:  # pragma: no cover - an anchor was seen first, so this is set
            self.refusal = self._refuse(ev, f'found alias "*{ev.anchor}"; anchors and aliases are not supported')

    def _decode_fail(self, ev: Any, problem: str) -> None:
        if self.decode_error is None:
            line, col = self._where(ev)
            self.decode_error = (problem, line, col)

    def _convert_fail(self, ev: Any, problem: str) -> None:
        if self.convert_error is None:
            line, col = self._where(ev)
            self.convert_error = (problem, line, col)

    def build(self, ev: Any, depth: int) -> tuple[Any, Any]:
        """Build the node that starts with ``ev``; returns (value, position subtree)."""
        cls = ev.__class__
        if cls is ScalarEvent:
            if ev.anchor is not None:
                self._check_anchor(ev)
            return self._scalar(ev), None
        if cls is MappingStartEvent:
            return self._mapping(ev, depth + 1)
        if cls is SequenceStartEvent:
            return self._sequence(ev, depth + 1)
        if cls is AliasEvent:
            self._alias(ev)
            return None, None
        raise self._refuse(ev, "unexpected event")  # pragma: no cover - the parser never does this

    def _scalar(self, ev: Any) -> Any:
        tag = ev.tag
        text = ev.value
        if tag is None:
            if ev.style:
                return text
            if ev.implicit[0]:
                value = _resolve_plain(text)
                if value.__class__ is float and (value != value or value in (math.inf, -math.inf)):
                    self._convert_fail(ev, "json: unsupported value: " + _go_float_name(value))
                return value
            return text
        if tag == "!":
            return text
        return self._tagged(ev, _short_tag(tag), text)

    def _key_scalar(self, ev: Any) -> Any:
        """A key's value: like _scalar, but NaN and infinities are fine (they become strings)."""
        tag = ev.tag
        if tag is None or tag == "!":
            if tag is None and not ev.style and ev.implicit[0]:
                return _resolve_plain(ev.value)
            return ev.value
        return self._tagged(ev, _short_tag(tag), ev.value, for_key=True)

    def _tagged(self, ev: Any, tag: str, text: str, for_key: bool = False) -> Any:
        if tag == "!!str":
            return text
        if tag == "!!binary":
            try:
                raw = base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                self._decode_fail(ev, "!!binary value contains invalid base64 data")
                return text
            return raw.decode("utf-8", "replace")
        if tag not in ("!!bool", "!!int", "!!float", "!!null", "!!timestamp"):
            # go-yaml leaves values with tags it does not know as plain strings.
            return text
        value = _resolve_plain(text)
        rtag = _tag_kind(value, text)
        if rtag == tag:
            if not for_key and value.__class__ is float and (value != value or value in (math.inf, -math.inf)):
                self._convert_fail(ev, "json: unsupported value: " + _go_float_name(value))
            return value
        if tag == "!!float" and rtag == "!!int":
            return float(value)
        self._decode_fail(ev, f"cannot decode {rtag} `{text}` as a {tag}")
        return value

    def _key_string(self, ev: Any, value: Any) -> str | None:
        """The JSON key sigs.k8s.io/yaml makes of a scalar key; None when it refuses."""
        if value.__class__ is str:
            return value
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _go_float_key(value)
        return None

    def _mapping(self, start: Any, depth: int) -> tuple[dict, dict]:
        if start.anchor is not None:
            self._check_anchor(start)
        if depth > MAX_DEPTH:
            raise self._refuse(start, f"exceeded max depth of {MAX_DEPTH}")
        out: dict[str, Any] = {}
        pos: dict[str, tuple] = {}
        get = self._get
        lo = self._lo
        path = self._path
        while True:
            kev = get()
            kcls = kev.__class__
            if kcls is MappingEndEvent:
                return out, pos
            kmark = kev.start_mark
            kline, kcol = kmark.line + lo + 1, kmark.column + 1
            if kcls is ScalarEvent:
                if kev.anchor is not None:
                    self._check_anchor(kev)
                if kev.tag is None and not kev.style and kev.value == "<<":
                    vev = get()
                    value, vpos = self.build(vev, depth)
                    self._merge(vev, value, vpos, out, pos)
                    continue
                kvalue = self._key_scalar(kev)
                key = self._key_string(kev, kvalue)
            else:
                kvalue, _ = self.build(kev, depth)
                key = None
            vev = get()
            vmark = vev.start_mark
            if key is None:
                path.append("?")
                value, vpos = self.build(vev, depth)
                path.pop()
                if kcls is ScalarEvent:
                    self._convert_fail(kev, "unsupported map key of type: %!s(<nil>), key: <nil>, value: "
                                       + _go_sharp_v(value).replace("interface {}(nil)", "<nil>"))
                else:
                    self._decode_fail(kev, "invalid map key: " + _go_sharp_v(kvalue))
                continue
            path.append(key)
            vcls = vev.__class__
            if vcls is ScalarEvent and vev.anchor is None:
                value, vpos = self._scalar(vev), None
            else:
                value, vpos = self.build(vev, depth)
            path.pop()
            entry = (kline, kcol, vmark.line + lo + 1, vmark.column + 1, vpos)
            if key in out:
                first = pos[key]
                self.dups.append(DuplicateKey(_render_path(path + [key]), kline, kcol, first[0], first[1]))
            out[key] = value
            pos[key] = entry

    def _merge(self, vev: Any, value: Any, vpos: Any, out: dict, pos: dict) -> None:
        """go-yaml v2 merges ``<<`` maps in place, later keys winning, sequences last-to-first."""
        if isinstance(value, dict):
            for k, v in value.items():
                out[k] = v
                pos[k] = vpos[k]
            return
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for item, ipos in zip(reversed(value), reversed(vpos)):
                for k, v in item.items():
                    out[k] = v
                    pos[k] = ipos[2][k]
            return
        self._decode_fail(vev, "map merge requires map or sequence of maps as the value")

    def _sequence(self, start: Any, depth: int) -> tuple[list, list]:
        if start.anchor is not None:
            self._check_anchor(start)
        if depth > MAX_DEPTH:
            raise self._refuse(start, f"exceeded max depth of {MAX_DEPTH}")
        out: list[Any] = []
        pos: list[tuple] = []
        get = self._get
        lo = self._lo
        path = self._path
        while True:
            ev = get()
            cls = ev.__class__
            if cls is SequenceEndEvent:
                return out, pos
            mark = ev.start_mark
            if cls is ScalarEvent and ev.anchor is None:
                out.append(self._scalar(ev))
                pos.append((mark.line + lo + 1, mark.column + 1, None))
                continue
            path.append(len(out))
            value, vpos = self.build(ev, depth)
            path.pop()
            out.append(value)
            pos.append((mark.line + lo + 1, mark.column + 1, vpos))


def _go_float_name(value: float) -> str:
    if value != value:
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def _render_path(segments: list[str | int]) -> str:
    """A strict-decoding style path: dots between keys, ``[i]`` for list items."""
    out = ""
    for seg in segments:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out = seg if not out else out + "." + seg
    return out


# ---------------------------------------------------------------------------
# The JSON path: kubectl reads a stream that starts with "{" with encoding/json.


class _JsonError(Exception):
    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset  # index of the offending character; None means unexpected EOF


def _quote_char(ch: str) -> str:
    """encoding/json's quoteChar."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    quoted = _go_quote(ch)
    return "'" + quoted[1:-1] + "'"


_JSON_WS = " \t\n\r"
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_SIMPLE_STRING = re.compile(r'[^"\\\x00-\x1f]*')
_JSON_ESCAPE_MAP = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _JsonReader:
    """A small JSON reader that keeps positions and words errors like encoding/json."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.source = source
        self.line_starts = [0]
        for m in re.finditer("\n", text):
            self.line_starts.append(m.end())
        self.path: list[str | int] = []
        self.dups: list[DuplicateKey] = []

    def where(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def skip_ws(self) -> None:
        text, i, n = self.text, self.i, self.n
        while i < n and text[i] in _JSON_WS:
            i += 1
        self.i = i

    def fail(self, context: str) -> _JsonError:
        if self.i >= self.n:
            return _JsonError("unexpected EOF", None)
        return _JsonError(f"invalid character {_quote_char(self.text[self.i])} {context}", self.i)

    def value(self, depth: int) -> tuple[Any, Any]:
        self.skip_ws()
        if self.i >= self.n:
            raise _JsonError("unexpected EOF", None)
        ch = self.text[self.i]
        if ch == "{":
            return self.obj(depth + 1)
        if ch == "[":
            return self.arr(depth + 1)
        if ch == '"':
            return self.string(), None
        if ch == "-" or "0" <= ch <= "9":
            return self.number(), None
        for word, val in (("true", True), ("false", False), ("null", None)):
            if ch == word[0]:
                for k, expect in enumerate(word):
                    if self.i + k >= self.n:
                        self.i += k
                        raise _JsonError("unexpected EOF", None)
                    if self.text[self.i + k] != expect:
                        self.i += k
                        raise self.fail(f"in literal {word} (expecting {_quote_char(expect)})")
                self.i += len(word)
                return val, None
        raise self.fail("looking for beginning of value")

    def _depth_check(self, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _JsonError(f"exceeded max depth of {MAX_DEPTH}", self.i)

    def obj(self, depth: int) -> tuple[dict, dict]:
        self._depth_check(depth)
        self.i += 1
        out: dict[str, Any] = {}
        pos: dict[str, tuple] = {}
        self.skip_ws()
        if self.i < self.n and self.text[self.i] == "}":
            self.i += 1
            return out, pos
        while True:
            self.skip_ws()
            if self.i >= self.n or self.text[self.i] != '"':
                raise self.fail("looking for beginning of object key string")
            kline, kcol = self.where(self.i)
            key = self.string()
            self.skip_ws()
            if self.i >= self.n or self.text[self.i] != ":":
                raise self.fail("after object key")
            self.i += 1
            self.skip_ws()
            vline, vcol = self.where(self.i)
            self.path.append(key)
            value, vpos = self.value(depth)
            self.path.pop()
            if key in out:
                first = pos[key]
                self.dups.append(DuplicateKey(_render_path(self.path + [key]), kline, kcol, first[0], first[1]))
            out[key] = value
            pos[key] = (kline, kcol, vline, vcol, vpos)
            self.skip_ws()
            if self.i < self.n and self.text[self.i] == ",":
                self.i += 1
                continue
            if self.i < self.n and self.text[self.i] == "}":
                self.i += 1
                return out, pos
            raise self.fail("after object key:value pair")

    def arr(self, depth: int) -> tuple[list, list]:
        self._depth_check(depth)
        self.i += 1
        out: list[Any] = []
        pos: list[tuple] = []
        self.skip_ws()
        if self.i < self.n and self.text[self.i] == "]":
            self.i += 1
            return out, pos
        while True:
            self.skip_ws()
            line, col = self.where(self.i)
            self.path.append(len(out))
            value, vpos = self.value(depth)
            self.path.pop()
            out.append(value)
            pos.append((line, col, vpos))
            self.skip_ws()
            if self.i < self.n and self.text[self.i] == ",":
                self.i += 1
                continue
            if self.i < self.n and self.text[self.i] == "]":
                self.i += 1
                return out, pos
            raise self.fail("after array element")

    def string(self) -> str:
        text = self.text
        self.i += 1
        parts: list[str] = []
        while True:
            m = _JSON_SIMPLE_STRING.match(text, self.i)
            parts.append(m.group())
            self.i = m.end()
            if self.i >= self.n:
                raise _JsonError("unexpected EOF", None)
            ch = text[self.i]
            if ch == '"':
                self.i += 1
                return "".join(parts)
            if ch != "\\":
                raise self.fail("in string literal")
            self.i += 1
            if self.i >= self.n:
                raise _JsonError("unexpected EOF", None)
            esc = text[self.i]
            if esc in _JSON_ESCAPE_MAP:
                parts.append(_JSON_ESCAPE_MAP[esc])
                self.i += 1
                continue
            if esc != "u":
                raise self.fail("in string escape code")
            self.i += 1
            code = self._hex4()
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", self.i):
                save = self.i
                self.i += 2
                low = self._hex4()
                if 0xDC00 <= low < 0xE000:
                    parts.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                    continue
                self.i = save
                parts.append("\ufffd")
                continue
            parts.append("\ufffd" if 0xD800 <= code < 0xE000 else chr(code))

    def _hex4(self) -> int:
        for k in range(4):
            if self.i + k >= self.n:
                self.i += k
                raise _JsonError("unexpected EOF", None)
            if self.text[self.i + k] not in "0123456789abcdefABCDEF":
                self.i += k
                raise self.fail("in \\u hexadecimal character escape")
        code = int(self.text[self.i:self.i + 4], 16)
        self.i += 4
        return code

    def number(self) -> Any:
        m = _JSON_NUMBER.match(self.text, self.i)
        if m is None or m.end() == self.i:
            self.i += 1
            raise self.fail("in numeric literal")
        literal = m.group()
        end = m.end()
        if end < self.n and self.text[end] in ".eE":
            self.i = end
            if self.text[end] == ".":
                self.i += 1
            else:
                self.i += 1
                if self.i < self.n and self.text[self.i] in "+-":
                    self.i += 1
            raise self.fail("in numeric literal")
        self.i = end
        if "." not in literal and "e" not in literal and "E" not in literal:
            value = int(literal)
            if _INT64_MIN <= value <= _INT64_MAX:
                return value
        return float(literal)


# ---------------------------------------------------------------------------
# Loading


def _display_source(source: str) -> str:
    return "STDIN" if source == "-" else source


def _own_error(source: str, line: int | None, col: int | None, problem: str) -> ManifestError:
    return ManifestError(source, line, col, problem, f"error parsing {_display_source(source)}: {problem}")


def _decode_bytes(data: bytes, source: str) -> tuple[str | None, ManifestError | None]:
    """UTF-8 (or BOM-marked UTF-16, which go-yaml also reads) to text; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            return None, _utf_error(data, exc, source, "incomplete UTF-16 character")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        reason = {
            "invalid start byte": "invalid leading UTF-8 octet",
            "invalid continuation byte": "invalid trailing UTF-8 octet",
            "unexpected end of data": "incomplete UTF-8 octet sequence",
        }.get(exc.reason, "invalid UTF-8 octet")
        return None, _utf_error(data, exc, source, reason)


def _utf_error(data: bytes, exc: UnicodeDecodeError, source: str, problem: str) -> ManifestError:
    start = exc.start
    line = data.count(b"\n", 0, start) + 1
    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
    detail = f"error parsing {_display_source(source)}: error converting YAML to JSON: yaml: {problem}"
    encoding = "UTF-16" if "UTF-16" in problem else "UTF-8"
    message = f"{problem}: byte 0x{data[start]:02x} is not valid {encoding}; save the file as UTF-8"
    return ManifestError(source, line, col, message, detail)


def _split_documents(text: str) -> tuple[list[tuple[int, str]], tuple[int, str] | None]:
    """Cut a YAML stream the way apimachinery's YAMLReader does: at lines starting with ``---``.

    Returns (chunks as (0-based first line, text), (0-based line, rest) of a bad separator or None).
    """
    chunks: list[tuple[int, str]] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    buf: list[str] = []
    start = 0
    for number, line in enumerate(lines):
        if line.endswith("\r"):
            line = line[:-1]
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and rest[0] != "#":
                # YAMLReader fails right here; the unterminated document before it is dropped.
                return chunks, (number, rest)
            if buf:
                chunks.append((start, "\n".join(buf) + "\n"))
                buf = []
            start = number + 1
            continue
        if not buf:
            start = number
        buf.append(line)
    if buf:
        chunks.append((start, "\n".join(buf) + "\n"))
    return chunks, None


def _yaml_syntax_error(exc: yaml.YAMLError, source: str, line_offset: int, chunk: str) -> ManifestError:
    """Word a parser failure like go-yaml (through sigs.k8s.io/yaml) and keep its position."""
    src = _display_source(source)
    if isinstance(exc, yaml.reader.ReaderError):
        problem = "control characters are not allowed"
        if exc.reason and "control" not in exc.reason and "special" not in exc.reason:
            problem = exc.reason
        detail = f"error parsing {src}: error converting YAML to JSON: yaml: {problem}"
        at = exc.position if isinstance(exc.position, int) and 0 <= exc.position <= len(chunk) else None
        line = col = None
        if at is not None:
            line = chunk.count("\n", 0, at) + line_offset + 1
            col = at - (chunk.rfind("\n", 0, at) + 1) + 1
        message = problem
        if isinstance(exc.character, str) and exc.character:
            message = f"{problem} (U+{ord(exc.character):04X})"
        return ManifestError(source, line, col, message, detail)
    if not isinstance(exc, yaml.MarkedYAMLError):
        problem = str(exc) or "unknown problem parsing YAML content"
        return ManifestError(source, None, None, problem,
                             f"error parsing {src}: error converting YAML to JSON: yaml: {problem}")
    problem = _translate_problem(exc)
    # go-yaml prints the 0-based problem line for parser errors and the 1-based one for
    # scanner errors, and falls back to the context line when the problem is on line 0.
    local = 0
    if exc.problem_mark is not None and exc.problem_mark.line != 0:
        local = exc.problem_mark.line
        if isinstance(exc, yaml.scanner.ScannerError):
            local += 1
    elif exc.context_mark is not None:
        local = exc.context_mark.line
    where = f"line {local}: " if local else ""
    detail = f"error parsing {src}: error converting YAML to JSON: yaml: {where}{problem}"
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + line_offset + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return ManifestError(source, line, col, problem, detail)


def _invalid_object(source: str, line: int, col: int) -> ManifestError:
    detail = (f"error validating {_go_quote(_display_source(source))}: error validating data: "
              f"invalid object to validate; {_VALIDATE_HINT}")
    return ManifestError(source, line, col, "the document is not a mapping (object)", detail)


def _parse_yaml_chunk(text: str, line_offset: int, source: str) -> tuple[Any, Any, list[DuplicateKey], int, int]:
    """Parse the first document of a chunk, as yaml.Unmarshal does. Raises _Stop or YAMLError."""
    parser = _FastParser(text) if _FastParser is not None else yaml.loader.BaseLoader(text)
    try:
        get = parser.get_event
        get()  # stream start
        ev = get()
        if ev.__class__ is StreamEndEvent:
            return None, None, [], line_offset + 1, 1
        node = get()
        builder = _YamlBuilder(get, line_offset, _display_source(source))
        value, pos = builder.build(node, 0)
        get()  # document end: go-yaml reads it too, so errors found on the way count
        src = _display_source(source)
        if builder.refusal is not None:
            raise builder.refusal
        if builder.decode_error is not None:
            problem, line, col = builder.decode_error
            raise _Stop(problem, f"error parsing {src}: error converting YAML to JSON: yaml: {problem}", line, col)
        if builder.convert_error is not None:
            problem, line, col = builder.convert_error
            raise _Stop(problem, f"error parsing {src}: error converting YAML to JSON: {problem}", line, col)
        mark = node.start_mark
        return value, pos, builder.dups, mark.line + line_offset + 1, mark.column + 1
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _list_items(obj: dict) -> list | None:
    kind = obj.get("kind")
    items = obj.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        return items
    return None


def _emit(result: LoadResult, obj: Any, pos: Any, dups: list[DuplicateKey], line: int, col: int,
          index: int, source: str) -> bool:
    """Add a document (expanding lists); False when it was refused."""
    if not isinstance(obj, dict):
        result.errors.append(_invalid_object(source, line, col))
        return False
    items = _list_items(obj)
    if items is None:
        result.documents.append(Document(obj, source, line, col, index, None, tuple(dups), pos))
        return True
    list_kind = obj["kind"]
    item_kind = list_kind[: -len("List")]
    api_version = obj.get("apiVersion")
    items_pos = pos.get("items") if isinstance(pos, dict) else None
    item_positions = items_pos[4] if items_pos is not None else None
    for n, item in enumerate(items):
        ipos = item_positions[n] if item_positions is not None and n < len(item_positions) else (line, col, None)
        if item is None:
            continue
        if not isinstance(item, dict):
            result.errors.append(ManifestError(
                source, ipos[0], ipos[1], f"items[{n}] is not a mapping (object)",
                f"unable to decode {_go_quote(_display_source(source))}: json: cannot unmarshal "
                f"{_json_kind(item)} into Go value of type map[string]interface {{}}"))
            return False
        # unstructured.decodeToList fills in what a typed list leaves out of its items.
        if item_kind and "kind" not in item and "apiVersion" not in item:
            item = dict(item)
            item["kind"] = item_kind
            if api_version is not None:
                item["apiVersion"] = api_version
        prefix = f"items[{n}]"
        item_dups = tuple(
            DuplicateKey(d.path[len(prefix) + 1:], d.line, d.column, d.first_line, d.first_column)
            for d in dups if d.path.startswith(prefix + ".")
        )
        result.documents.append(Document(item, source, ipos[0], ipos[1], index, n, item_dups, ipos[2]))
    return True


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _load_json(text: str, source: str, result: LoadResult, stop_at_first_error: bool) -> None:
    reader = _JsonReader(text, source)
    index = 0
    src = _display_source(source)
    while True:
        reader.skip_ws()
        if reader.i >= reader.n:
            return
        start = reader.i
        reader.dups = []
        try:
            value, pos = reader.value(0)
        except _JsonError as exc:
            if exc.offset is None:
                line, col = reader.where(min(reader.i, max(reader.n - 1, 0)))
                result.errors.append(ManifestError(source, line, col, "unexpected EOF",
                                                   f"error parsing {src}: unexpected EOF"))
            else:
                line, col = reader.where(exc.offset)
                offset = len(text[:exc.offset + 1].encode("utf-8"))
                result.errors.append(ManifestError(source, line, col, exc.message,
                                                   f"error parsing {src}: json: offset {offset}: {exc.message}"))
            return
        if value is None:
            continue
        line, col = reader.where(start)
        span = reader.i - start
        if span > MAX_DOCUMENT_BYTES // 4 and len(text[start:reader.i].encode("utf-8")) > MAX_DOCUMENT_BYTES:
            size = len(text[start:reader.i].encode("utf-8"))
            result.errors.append(_own_error(source, line, col, f"document {index + 1} is {size} bytes, over the "
                                            f"{MAX_DOCUMENT_BYTES}-byte limit"))
            if stop_at_first_error:
                return
            index += 1
            continue
        if not _emit(result, value, pos, reader.dups, line, col, index, source) and stop_at_first_error:
            return
        index += 1


def load_manifests(data: bytes | str, source: str = "-", *, stop_at_first_error: bool = True) -> LoadResult:
    """Load every object from a YAML or JSON manifest stream, the way ``kubectl apply -f`` reads it.

    Multi-document YAML is cut at ``---`` lines like apimachinery's YAMLReader, each document is
    parsed on its own (so go-yaml style line numbers in messages are relative to the document, as
    kubectl prints them), empty documents are skipped, and ``kind: List``/``*List`` documents are
    expanded into their items. Scalars resolve like go-yaml v2 (``yes``/``on``/``y`` are booleans,
    ``0x1F`` is 31, timestamps stay strings). Anchors and aliases, nesting deeper than MAX_DEPTH,
    documents over MAX_DOCUMENT_BYTES, input over MAX_INPUT_BYTES and non-UTF-8 bytes are refused.

    Args:
        data: the file content.
        source: the file name used in messages; ``-`` means stdin (kubectl calls it STDIN).
        stop_at_first_error: stop reading at the first bad document, as kubectl does; False keeps
            going so a linter can report every document.

    Returns:
        The documents loaded before (or around) any error, and the errors.
    """
    result = LoadResult()
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        size = len(data)
    elif isinstance(data, str):
        size = len(data)
        if size <= MAX_INPUT_BYTES < size * 4:
            size = len(data.encode("utf-8", "surrogatepass"))
    else:
        result.errors.append(_own_error(source, None, None,
                                        f"cannot read manifests from a {type(data).__name__}"))
        return result
    if size > MAX_INPUT_BYTES:
        result.errors.append(_own_error(source, None, None,
                                        f"input is {size} bytes, over the {MAX_INPUT_BYTES}-byte limit"))
        return result
    if isinstance(data, bytes):
        text, error = _decode_bytes(data, source)
        if error is not None:
            result.errors.append(error)
            return result
    else:
        text = data
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = text.count("\n", 0, exc.start) + 1
            col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
            result.errors.append(_own_error(source, line, col, "the text contains a lone surrogate, not valid UTF-8"))
            return result

    stripped = text.lstrip()
    if stripped.startswith("{"):
        _load_json(text, source, result, stop_at_first_error)
        return result

    chunks, bad_separator = _split_documents(text)
    index = 0
    src = _display_source(source)
    for first_line, chunk in chunks:
        if not chunk.strip():
            continue
        if len(chunk) > MAX_DOCUMENT_BYTES // 4 and len(chunk.encode("utf-8")) > MAX_DOCUMENT_BYTES:
            result.errors.append(_own_error(
                source, first_line + 1, 1,
                f"document {index + 1} is {len(chunk.encode('utf-8'))} bytes, over the "
                f"{MAX_DOCUMENT_BYTES}-byte limit"))
            if stop_at_first_error:
                return result
            index += 1
            continue
        try:
            value, pos, dups, line, col = _parse_yaml_chunk(chunk, first_line, source)
        except _Stop as stop:
            result.errors.append(ManifestError(source, stop.line, stop.column, stop.problem, stop.detail))
            if stop_at_first_error:
                return result
            index += 1
            continue
        except yaml.YAMLError as exc:
            result.errors.append(_yaml_syntax_error(exc, source, first_line, chunk))
            if stop_at_first_error:
                return result
            index += 1
            continue
        except RecursionError:
            result.errors.append(_own_error(source, first_line + 1, 1, f"exceeded max depth of {MAX_DEPTH}"))
            if stop_at_first_error:
                return result
            index += 1
            continue
        if value is None:
            continue
        if not _emit(result, value, pos, dups, line, col, index, source) and stop_at_first_error:
            return result
        index += 1
    if bad_separator is not None:
        number, rest = bad_separator
        result.errors.append(ManifestError(source, number + 1, 1, f"invalid Yaml document separator: {rest}",
                                           f"error parsing {src}: invalid Yaml document separator: {rest}"))
    return result
