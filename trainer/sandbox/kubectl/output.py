"""kubectl's -o printers: yaml, json, name, jsonpath, jsonpath-as-json and custom-columns."""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from typing import Any, Iterable, NamedTuple

from . import jsonpath
from .jsonpath import JsonPathError, go_json, go_json_float
from .printers import tabulate

__all__ = [
    "Rendered",
    "as_list",
    "custom_columns",
    "name_of",
    "render",
    "to_json",
    "to_yaml",
]


class Rendered(NamedTuple):
    """What one printer produced: stdout text, and kubectl's stderr text when it failed.

    Attributes:
        text: what goes to stdout (may be partial when an error follows, as in kubectl).
        error: None on success, else the exact stderr text ("error: ...\\n"); exit status 1.
    """

    text: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the printer succeeded."""
        return self.error is None


# --------------------------------------------------------------------------- objects as kubectl prints them


def as_list(objs: Iterable[dict]) -> dict:
    """The List kubectl get wraps several objects in for -o json/yaml/jsonpath."""
    return {"apiVersion": "v1", "items": [_clean(o) for o in objs], "kind": "List",
            "metadata": {"resourceVersion": ""}}


def _clean(obj: dict) -> dict:
    """The object as the apiserver returns it by default (no managedFields)."""
    meta = obj.get("metadata")
    if isinstance(meta, dict) and "managedFields" in meta:
        obj = dict(obj)
        obj["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
    return obj


def _subject(objs: list[dict], single: bool) -> dict:
    if single and len(objs) == 1:
        return _clean(objs[0])
    return as_list(objs)


def name_of(obj: dict) -> str:
    """-o name: kind.group/name, e.g. service/web-frontend or deployment.apps/web-frontend."""
    kind = str(obj.get("kind") or "")
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    name = str((obj.get("metadata") or {}).get("name") or "") or "<unknown>"
    prefix = f"{kind.lower()}.{group}" if group else kind.lower()
    return f"{prefix}/{name}"


# --------------------------------------------------------------------------- JSON


def to_json(obj: Any) -> str:
    """-o json: json.MarshalIndent with four spaces, as Go writes a decoded object, plus a newline."""
    return go_json(obj, "    ") + "\n"


# --------------------------------------------------------------------------- YAML
#
# kubectl marshals with sigs.k8s.io/yaml: the object goes to JSON, JSON goes through
# go-yaml v2 (numbers re-typed by YAML 1.1 rules), and go-yaml v2's emitter writes it
# with sorted keys, 2-space indents, indentless sequences and an 80-column fold.

_BEST_WIDTH = 80
_BEST_INDENT = 2

_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_RESOLVE_MAP = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
    "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
}
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(?:Z|[+-]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?))?\Z")


def _go_parse_int(text: str) -> bool:
    """strconv.ParseInt/ParseUint(text, 0, 64) would succeed."""
    m = re.match(r"^([+-]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|0|[1-9][0-9]*)\Z", text)
    if not m:
        return False
    body = m.group(2)
    lower = body.lower()
    if lower.startswith("0x"):
        value = int(body[2:], 16)
    elif lower.startswith("0b"):
        value = int(body[2:], 2)
    elif lower.startswith("0o"):
        value = int(body[2:], 8)
    elif len(body) > 1 and body[0] == "0":
        value = int(body[1:], 8)
    else:
        value = int(body)
    if m.group(1) == "-":
        return value <= 2 ** 63
    return value < 2 ** 64


def _is_timestamp(text: str) -> bool:
    m = _TIMESTAMP.match(text)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    hms = m.group(4, 5, 6) if m.group(4) is not None else m.group(8, 9, 10)
    if hms[0] is not None:
        h, mi, s = (int(x) for x in hms)
        if h > 23 or mi > 59 or s > 59:
            return False
    return True


def _resolves_to_non_string(text: str) -> bool:
    """go-yaml v2's resolve(): would this text, unquoted, read back as something other than a string?"""
    if text in _RESOLVE_MAP:
        return True
    if not text:
        return True
    hint = text[0]
    if hint == ".":
        return bool(_YAML_FLOAT.match(text)) or _go_float_ok(text)
    if hint in "+-0123456789":
        if _is_timestamp(text):
            return True
        plain = text.replace("_", "")
        if _go_parse_int(plain):
            return True
        if _YAML_FLOAT.match(plain):
            return True
        if plain.startswith("0b") and re.match(r"^0b[01]+\Z", plain):
            return True
        if plain.startswith("-0b") and re.match(r"^-0b[01]+\Z", plain):
            return True
    return False


