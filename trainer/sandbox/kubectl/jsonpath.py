"""kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath) over JSON-shaped data, with kubectl's messages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Union

from ...engine.gofmt import NO_VALUE as _NO_VALUE
from ...engine.gofmt import _go_key, _go_printable, go_float_v, go_json, go_json_float, go_quote, go_sharp_v, go_sprint

__all__ = [
    "JsonPathError",
    "Template",
    "evaluate",
    "go_float_v",
    "go_json",
    "go_json_float",
    "go_quote",
    "go_sharp_v",
    "go_sprint",
    "parse",
]


# --------------------------------------------------------------------------- Go value formatting
#
# kubectl prints JSONPath results with Go's fmt and encoding/json, so the same values
# must come out the way Go writes them: floats, string escapes, map key order
# (trainer.engine.gofmt holds those formatters; this section keeps the Go type names).


def _go_type(value: Any) -> str:
    """The Go type name kubectl reports for a value ("map[string]interface {} is not array or slice")."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _Byte):
        return "uint8"
    if isinstance(value, _GoInt):
        return "int"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "interface {}"


class _Byte(int):
    """One byte of a string, which is what Go yields when a wildcard walks a string."""


class _GoInt(int):
    """An integer literal from a template (Go int, where decoded JSON numbers are int64)."""


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class JsonPathError:
    """A template that did not parse, or did not execute, as kubectl reports it.

    Attributes:
        kind: "parse" or "execute".
        detail: the JSONPath engine's own message, e.g. "unclosed action".
        text: exactly what kubectl prints on stderr (starting "error: ", ending in a newline).
    """

    kind: str
    detail: str
    text: str


class _ParseError(Exception):
    """A parse failure inside this module; callers get a JsonPathError value instead."""


