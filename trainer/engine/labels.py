"""Label selectors: kubectl's -l syntax and LabelSelector objects, matched against labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPS = ("in", "notin")


@dataclass(frozen=True)
class Requirement:
    """One selector requirement: key, operator and values."""

    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        """Whether a label set satisfies this requirement."""
        has = self.key in labels
        if self.op == "=":
            return has and labels[self.key] == self.values[0]
        if self.op == "!=":
            return not has or labels[self.key] != self.values[0]
        if self.op == "in":
            return has and labels[self.key] in self.values
        if self.op == "notin":
            return not has or labels[self.key] not in self.values
        if self.op == "exists":
            return has
        return not has


@dataclass(frozen=True)
class Selector:
    """A conjunction of requirements; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: dict | None) -> bool:
        """Whether the labels satisfy every requirement."""
        if self.nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)

_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|[^\s!=(),]+)")


def parse_selector(text: str) -> Selector | str:
    """Parse kubectl's label selector syntax (a=b,c!=d,e in (f,g),!h,i).

    Returns:
        The Selector, or an error string worded like apimachinery's parser.
    """
    tokens = [t for t in _TOKEN.findall(text) if t]
    reqs: list[Requirement] = []
    i = 0

    def err(msg: str) -> str:
        return f"unable to parse requirement: {msg}"

    while i < len(tokens):
        tok = tokens[i]
        if tok == "!":
            if i + 1 >= len(tokens):
                return err("found '', expected: identifier")
            reqs.append(Requirement(tokens[i + 1], "!"))
            i += 2
        else:
            key = tok
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt in ("=", "==", "!="):
                if i + 2 >= len(tokens) or tokens[i + 2] == ",":
                    value = ""
                    i += 2
                else:
                    value = tokens[i + 2]
                    i += 3
                reqs.append(Requirement(key, "!=" if nxt == "!=" else "=", (value,)))
            elif nxt in _OPS:
                if i + 2 >= len(tokens) or tokens[i + 2] != "(":
                    return err(f"found '{tokens[i + 2] if i + 2 < len(tokens) else ''}', expected: '('")
                j = i + 3
                values: list[str] = []
                while j < len(tokens) and tokens[j] != ")":
                    if tokens[j] != ",":
                        values.append(tokens[j])
                    j += 1
                if j >= len(tokens):
                    return err("found '', expected: ')'")
                reqs.append(Requirement(key, nxt, tuple(values)))
                i = j + 1
            else:
                reqs.append(Requirement(key, "exists"))
                i += 1
        if i < len(tokens):
            if tokens[i] != ",":
                return err(f"found '{tokens[i]}', expected: ',' or 'end of string'")
            i += 1
    return Selector(tuple(reqs))


def from_match_labels(match_labels: dict | None) -> Selector:
    """A Service-style selector (map of equalities); empty or None selects nothing."""
    if not match_labels:
        return NOTHING
    return Selector(tuple(Requirement(k, "=", (str(v),)) for k, v in match_labels.items()))


def from_label_selector(sel: dict | None) -> Selector:
    """A metav1.LabelSelector (matchLabels + matchExpressions); empty selects everything."""
    if sel is None:
        return NOTHING
    reqs = [Requirement(k, "=", (str(v),)) for k, v in (sel.get("matchLabels") or {}).items()]
    op_map = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    for expr in sel.get("matchExpressions") or []:
        reqs.append(Requirement(expr.get("key", ""), op_map.get(expr.get("operator", ""), "exists"),
                                tuple(expr.get("values") or ())))
    return Selector(tuple(reqs))