def _go_float_ok(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return "_" not in text and text.strip() == text


def _is_printable(ch: str) -> bool:
    """libyaml's is_printable (with go-yaml's unicode output on)."""
    code = ord(ch)
    if code == 0x0A or 0x20 <= code <= 0x7E:
        return True
    if 0xA0 <= code <= 0xD7FF:
        return True
    if 0xE000 <= code <= 0xFFFD and code != 0xFEFF:
        return True
    return False


def _is_break(ch: str) -> bool:
    return ch in "\r\n\x85\u2028\u2029"


def _is_blankz(value: str, i: int) -> bool:
    return i >= len(value) or value[i] in " \t" or _is_break(value[i])


class _Analysis(NamedTuple):
    multiline: bool
    flow_plain: bool
    block_plain: bool
    single_quoted: bool
    block: bool


@functools.lru_cache(maxsize=16384)
def _analyze(value: str) -> _Analysis:
    """yaml_emitter_analyze_scalar: which styles can carry this text unchanged."""
    if not value:
        return _Analysis(False, False, True, True, False)
    block_ind = flow_ind = line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = previous_space = previous_break = False
    if value.startswith("---") or value.startswith("..."):
        block_ind = flow_ind = True
    preceded_by_ws = True
    n = len(value)
    for i, ch in enumerate(value):
        followed_by_ws = i + 1 >= n or _is_blankz(value, i + 1)
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                flow_ind = block_ind = True
            elif ch in "?:":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif ch == "-" and followed_by_ws:
                flow_ind = block_ind = True
        else:
            if ch in ",?[]{}":
                flow_ind = True
            elif ch == ":":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif ch == "#" and preceded_by_ws:
                flow_ind = block_ind = True
        if not _is_printable(ch):
            special = True
        if ch == " ":
            if i == 0:
                leading_space = True
            if i == n - 1:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif _is_break(ch):
            line_breaks = True
            if i == 0:
                leading_break = True
            if i == n - 1:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = _is_blankz(value, i)
    flow_plain = block_plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        flow_plain = block_plain = False
    if trailing_space:
        block = False
    if break_space:
        flow_plain = block_plain = single = False
    if space_break or special:
        flow_plain = block_plain = single = block = False
    if line_breaks:
        flow_plain = block_plain = False
    if flow_ind:
        flow_plain = False
    if block_ind:
        block_plain = False
    return _Analysis(line_breaks, flow_plain, block_plain, single, block)


@functools.lru_cache(maxsize=16384)
def _scalar_style(text: str, is_string: bool, simple_key: bool) -> str:
    """go-yaml's stringv plus libyaml's select_scalar_style: plain, single, double or literal."""
    analysis = _analyze(text)
    if not is_string:
        style = "plain"
    elif "\n" in text:
        style = "literal"
    elif not _resolves_to_non_string(text) and not (
            text and text[0] in "+-0123456789" and ":" in text and _BASE60.match(text)):
        style = "plain"
    else:
        style = "double"
    if simple_key and analysis.multiline:
        style = "double"
    if style == "plain":
        if not analysis.block_plain:
            style = "single"
        if not text and simple_key:
            style = "single"
    if style == "single" and not analysis.single_quoted:
        style = "double"
    if style == "literal" and (not analysis.block or simple_key):
        style = "double"
    return style


class _YamlEmitter:
    """The slice of libyaml's emitter (as ported in go-yaml v2) that JSON-shaped data needs."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.open_ended = False
        self.indent = -1

    # -- low-level writes

    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break(self, ch: str) -> None:
        # A line feed starts a new line; other YAML breaks (NEL, LS, PS) are copied as they are.
        if ch == "\n":
            self.put_break()
        else:
            self.put(ch)
            self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        while self.column < indent:
            self.put(" ")
        self.whitespace = True
        self.indention = True

    def write_indicator(self, indicator: str, need_ws: bool, is_ws: bool, is_indention: bool) -> None:
        if need_ws and not self.whitespace:
            self.put(" ")
        self.put(indicator)
        self.whitespace = is_ws
        self.indention = self.indention and is_indention
        self.open_ended = False

    # -- nodes

    def document(self, value: Any) -> str:
        self.node(value, root=True, mapping_context=False, simple_key=False)
        # Document end: an implicit end still moves to a fresh line.
        self.indent = -1
        self.write_indent()
        if self.open_ended:
            self.write_indicator("...", True, False, False)
            self.write_indent()
        return "".join(self.out)

    def node(self, value: Any, *, root: bool = False, mapping_context: bool, simple_key: bool) -> None:
        if isinstance(value, dict):
            if not value:
                self.flow_empty("{", "}")
            else:
                self.mapping(value)
        elif isinstance(value, list):
            if not value:
                self.flow_empty("[", "]")
            else:
                self.sequence(value, mapping_context)
        else:
            self.scalar(value, simple_key)

    def flow_empty(self, start: str, end: str) -> None:
        self.write_indicator(start, True, True, False)
        self.write_indicator(end, False, False, False)

    def increase_indent(self, indentless: bool, flow: bool = False) -> int:
        saved = self.indent
        if self.indent < 0:
            self.indent = _BEST_INDENT if flow else 0
        elif not indentless:
            self.indent += _BEST_INDENT
        return saved

    def mapping(self, value: dict) -> None:
        saved = self.increase_indent(False)
        for key in sorted(value, key=_natural_key):
            text = _scalar_text(key)
            analysis = _analyze(text[0]) if text[1] == "str" else None
            # libyaml measures a simple key in bytes.
            simple = len(text[0].encode("utf-8", "surrogatepass")) <= 128 and not (analysis and analysis.multiline)
            self.write_indent()
            if simple:
                self.scalar(key, simple_key=True)
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.block_node(key)
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.block_node(value[key], mapping_context=True)
        self.indent = saved

    def block_node(self, value: Any, mapping_context: bool = False) -> None:
        self.node(value, mapping_context=mapping_context, simple_key=False)

    def sequence(self, value: list, mapping_context: bool) -> None:
        saved = self.increase_indent(mapping_context and not self.indention)
        for item in value:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.node(item, mapping_context=False, simple_key=False)
        self.indent = saved

    def scalar(self, value: Any, simple_key: bool) -> None:
        text, tag = _scalar_text(value)
        style = _scalar_style(text, tag == "str", simple_key)
        saved = self.increase_indent(False, flow=True)
        allow_breaks = not simple_key
        if style == "plain":
            self.write_plain(text, allow_breaks)
        elif style == "single":
            self.write_single(text, allow_breaks)
        elif style == "double":
            self.write_double(text, allow_breaks)
        else:
            self.write_literal(text)
        self.indent = saved

    def write_plain(self, value: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        if " " not in value or not allow_breaks or self.column + len(value) <= _BEST_WIDTH + 1:
            # Nothing to fold: no space can sit past column 80 (plain text never holds a break).
            self.put(value)
            self.whitespace = False
            self.indention = False
            return
        spaces = breaks = False
        for i, ch in enumerate(value):
            if ch == " ":
                nxt = value[i + 1] if i + 1 < len(value) else ""
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and nxt != " ":
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif _is_break(ch):
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                spaces = breaks = False
        self.whitespace = False
        self.indention = False

    def write_single(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        spaces = False
        n = len(value)
        breaks = False
        for i, ch in enumerate(value):
            if ch == " ":
                nxt = value[i + 1] if i + 1 < n else ""
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < n - 1 and nxt != " ":
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif _is_break(ch):
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if ch == "'":
                    self.put("'")
                self.put(ch)
                self.indention = False
                spaces = False
                breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    def write_double(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        spaces = False
        n = len(value)
        # go-yaml's is_bom looks at the start of the value, not at position i: a leading
        # byte-order mark gets every character escaped.
        bom = value.startswith("\ufeff")
        i = 0
        while i < n:
            ch = value[i]
            if bom or not _is_printable(ch) or _is_break(ch) or ch in '"\\':
                self.put("\\" + _double_escape(ch))
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > _BEST_WIDTH and 0 < i < n - 1:
                    self.write_indent()
                    if i + 1 < n and value[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
            i += 1
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_literal(self, value: str) -> None:
        self.write_indicator("|", True, False, False)
        if value and (value[0] == " " or _is_break(value[0])):
            self.write_indicator(str(_BEST_INDENT), False, False, False)
        self.open_ended = False
        chomp = ""
        if not value or not _is_break(value[-1]):
            chomp = "-"
        elif len(value) == 1 or _is_break(value[-2]):
            chomp = "+"
            self.open_ended = True
        if chomp:
            self.write_indicator(chomp, False, False, False)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for ch in value:
            if _is_break(ch):
                self.write_break(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                    breaks = False
                self.put(ch)
                self.indention = False


def _double_escape(ch: str) -> str:
    special = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
               "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}
    if ch in special:
        return special[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"x{code:02X}"
    if code <= 0xFFFF:
        return f"u{code:04X}"
    return f"U{code:08X}"


def _scalar_text(value: Any) -> tuple[str, str]:
    """A scalar's YAML text and kind, after the JSON round trip sigs.k8s.io/yaml makes."""
    if value is None:
        return "null", "null"
    if value is True:
        return "true", "bool"
    if value is False:
        return "false", "bool"
    if isinstance(value, int):
        return str(int(value)), "int"
    if isinstance(value, float):
        text = go_json_float(value)
        # The JSON text is parsed again by go-yaml: "1000000" comes back an int, while an
        # integral text too big for 64 bits stays a float.
        if re.match(r"^-?[0-9]+\Z", text) and _go_parse_int(text):
            return str(int(text)), "int"
        return jsonpath.go_float_v(float(text)), "float"
    return str(value), "str"


def _natural_key(key: Any) -> Any:
    return _NaturalKey(str(key))


class _NaturalKey:
    """go-yaml v2's keyList.Less for string keys: digit runs compare as numbers, non-letters first."""

    __slots__ = ("s",)

    def __init__(self, s: str) -> None:
        self.s = s

    def __lt__(self, other: "_NaturalKey") -> bool:
        return _natural_less(self.s, other.s)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NaturalKey) and self.s == other.s


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _natural_less(a: str, b: str) -> bool:
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = _is_letter(a[i]), _is_letter(b[i])
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = an * 10 + int(unicodedata.digit(a[ai]))
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = bn * 10 + int(unicodedata.digit(b[bi]))
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def to_yaml(obj: Any) -> str:
    """-o yaml: the object as kubectl's YAML printer writes it (ends with a newline)."""
    return _YamlEmitter().document(obj)


