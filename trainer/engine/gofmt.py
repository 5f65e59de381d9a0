"""Go value formatting (fmt's %v/%#v/%q, strconv floats, encoding/json) shared by the engine and the sandbox."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any, Callable

__all__ = [
    "NO_VALUE",
    "go_float_v",
    "go_json",
    "go_json_float",
    "go_json_u_escapes",
    "go_quote",
    "go_quote_ascii_controls",
    "go_quote_keep_surrogates",
    "go_sharp_v",
    "go_sharp_v_yaml",
    "go_sprint",
    "go_value",
]


class _NoValue:
    """Go's zero reflect.Value: the current object inside a range over a null item."""

    def __repr__(self) -> str:
        return "<no value>"


NO_VALUE = _NoValue()


# --------------------------------------------------------------------------- floats


def _float_digits(f: float) -> tuple[bool, str, int]:
    """The shortest round-trip digits of a float, as strconv holds them.

    Returns:
        (negative, digits, dp) with value = 0.digits * 10**dp; digits is "" for zero.
    """
    neg = f < 0 or (f == 0 and str(f).startswith("-"))
    if f == 0:
        return neg, "", 0
    sign, digit_tuple, exponent = Decimal(repr(abs(f))).normalize().as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    return neg, digits, len(digits) + int(exponent)


def _fmt_f(neg: bool, digits: str, dp: int, prec: int) -> str:
    if dp > 0:
        whole = (digits[:dp] + "0" * max(0, dp - len(digits))) or "0"
    else:
        whole = "0"
    out = ("-" if neg else "") + whole
    if prec > 0:
        frac = ""
        for i in range(prec):
            j = dp + i
            frac += digits[j] if 0 <= j < len(digits) else "0"
        out += "." + frac
    return out


def _fmt_e(neg: bool, digits: str, dp: int, prec: int) -> str:
    first = digits[0] if digits else "0"
    out = ("-" if neg else "") + first
    if prec > 0:
        rest = digits[1:prec + 1]
        out += "." + rest + "0" * (prec - len(rest))
    exp = dp - 1 if digits else 0
    sign = "-" if exp < 0 else "+"
    return f"{out}e{sign}{abs(exp):02d}"


def go_float_v(f: float) -> str:
    """A float as Go's %v prints it (strconv 'g' with the shortest precision)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    neg, digits, dp = _float_digits(f)
    exp = dp - 1
    if digits and (exp < -4 or exp >= 6):
        return _fmt_e(neg, digits, dp, len(digits) - 1)
    return _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))


def go_json_float(f: float) -> str:
    """A float as encoding/json writes it (ES6 style: 'f' unless tiny or huge)."""
    neg, digits, dp = _float_digits(f)
    if digits and (abs(f) < 1e-6 or abs(f) >= 1e21):
        text = _fmt_e(neg, digits, dp, len(digits) - 1)
        # encoding/json trims e-09 to e-9.
        return re.sub(r"e-0(\d)$", r"e-\1", text)
    return _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))


# --------------------------------------------------------------------------- encoding/json

# Go >= 1.22 writes \b and \f short; the older \u0008 / \u000c form is kept for go_json_u_escapes.
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                 "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_U_ESCAPES = {k: v for k, v in _JSON_ESCAPES.items() if k not in "\b\f"}


def _json_string(s: str, escapes: dict[str, str] = _JSON_ESCAPES, replace_surrogates: bool = True) -> str:
    out = ['"']
    for ch in s:
        esc = escapes.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        elif replace_surrogates and 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\ufffd")  # a lone surrogate is invalid UTF-8 to Go
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _json_string_u_escapes(s: str) -> str:
    return _json_string(s, _JSON_U_ESCAPES, replace_surrogates=False)


def _go_key(key: Any) -> bytes:
    # Go orders map keys by their bytes; UTF-8 byte order is code point order except
    # for surrogates, which cannot occur in decoded JSON.
    return str(key).encode("utf-8", "surrogatepass")


def _marshal(value: Any, indent: str | None, level: int,
             string: Callable[[str], str], sort_key: Callable[[Any], Any] | None) -> str:
    if value is None or value is NO_VALUE:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return go_json_float(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        keys = sorted(value, key=sort_key)
        if indent is None:
            return "{" + ",".join(f"{string(str(k))}:{_marshal(value[k], None, 0, string, sort_key)}"
                                  for k in keys) + "}"
        inner = indent * (level + 1)
        parts = [f"{inner}{string(str(k))}: {_marshal(value[k], indent, level + 1, string, sort_key)}"
                 for k in keys]
        return "{\n" + ",\n".join(parts) + "\n" + indent * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if indent is None:
            return "[" + ",".join(_marshal(v, None, 0, string, sort_key) for v in value) + "]"
        inner = indent * (level + 1)
        parts = [f"{inner}{_marshal(v, indent, level + 1, string, sort_key)}" for v in value]
        return "[\n" + ",\n".join(parts) + "\n" + indent * level + "]"
    return string(str(value))


def go_json(value: Any, indent: str | None = None, _level: int = 0) -> str:
    """JSON as Go's encoding/json writes a map[string]interface{}: sorted keys, HTML-escaped.

    Args:
        value: JSON-shaped data.
        indent: None for json.Marshal (compact), or the indent unit of json.MarshalIndent.
    """
    return _marshal(value, indent, _level, _json_string, _go_key)


def go_json_u_escapes(value: Any) -> str:
    """Compact go_json, but \\b and \\f as \\u0008 / \\u000c (Go < 1.22), lone surrogates left as they are,
    and map keys in Python's own sort order (what the manifest/schema messages have always printed)."""
    return _marshal(value, None, 0, _json_string_u_escapes, None)