class _ExecError(Exception):
    """An execution failure inside this module, with the partial value Go returns beside it."""

    def __init__(self, message: str, partial: list | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.partial = partial if partial is not None else []


# --------------------------------------------------------------------------- nodes
#
# The parse tree, one class per client-go node type (TextNode, ListNode, FieldNode, ...).


@dataclass
class _Text:
    text: str


@dataclass
class _List:
    nodes: list


@dataclass
class _Field:
    name: str


@dataclass
class _Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class _Array:
    params: tuple


@dataclass
class _Filter:
    left: _List
    right: _List
    operator: str


@dataclass
class _Int:
    value: int


@dataclass
class _Float:
    value: float


@dataclass
class _Bool:
    value: bool


@dataclass
class _Wildcard:
    pass


@dataclass
class _Recursive:
    pass


@dataclass
class _Union:
    nodes: list


@dataclass
class _Identifier:
    name: str


# --------------------------------------------------------------------------- parser

_EOF = ""
_DICT_KEY = re.compile(r"^'([^']*)'\Z")
_SLICE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?\Z")  # Go's \d is ASCII-only
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)\Z")
_GO_INT = re.compile(r"^[+-]?[0-9]+\Z")
_GO_FLOAT = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def _is_terminator(r: str) -> bool:
    return r in (_EOF, " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alnum(r: str) -> bool:
    return r == "_" or (r != _EOF and (r.isalpha() or unicodedata.category(r) == "Nd"))


def _is_digit(r: str) -> bool:
    return r != _EOF and unicodedata.category(r) == "Nd"


def _rune_name(r: str) -> str:
    """Go's %#U: U+002A '*' (the quoted rune only when printable)."""
    code = ord(r)
    base = f"U+{code:04X}"
    return f"{base} '{r}'" if _go_printable(r) else base


def _atoi(text: str) -> int | None:
    # strconv.Atoi: optional sign, ASCII digits, within int64.
    if not _GO_INT.match(text):
        return None
    value = int(text)
    return value if -(2 ** 63) <= value < 2 ** 63 else None


def _unquote_extend(s: str) -> str:
    """UnquoteExtend: strconv.Unquote that also accepts single-quoted strings."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote = s[0]
    body = s[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out = []
    i = 0
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    while i < len(body):
        c = body[i]
        if c == quote:
            raise ValueError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("invalid syntax")
        e = body[i + 1]
        i += 2
        if e in simple:
            out.append(simple[e])
        elif e in "'\"":
            if e != quote:
                raise ValueError("invalid syntax")
            out.append(e)
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i:i + n]
            if len(digits) < n or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise ValueError("invalid syntax")
            value = int(digits, 16)
            i += n
            if e == "x":
                out.append(chr(value))  # Go appends the raw byte; bytes above 0x7f are not valid UTF-8 alone
            else:
                if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                    raise ValueError("invalid syntax")
                out.append(chr(value))
        elif e in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) < 3 or not all(d in "01234567" for d in digits):
                raise ValueError("invalid syntax")
            value = int(digits, 8)
            if value > 255:
                raise ValueError("invalid syntax")
            i += 2
            out.append(chr(value))
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


class _Parser:
    """A port of client-go's jsonpath Parser; positions are in characters, not bytes."""

    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = _List([])

    # Go's parser recurses once per token; a loop keeps long templates off Python's stack.
    def parse(self) -> _List:
        step: Any = ("text", self.root)
        while step is not None:
            what, cur = step
            step = self._parse_text(cur) if what == "text" else self._inside(cur)
        return self.root

    def _consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return _EOF
        r = self.input[self.pos]
        self.width = 1
        self.pos += 1
        return r

    def _peek(self) -> str:
        r = self._next()
        self._backup()
        return r

    def _backup(self) -> None:
        self.pos -= self.width

    def _parse_text(self, cur: _List):
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(_Text(self._consume()))
                self.pos += 1
                self._consume()
                node = _List([])
                cur.nodes.append(node)
                return ("inside", node)
            if self._next() == _EOF:
                break
        if self.pos > self.start:
            cur.nodes.append(_Text(self._consume()))
        return None

    def _inside(self, cur: _List):
        rest = self.input[self.pos:]
        if rest.startswith("}"):
            self.pos += 1
            self._consume()
            return ("text", self.root)
        if rest.startswith("[?("):
            self._parse_filter(cur)
            return ("inside", cur)
        if rest.startswith(".."):
            self.pos += 2
            self._consume()
            cur.nodes.append(_Recursive())
            if _is_alnum(self._peek()):
                self._parse_field(cur)
            return ("inside", cur)
        r = self._next()
        if r == _EOF or r in "\r\n":
            raise _ParseError("unclosed action")
        if r == " ":
            self._consume()
        elif r in "@$":
            self._consume()
        elif r == "[":
            self._parse_array(cur)
        elif r in "\"'":
            self._parse_quote(cur, r)
        elif r == ".":
            self._parse_field(cur)
        elif r in "+-" or _is_digit(r):
            self._backup()
            self._parse_number(cur)
        elif _is_alnum(r):
            self._backup()
            self._parse_identifier(cur)
        else:
            raise _ParseError(f"unrecognized character in action: {_rune_name(r)}")
        return ("inside", cur)

    def _parse_identifier(self, cur: _List) -> None:
        while True:
            r = self._next()
            if _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        if value in ("true", "false"):
            cur.nodes.append(_Bool(value == "true"))
        else:
            cur.nodes.append(_Identifier(value))

    def _parse_number(self, cur: _List) -> None:
        r = self._peek()
        if r in ("+", "-"):
            self._next()
        while True:
            r = self._next()
            if r != "." and not _is_digit(r):
                self._backup()
                break
        value = self._consume()
        as_int = _atoi(value)
        if as_int is not None:
            cur.nodes.append(_Int(_GoInt(as_int)))
            return
        if _GO_FLOAT.match(value):
            cur.nodes.append(_Float(float(value)))
            return
        raise _ParseError(f"cannot parse number {value}")

    def _parse_array(self, cur: _List) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise _ParseError("unterminated array")
            if r == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            union = [_parse_action("[" + part.strip(" ") + "]") for part in parts]
            cur.nodes.append(_Union(union))
            return
        key = _DICT_KEY.match(text)
        if key:
            cur.nodes.extend(_parse_action("." + key.group(1)).nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise _ParseError(f"invalid array index {text}")
        groups = [m.group(1) or "", m.group(2) or "", m.group(3) or ""]
        params = [_Param(), _Param(), _Param()]
        for i in range(3):
            raw = groups[i]
            if raw != "":
                if i > 0:
                    raw = raw[1:]
                if i > 0 and raw == "":
                    params[i].known = False
                else:
                    number = _atoi(raw)
                    if number is None:
                        raise _ParseError(f"array index {raw} is not a number")
                    params[i].known = True
                    params[i].value = number
            elif i == 1:
                params[i] = _Param(params[0].value + 1, True, True)
            else:
                params[i] = _Param(0, False)
        cur.nodes.append(_Array(tuple(params)))

    def _parse_filter(self, cur: _List) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise _ParseError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin = True
                    pair = r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")":
                if begin == end:
                    break
        if self._next() != "]":
            raise _ParseError("unclosed array expect ]")
        text = self._consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(_Filter(_parse_action(text), _List([]), "exists"))
        else:
            cur.nodes.append(_Filter(_parse_action(m.group(1)), _parse_action(m.group(3)), m.group(2)))

    def _parse_quote(self, cur: _List, end: str) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise _ParseError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self._consume()
        try:
            text = _unquote_extend(value)
        except ValueError as exc:
            raise _ParseError(f"unquote string {value} error {exc}") from None
        cur.nodes.append(_Text(text))

    def _parse_field(self, cur: _List) -> None:
        self._consume()
        while True:
            r = self._next()
            if r == "\\":
                self._next()
            elif _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        if value == "*":
            cur.nodes.append(_Wildcard())
        else:
            cur.nodes.append(_Field(value.replace("\\", "")))


def _parse_action(text: str) -> _List:
    """parseAction: parse "{text}" and return the single list inside it."""
    root = _Parser("{" + text + "}").parse()
    return root.nodes[0]


# --------------------------------------------------------------------------- evaluation


#: Values one execution may produce before it is stopped (kubectl itself has no limit).
_MAX_VALUES = 200_000
_TOO_MANY = "the template produces too many values to print"

_INT_KIND, _UINT_KIND, _FLOAT_KIND, _STRING_KIND, _BOOL_KIND = "int", "uint", "float", "string", "bool"


def _basic_kind(value: Any) -> str:
    if isinstance(value, bool):
        return _BOOL_KIND
    if isinstance(value, _Byte):
        return _UINT_KIND
    if isinstance(value, int):
        return _INT_KIND
    if isinstance(value, float):
        return _FLOAT_KIND
    if isinstance(value, str):
        return _STRING_KIND
    raise _ExecError("invalid type for comparison")


def _equal(a: Any, b: Any) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        if {ka, kb} == {_INT_KIND, _UINT_KIND}:
            return int(a) == int(b)
        raise _ExecError("incompatible types for comparison")
    return a == b


def _less(a: Any, b: Any) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        if {ka, kb} == {_INT_KIND, _UINT_KIND}:
            return int(a) < int(b)
        raise _ExecError("incompatible types for comparison")
    if ka == _BOOL_KIND:
        raise _ExecError("invalid type for comparison")
    return a < b


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "<":
        return _less(left, right)
    if op == ">":
        return not (_less(left, right) or _equal(left, right))
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op == "<=":
        return _less(left, right) or _equal(left, right)
    if op == ">=":
        return not _less(left, right)
    raise _ExecError(f"unrecognized filter operator {op}")


def _children(value: Any) -> list:
    """What a wildcard yields: map values (sorted by key), list items, or a string's bytes."""
    if isinstance(value, dict):
        # Go walks a map in random order; sorted keys keep the trainer deterministic.
        return [value[k] for k in sorted(value, key=_go_key)]
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [_Byte(b) for b in value.encode("utf-8", "surrogatepass")]
    return []


class _Engine:
    """One execution of a template (the mutable state of client-go's JSONPath struct)."""

    def __init__(self, root: _List, allow_missing_keys: bool) -> None:
        self.root = root
        self.allow_missing_keys = allow_missing_keys
        self.begin_range = 0
        self.in_range = 0
        self.end_range = 0
        self.last_end_node = -1
        self.produced = 0

    def spend(self, count: int) -> None:
        # Repeated ".." multiplies the result set each time; Go would grind until it runs
        # out of memory, the trainer stops with a message instead.
        self.produced += count
        if self.produced > _MAX_VALUES:
            raise _ExecError(_TOO_MANY)

    def find_results(self, data: Any, start: int = 0) -> list[list]:
        cur = [data]
        nodes = self.root.nodes
        full: list[list] = []
        i = start
        while i < len(nodes):
            results = self.walk(cur, nodes[i])
            # An {end} inside a range closes this iteration.
            if self.end_range > 0 and self.end_range <= self.in_range:
                self.end_range -= 1
                self.last_end_node = i
                break
            if self.begin_range > 0:
                self.begin_range -= 1
                self.in_range += 1
                if results:
                    for value in results:
                        full.extend(self.find_results(_NO_VALUE if value is None else value, i + 1))
                else:
                    # No items: still walk the body so evaluation resumes after its {end}.
                    self.find_results(_NO_VALUE, i + 1)
                self.in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if k == self.last_end_node:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def walk(self, value: list, node: Any) -> list:
        result = self._walk(value, node)
        self.spend(len(result))
        return result

    def _walk(self, value: list, node: Any) -> list:
        if isinstance(node, _List):
            return self.eval_list(value, node)
        if isinstance(node, _Text):
            return [node.text]
        if isinstance(node, _Field):
            return self.eval_field(value, node)
        if isinstance(node, _Array):
            return self.eval_array(value, node)
        if isinstance(node, _Filter):
            return self.eval_filter(value, node)
        if isinstance(node, (_Int, _Float, _Bool)):
            return [node.value for _ in value]
        if isinstance(node, _Wildcard):
            out: list = []
            for v in value:
                if v is not None:
                    out.extend(_children(v))
            return out
        if isinstance(node, _Recursive):
            return self.eval_recursive(value)
        if isinstance(node, _Union):
            return self.eval_union(value, node)
        if isinstance(node, _Identifier):
            return self.eval_identifier(value, node)
        raise _ExecError(f"unexpected Node {node}", value)

    def eval_list(self, value: list, node: _List) -> list:
        cur = value
        for child in node.nodes:
            cur = self.walk(cur, child)
        return cur

    def eval_identifier(self, value: list, node: _Identifier) -> list:
        if node.name == "range":
            self.begin_range += 1
            return value
        if node.name == "end":
            if self.in_range > 0:
                self.end_range += 1
                return []
            raise _ExecError("not in range, nothing to end", [])
        raise _ExecError(f"unrecognized identifier {node.name}", value)

    def eval_field(self, value: list, node: _Field) -> list:
        results: list = []
        if not value:
            return results
        for v in value:
            if isinstance(v, dict) and node.name in v:
                results.append(v[node.name])
        if not results:
            if self.allow_missing_keys:
                return results
            raise _ExecError(f"{node.name} is not found", [])
        return results

    def eval_array(self, value: list, node: _Array) -> list:
        result: list = []
        for v in value:
            if v is None or v is _NO_VALUE:
                continue
            if not isinstance(v, (list, tuple)):
                raise _ExecError(f"{_go_type(v)} is not array or slice", value)
            p0, p1, p2 = (_Param(p.value, p.known, p.derived) for p in node.params)
            length = len(v)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += length
            if not p1.known:
                p1.value = length
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += length
            if p1.value != p0.value:
                if p0.value >= length or p0.value < 0:
                    raise _ExecError(f"array index out of bounds: index {p0.value}, length {length}", value)
                if p1.value > length or p1.value < 0:
                    raise _ExecError(f"array index out of bounds: index {p1.value - 1}, length {length}", value)
                if p0.value > p1.value:
                    raise _ExecError(f"starting index {p0.value} is greater than ending index {p1.value}", value)
            else:
                # client-go returns here, skipping any further inputs (kept for fidelity).
                return result
            sliced = list(v[p0.value:p1.value])
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise _ExecError("step must be > 0", value)
                step = p2.value
            result.extend(sliced[::step])
        return result

    def eval_union(self, value: list, node: _Union) -> list:
        result: list = []
        for part in node.nodes:
            try:
                result.extend(self.eval_list(value, part))
            except _ExecError as exc:
                raise _ExecError(exc.message, value) from None
        return result

    def eval_recursive(self, value: list) -> list:
        result: list = []
        for v in value:
            if v is None or v is _NO_VALUE:
                continue
            kids = _children(v)
            if kids:
                self.spend(len(kids))
                result.append(v)
                result.extend(self.eval_recursive(kids))
        return result

    def eval_filter(self, value: list, node: _Filter) -> list:
        results: list = []
        for v in value:
            if not isinstance(v, (list, tuple)):
                raise _ExecError(f"{go_sprint(v)} is not array or slice and cannot be filtered", value)
            for item in v:
                err: _ExecError | None = None
                try:
                    lefts = self.eval_list([item], node.left)
                except _ExecError as exc:
                    lefts, err = exc.partial, exc
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if err is not None:
                    raise _ExecError(err.message, value)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise _ExecError("can only compare one element at a time", value)
                try:
                    rights = self.eval_list([item], node.right)
                except _ExecError as exc:
                    raise _ExecError(exc.message, value) from None
                if not rights:
                    continue
                if len(rights) > 1:
                    raise _ExecError("can only compare one element at a time", value)
                left, right = lefts[0], rights[0]
                if left is _NO_VALUE or right is _NO_VALUE:
                    raise _ExecError("invalid type for comparison", results)
                try:
                    passed = _compare(node.operator, left, right)
                except _ExecError as exc:
                    raise _ExecError(exc.message, results) from None
                if passed:
                    results.append(item)
        return results


def _text_of(value: Any) -> str:
    """evalToText: how one non-collection result prints."""
    if value is _NO_VALUE:
        return "<no value>"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return go_float_v(value)
    if isinstance(value, int):
        return str(int(value))
    return str(value)


def _print_results(results: list, as_json: bool) -> str:
    if as_json:
        return go_json(list(results), "    ") + "\n"
    parts = []
    for value in results:
        if isinstance(value, (dict, list, tuple)):
            parts.append(go_json(value))
        else:
            parts.append(_text_of(value))
    return " ".join(parts)


# --------------------------------------------------------------------------- public API


class Template:
    """A parsed JSONPath template, ready to run against any number of objects.

    Attributes:
        source: the template text as the learner wrote it.
    """

    def __init__(self, source: str, root: _List) -> None:
        self.source = source
        self._root = root

    def find(self, data: Any, allow_missing_keys: bool = True) -> list[list] | str:
        """FindResults: one list of values per top-level node.

        Returns:
            The result lists, or the engine's error message (e.g. "x is not found").
        """
        try:
            return _Engine(self._root, allow_missing_keys).find_results(_NO_VALUE if data is None else data)
        except _ExecError as exc:
            return exc.message
        except RecursionError:
            return "template is nested too deeply"

    def execute(self, data: Any, *, allow_missing_keys: bool = True, as_json: bool = False) -> str | JsonPathError:
        """Run the template as kubectl's -o jsonpath printer does.

        Args:
            data: the object (or List) as decoded JSON.
            allow_missing_keys: kubectl's --allow-missing-template-keys (true by default).
            as_json: -o jsonpath-as-json: each node's results as an indented JSON array.

        Returns:
            The printed text (kubectl adds no trailing newline), or the error kubectl prints.
        """
        found = self.find(data, allow_missing_keys)
        if isinstance(found, str):
            return _execute_error(self.source, found, data)
        return "".join(_print_results(results, as_json) for results in found)


def parse(template: str) -> Template | JsonPathError:
    """Parse a template in kubectl's JSONPath dialect.

    Returns:
        The template, or the parse error as kubectl prints it.
    """
    try:
        root = _Parser(template).parse()
    except _ParseError as exc:
        return JsonPathError("parse", str(exc), f"error: error parsing jsonpath {template}, {exc}\n")
    except RecursionError:
        detail = "template is nested too deeply"
        return JsonPathError("parse", detail, f"error: error parsing jsonpath {template}, {detail}\n")
    return Template(template, root)


def _execute_error(template: str, detail: str, data: Any) -> JsonPathError:
    text = (f"error: error executing jsonpath {go_quote(template)}: Error executing template: {detail}. "
            "Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n\n")
    return JsonPathError("execute", detail, text)


def evaluate(template: str, data: Any, *, allow_missing_keys: bool = True,
             as_json: bool = False) -> Union[str, JsonPathError]:
    """Evaluate a kubectl JSONPath template against JSON-shaped data.

    Args:
        template: the text after ``jsonpath=`` (shell quotes already removed).
        data: the object or List kubectl would print, as decoded JSON.
        allow_missing_keys: kubectl's --allow-missing-template-keys (true by default).
        as_json: behave as ``-o jsonpath-as-json``.

    Returns:
        What kubectl prints on stdout (no trailing newline is added), or a JsonPathError
        carrying the exact stderr text.
    """
    parsed = parse(template)
    if isinstance(parsed, JsonPathError):
        return parsed
    return parsed.execute(data, allow_missing_keys=allow_missing_keys, as_json=as_json)