# --------------------------------------------------------------------------- custom columns

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}\Z|^\.?([^{}]+)\Z")


def _relaxed_jsonpath(expr: str) -> str | None:
    """RelaxedJSONPathExpression: accept name.x, .name.x, {name.x} and {.name.x}."""
    if not expr:
        return expr
    m = _RELAXED.match(expr)
    if m is None:
        return None
    return "{." + (m.group(1) or m.group(2)) + "}"


def custom_columns(objs: list[dict], spec: str, *, no_headers: bool = False) -> Rendered:
    """-o custom-columns=HEADER:.path,...: a tabwriter table of JSONPath cells (<none> when empty)."""
    if not spec:
        return Rendered("", "error: custom-columns format specified but no custom columns given\n")
    headers: list[str] = []
    templates: list[jsonpath.Template] = []
    for part in spec.split(","):
        pieces = part.split(":", 1)
        if len(pieces) != 2:
            return Rendered("", f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>\n")
        relaxed = _relaxed_jsonpath(pieces[1])
        if relaxed is None:
            return Rendered("", "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                                "'{name1.name2}' or '{.name1.name2}'\n")
        parsed = jsonpath.parse(relaxed)
        if isinstance(parsed, JsonPathError):
            return Rendered("", f"error: {parsed.detail}\n")
        headers.append(pieces[0])
        templates.append(parsed)
    rows: list[list[str]] = [] if no_headers else [headers]
    for obj in objs:
        row = []
        for tmpl in templates:
            found = tmpl.find(obj, allow_missing_keys=True)
            if isinstance(found, str):
                return Rendered(tabulate(rows), f"error: {found}\n")
            if not found or not found[0]:
                cells = ["<none>"]
            else:
                cells = [jsonpath.go_sprint(v) for group in found for v in group]
            row.append(",".join(_escape_terminal(c) for c in cells))
        rows.append(row)
    return Rendered(tabulate(rows))


def _escape_terminal(text: str) -> str:
    # printers.EscapeTerminal: keep control sequences from reaching the learner's terminal.
    return text.replace("\x1b", "^[").replace("\r", "\\r")


# --------------------------------------------------------------------------- -o dispatch

_ALLOWED = ("custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,wide,yaml")


def render(objs: list[dict], fmt: str, *, single: bool, allow_missing_keys: bool = True,
           no_headers: bool = False) -> Rendered:
    """Print objects the way ``kubectl get -o FMT`` does.

    Args:
        objs: the objects, as the apiserver returns them.
        fmt: the -o value: yaml, json, name, jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE,
            custom-columns=SPEC.
        single: True when the learner named exactly one object (kubectl get svc web);
            then the object prints on its own, otherwise inside a List.
        allow_missing_keys: --allow-missing-template-keys (true by default).
        no_headers: --no-headers (custom-columns only).

    Returns:
        The stdout text, or kubectl's error text (never an exception).
    """
    try:
        return _render(objs, fmt, single, allow_missing_keys, no_headers)
    except RecursionError:
        # The engine caps manifest nesting, so only a hand-built object gets here.
        return Rendered("", "error: object is nested too deeply to print\n")


def _render(objs: list[dict], fmt: str, single: bool, allow_missing_keys: bool, no_headers: bool) -> Rendered:
    name, eq, arg = fmt.partition("=")
    if name == "yaml" and not eq:
        return Rendered(to_yaml(_subject(objs, single)))
    if name == "json" and not eq:
        return Rendered(to_json(_subject(objs, single)))
    if name == "name" and not eq:
        return Rendered("".join(name_of(o) + "\n" for o in objs))
    if name in ("jsonpath", "jsonpath-as-json"):
        if not eq:
            return Rendered("", "error: template format specified but no template given\n")
        if not arg:
            return Rendered("", "error: template format specified but no template given\n")
        parsed = jsonpath.parse(arg)
        if isinstance(parsed, JsonPathError):
            return Rendered("", parsed.text)
        result = parsed.execute(_subject(objs, single), allow_missing_keys=allow_missing_keys,
                                as_json=name == "jsonpath-as-json")
        if isinstance(result, JsonPathError):
            return Rendered("", result.text)
        return Rendered(result)
    if name == "custom-columns":
        if not eq:
            return Rendered("", "error: custom-columns format specified but no custom columns given\n")
        return custom_columns(objs, arg, no_headers=no_headers)
    return Rendered("", f'error: unable to match a printer suitable for the output format "{fmt}", '
                        f"allowed formats are: {_ALLOWED}\n")
