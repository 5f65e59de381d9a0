"""resource.Quantity as describe prints it: parsing, sums, and the canonical String() form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL.items()}
_BINARY_SUFFIX = {bits: suffix for suffix, bits in _BINARY.items()}
_NUMBER = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(.*)$")


@dataclass(frozen=True)
class Quantity:
    """An exact amount and the format Kubernetes remembers for it (BinarySI, DecimalSI, DecimalExponent)."""

    value: Fraction = Fraction(0)
    fmt: str = "DecimalSI"

    def __add__(self, other: "Quantity") -> "Quantity":
        # Quantity.Add keeps the receiver's format; a zero Quantity{} has none and takes the other's.
        return Quantity(self.value + other.value, self.fmt if self.value else other.fmt)

    def __str__(self) -> str:
        return canonical(self)


def parse(raw: object) -> Quantity | None:
    """resource.ParseQuantity on a JSON value (string or number); None when it does not parse."""
    text = str(raw).strip() if not isinstance(raw, bool) else ""
    match = _NUMBER.match(text)
    if not text or match is None:
        return None
    sign, whole, frac, suffix = match.groups()
    if not whole and not frac:
        return None
    number = Fraction(int(whole or "0")) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    if sign == "-":
        number = -number
    if suffix in _BINARY:
        return Quantity(number * 2 ** _BINARY[suffix], "BinarySI")
    if suffix in _DECIMAL:
        return Quantity(number * Fraction(10) ** _DECIMAL[suffix], "DecimalSI")
    if suffix[:1] in ("e", "E") and re.fullmatch(r"[+-]?\d+", suffix[1:]):
        return Quantity(number * Fraction(10) ** int(suffix[1:]), "DecimalExponent")
    return None


def qty(raw: object) -> Quantity:
    """A quantity from the object, or zero when absent or malformed (describe never fails on one)."""
    parsed = parse(raw) if raw is not None else None
    return parsed if parsed is not None else Quantity()


def canonical(q: Quantity) -> str:
    """Quantity.String(): the shortest exact form in the remembered format."""
    value = q.value
    if value == 0:
        return "0"
    fmt = q.fmt
    if fmt == "BinarySI" and (-1024 < value < 1024 or value.denominator != 1):
        # Small or fractional binary amounts print as decimal to avoid rounding.
        fmt = "DecimalSI"
    if fmt == "BinarySI":
        number, bits = int(value), 0
        while number % 1024 == 0 and bits < 60:
            number //= 1024
            bits += 10
        return f"{number}{_BINARY_SUFFIX.get(bits, '')}"
    mantissa, exponent = _decimal_parts(value)
    if fmt == "DecimalExponent":
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    suffix = _DECIMAL_SUFFIX.get(exponent)
    return f"{mantissa}{suffix}" if suffix is not None else f"{mantissa}e{exponent}"


def _decimal_parts(value: Fraction) -> tuple[int, int]:
    """mantissa * 10**exponent with exponent a multiple of 3 and no trailing zeros to spare.

    Amounts finer than a nano round up to whole nanos, as Quantity does.
    """
    exponent = 0
    while value.denominator != 1 and exponent > -9:
        value *= 10
        exponent -= 1
    mantissa = -(-value.numerator // value.denominator) if value > 0 else int(value)
    while mantissa and mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    while exponent % 3:
        mantissa *= 10
        exponent -= 1
    return mantissa, exponent


def milli(q: Quantity) -> int:
    """Quantity.MilliValue (rounded up)."""
    return -(-q.value * 1000 // 1)


def whole(q: Quantity) -> int:
    """Quantity.Value (rounded up)."""
    return -(-q.value // 1)