# --------------------------------------------------------------------------- strconv.Quote


def _go_printable(ch: str) -> bool:
    # strconv.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str, *, replace_surrogates: bool = True) -> str:
    """A string as Go's strconv.Quote (and %q, %#v) writes it.

    A lone surrogate prints as \\ufffd (what Go holds after decoding it), or as \\uXXXX when
    replace_surrogates is False.
    """
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif _go_printable(ch):
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif replace_surrogates and 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def go_quote_keep_surrogates(text: str) -> str:
    """go_quote with lone surrogates as \\uXXXX: the field-error / Status messages' quoting."""
    return go_quote(text, replace_surrogates=False)


def go_quote_ascii_controls(text: str) -> str:
    """A looser strconv.Quote for file names and keys: escapes only quotes, backslashes and ASCII
    controls (\\n \\t \\r short, the rest as \\xNN); every other character is left as it is."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch < " " or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# --------------------------------------------------------------------------- fmt %#v, %v


def go_sharp_v(value: Any) -> str:
    """A decoded JSON value as Go's %#v prints it inside an interface{} (kubectl's debug dump)."""
    if value is None:
        return "interface {}(nil)"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return go_float_v(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{go_quote(str(k))}:{go_sharp_v(value[k])}" for k in sorted(value, key=_go_key))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}{" + ", ".join(go_sharp_v(v) for v in value) + "}"
    return go_quote(str(value))


def go_sharp_v_yaml(value: Any) -> str:
    """fmt's %#v for the values go-yaml hands to sigs.k8s.io/yaml (interface{} trees).

    Unlike go_sharp_v: map[interface {}]interface {} with %#v keys, floats as encoding/json
    writes them, and go_quote_ascii_controls for strings.
    """
    if value is None:
        return "interface {}(nil)"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_json_float(value)
    if isinstance(value, str):
        return go_quote_ascii_controls(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_sharp_v_yaml(v) for v in value) + "}"
    if isinstance(value, dict):
        inner = ", ".join(f"{go_sharp_v_yaml(k)}:{go_sharp_v_yaml(v)}"
                          for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
        return "map[interface {}]interface {}{" + inner + "}"
    return str(value)


def go_sprint(value: Any) -> str:
    """A decoded JSON value as Go's %v (fmt.Sprint) prints it: map[k:v], [a b], <nil>."""
    if value is None:
        return "<nil>"
    if value is NO_VALUE:
        return "<invalid reflect.Value>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return go_float_v(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value, key=_go_key)) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    return str(value)


def go_value(value: Any) -> str:
    """Format a bad value the way field.Error.ErrorBody does with %v / %q."""
    if value is None:
        # ErrorBody swaps a nil bad value for the string "null", then prints it with %q.
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_v(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return go_quote_keep_surrogates(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(go_quote_keep_surrogates(v) if isinstance(v, str) else go_value(v) for v in value)
        kind = "string" if all(isinstance(v, str) for v in value) else "interface {}"
        return f"[]{kind}{{{inner}}}"
    if isinstance(value, dict):
        # fmt prints map entries sorted by key (Go >= 1.12), whatever the insertion order.
        inner = ", ".join(f"{go_quote_keep_surrogates(str(k))}:{go_value(value[k])}" for k in sorted(value, key=str))
        return f"map[string]string{{{inner}}}"
    return str(value)
