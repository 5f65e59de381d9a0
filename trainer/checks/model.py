"""Checks as data: parsing a pack's check mappings into typed, validated values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: A position inside a pack document: keys and list indices from the document's root.
Path = tuple

#: The kinds of check, by the key that names them.
CHECK_KINDS = ("field", "rejected", "accepted", "probe", "count", "output")
ASSERTIONS = ("equals", "not_equals", "one_of", "in_range", "matches", "contains", "exists", "min", "max")
COUNT_KINDS = ("ready_endpoints", "pods", "nodes_with_pods", "objects")
VERDICTS = ("answers", "refused", "times out")
CLIENT_IP = ("preserved", "rewritten")
_ID = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


@dataclass
class Problem:
    """Something wrong in a pack, at a path inside one of its documents."""

    path: Path
    message: str


@dataclass
class Probe:
    """A connection attempt: from a source to one or more targets."""

    source: dict  # {"external": ip|None} | {"node": name} | {"pod": labels}
    target: dict  # {"nodes": "all"|[names], "port": p} | {"service": name, "port": p} | {"address": ip, "port": p}
    protocol: str = "TCP"


@dataclass
class Check:
    """One declarative assertion.

    Attributes:
        id: unique within its item.
        kind: one of CHECK_KINDS.
        spec: the kind's own mapping (e.g. the field's kind/name/path, a probe's from/to).
        assertions: assertion name -> expected value (raw; may be an engine value source).
        expect: a probe's expectations (verdict, reaches, client_ip, response_contains).
        weight, message, why, misconception: as the pack wrote them.
    """

    id: str
    kind: str
    spec: Any
    assertions: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    weight: float = 1.0
    message: str = ""
    why: str = ""
    misconception: str = ""
    probe: Probe | None = None


def parse_checks(data: Any, path: Path) -> tuple[list[Check], list[Problem]]:
    """Parse an item's `checks` list.

    Args:
        data: the list as loaded from YAML.
        path: where the list sits in its document, for problem positions.

    Returns:
        The checks that parsed, and every problem found.
    """
    problems: list[Problem] = []
    checks: list[Check] = []
    if not isinstance(data, list) or not data:
        return [], [Problem(path, "checks must be a non-empty list")]
    seen: set[str] = set()
    for i, raw in enumerate(data):
        here = path + (i,)
        before = len(problems)
        check = _parse_one(raw, here, problems)
        if check is None or len(problems) > before:
            continue  # a check with a problem is never evaluated
        if check.id in seen:
            problems.append(Problem(here + ("id",), f'duplicate check id "{check.id}"'))
        seen.add(check.id)
        checks.append(check)
    return checks, problems


def _parse_one(raw: Any, here: Path, problems: list[Problem]) -> Check | None:
    if not isinstance(raw, dict):
        problems.append(Problem(here, "a check must be a mapping"))
        return None
    cid = raw.get("id")
    if not isinstance(cid, str) or not _ID.match(cid):
        problems.append(Problem(here + ("id",) if "id" in raw else here,
                                "a check needs an id of lowercase letters, digits and dashes"))
        cid = str(cid or f"check-{here[-1]}")
    kinds = [k for k in CHECK_KINDS if k in raw]
    if len(kinds) != 1:
        problems.append(Problem(here, f"check {cid}: name exactly one of {', '.join(CHECK_KINDS)}"))
        return None
    kind = kinds[0]
    known = set(CHECK_KINDS) | set(ASSERTIONS) | {"id", "weight", "message", "why", "misconception", "expect"}
    for key in raw:
        if key not in known:
            problems.append(Problem(here + (key,), f'check {cid}: unknown key "{key}"'))
    if "expect" in raw and kind != "probe":
        problems.append(Problem(here + ("expect",), f"check {cid}: expect belongs to probes; a {kind} check "
                                                    "uses assertions (equals, min, ...)"))
    weight = raw.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        problems.append(Problem(here + ("weight",), f"check {cid}: weight must be a positive number"))
        weight = 1
    for key in ("message", "why", "misconception"):
        if key in raw and not isinstance(raw[key], str):
            problems.append(Problem(here + (key,), f"check {cid}: {key} must be text"))
    check = Check(cid, kind, raw[kind], weight=float(weight), message=str(raw.get("message") or ""),
                  why=str(raw.get("why") or ""), misconception=str(raw.get("misconception") or ""))
    check.assertions = {k: raw[k] for k in ASSERTIONS if k in raw}
    for key, value in check.assertions.items():
        _check_assertion(cid, key, value, here + (key,), problems)
    if not check.message:
        problems.append(Problem(here, f"check {cid}: a message (shown when it fails) is required"))
    if not check.why:
        problems.append(Problem(here, f"check {cid}: a why is required"))
    if not check.misconception:
        # Reports count misconceptions per check failure; a check without one teaches the report nothing.
        problems.append(Problem(here, f"check {cid}: a misconception tag (declared in pack.yaml) is required"))
    parser = {"field": _field, "rejected": _apply, "accepted": _apply, "probe": _probe,
              "count": _count, "output": _output}[kind]
    parser(check, raw, here, problems)
    return check


#: Assertions whose expected value may come from the engine ({jsonpath: ...} or {command: ...}).
_SOURCED = ("equals", "not_equals", "contains", "matches")


def _check_assertion(cid: str, key: str, value: Any, here: Path, problems: list[Problem]) -> None:
    if isinstance(value, dict):
        if key not in _SOURCED:
            problems.append(Problem(here, f"check {cid}: {key} takes a literal value (only "
                                          f"{', '.join(_SOURCED)} take a value from the engine)"))
        else:
            _check_source(cid, value, here, problems)
        return
    if key == "in_range":
        if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)):
            problems.append(Problem(here, f"check {cid}: in_range takes [low, high]"))
    elif key in ("min", "max") and not _is_number(value):
        problems.append(Problem(here, f"check {cid}: {key} takes a number"))
    elif key == "one_of" and not (isinstance(value, list) and value and all(_scalar(v) for v in value)):
        problems.append(Problem(here, f"check {cid}: one_of takes a non-empty list of values"))
    elif key == "exists" and not isinstance(value, bool):
        problems.append(Problem(here, f"check {cid}: exists takes true or false"))
    elif key in ("contains", "matches") and (not _scalar(value) or str(value) == "" or value is None):
        # An empty needle or pattern is in every text: the check could never fail.
        problems.append(Problem(here, f"check {cid}: {key} takes non-empty text"))
    elif key == "matches":
        try:
            re.compile(str(value))
        except re.error as exc:
            problems.append(Problem(here, f"check {cid}: matches is not a valid regular expression: {exc}"))
    elif key in ("equals", "not_equals") and not (_scalar(value) or (isinstance(value, list)
                                                                      and all(_scalar(v) for v in value))):
        problems.append(Problem(here, f"check {cid}: {key} takes a value or a list of values"))


def _check_source(cid: str, value: dict, here: Path, problems: list[Problem]) -> None:
    sources = [k for k in ("jsonpath", "command") if k in value]
    if len(sources) != 1 or len(value) != 1:
        problems.append(Problem(here, f"check {cid}: an expected value from the engine is "
                                      "{jsonpath: {kind, name, path}} or {command: ...}"))
    elif sources[0] == "jsonpath":
        _object_ref(cid, value["jsonpath"], here + ("jsonpath",), problems, "jsonpath")
    elif not isinstance(value["command"], str) or not value["command"].strip():
        problems.append(Problem(here + ("command",), f"check {cid}: command is a console command"))


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _object_ref(cid: str, ref: Any, here: Path, problems: list[Problem], what: str) -> bool:
    """Validate {kind, name, namespace?, path} with a JSONPath that parses; False when unusable."""
    from ..sandbox.kubectl.jsonpath import JsonPathError, parse

    if not (isinstance(ref, dict) and isinstance(ref.get("kind"), str) and isinstance(ref.get("name"), str)
            and isinstance(ref.get("path"), str) and isinstance(ref.get("namespace", ""), str)):
        problems.append(Problem(here, f"check {cid}: {what} needs kind, name and path (and an optional namespace), "
                                      "all text"))
        return False
    for key in set(ref) - {"kind", "name", "namespace", "path"}:
        problems.append(Problem(here + (key,), f'check {cid}: unknown key "{key}"'))
    parsed = parse(ref["path"])
    if isinstance(parsed, JsonPathError):
        problems.append(Problem(here + ("path",), f"check {cid}: the JSONPath does not parse: {parsed.detail}"))
        return False
    return True


def _field(check: Check, raw: dict, here: Path, problems: list[Problem]) -> None:
    _object_ref(check.id, raw["field"], here + ("field",), problems, "field")
    _need_assertion(check, here, problems)


def _apply(check: Check, raw: dict, here: Path, problems: list[Problem]) -> None:
    spec = raw[check.kind]
    if not isinstance(spec, dict) or not isinstance(spec.get("manifest"), str) or not spec["manifest"].strip():
        problems.append(Problem(here + (check.kind,), f"check {check.id}: {check.kind} needs a manifest"))
        return
    allowed = {"manifest", "field", "contains"} if check.kind == "rejected" else {"manifest"}
    for key in sorted(set(spec) - allowed, key=str):
        problems.append(Problem(here + (check.kind, key), f'check {check.id}: unknown key "{key}"'))
    for key in ("field", "contains"):
        if key in spec and not (isinstance(spec[key], str) and spec[key].strip()):
            problems.append(Problem(here + (check.kind, key), f"check {check.id}: {key} takes non-empty text"))
    if check.assertions:
        problems.append(Problem(here, f"check {check.id}: {check.kind} takes no assertions"))


def _count(check: Check, raw: dict, here: Path, problems: list[Problem]) -> None:
    spec = raw["count"]
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in COUNT_KINDS:
        problems.append(Problem(here + ("count",), f"check {check.id}: count is one of "
                                                   f"{', '.join(COUNT_KINDS)}"))
        return
    what, arg = next(iter(spec.items()))
    if what == "ready_endpoints" and not isinstance(arg, str):
        problems.append(Problem(here + ("count", what), f"check {check.id}: ready_endpoints names a Service"))
    if what in ("pods", "nodes_with_pods") and not _labels_ok(arg):
        problems.append(Problem(here + ("count", what), f"check {check.id}: {what} takes labels"))
    if what == "objects":
        ok = (isinstance(arg, dict) and isinstance(arg.get("kind"), str) and set(arg) <= {"kind", "labels", "namespace"}
              and ("labels" not in arg or _labels_ok(arg["labels"]))
              and isinstance(arg.get("namespace", ""), str))
        if not ok:
            problems.append(Problem(here + ("count", what), f"check {check.id}: objects is {{kind, labels?, "
                                                            "namespace?}"))
    _need_assertion(check, here, problems)


def _output(check: Check, raw: dict, here: Path, problems: list[Problem]) -> None:
    spec = raw["output"] if raw["output"] is not None else {}
    if not isinstance(spec, dict):
        problems.append(Problem(here + ("output",), f"check {check.id}: output takes a mapping"))
        return
    for key in sorted(set(spec) - {"command", "stream"}, key=str):
        problems.append(Problem(here + ("output", key), f'check {check.id}: unknown key "{key}"'))
    if spec.get("command", "last") not in ("last", "all"):
        problems.append(Problem(here + ("output", "command"), f"check {check.id}: command is last or all"))
    if spec.get("stream", "stdout") not in ("stdout", "stderr", "status"):
        problems.append(Problem(here + ("output", "stream"), f"check {check.id}: stream is stdout, stderr or status"))
    check.spec = {"command": spec.get("command", "last"), "stream": spec.get("stream", "stdout")}
    _need_assertion(check, here, problems)


def _need_assertion(check: Check, here: Path, problems: list[Problem]) -> None:
    if not check.assertions:
        problems.append(Problem(here, f"check {check.id}: say what to expect ({', '.join(ASSERTIONS)})"))


def _labels_ok(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and isinstance(v, (str, int, bool))
                                                           for k, v in value.items())


def _probe(check: Check, raw: dict, here: Path, problems: list[Problem]) -> None:
    spec = raw["probe"]
    where = here + ("probe",)
    if not isinstance(spec, dict):
        problems.append(Problem(where, f"check {check.id}: probe takes from and to"))
        return
    probe = parse_probe(spec, where, problems, f"check {check.id}")
    check.probe = probe
    expect = raw.get("expect")
    if not isinstance(expect, dict) or not expect:
        problems.append(Problem(here, f"check {check.id}: a probe needs expect"))
        return
    if check.assertions:
        problems.append(Problem(here, f"check {check.id}: a probe's expectations go under expect"))
    for key, value in expect.items():
        at = here + ("expect", key)
        if key == "verdict" and value not in VERDICTS:
            problems.append(Problem(at, f"check {check.id}: verdict is one of {', '.join(VERDICTS)}"))
        elif key == "client_ip" and value not in CLIENT_IP:
            problems.append(Problem(at, f"check {check.id}: client_ip is preserved or rewritten"))
        elif key == "reaches" and not _labels_ok(value):
            problems.append(Problem(at, f"check {check.id}: reaches takes Pod labels"))
        elif key == "response_contains" and not isinstance(value, str):
            problems.append(Problem(at, f"check {check.id}: response_contains takes text"))
        elif key not in ("verdict", "client_ip", "reaches", "response_contains"):
            problems.append(Problem(at, f'check {check.id}: unknown expectation "{key}"'))
    check.expect = dict(expect)


def parse_probe(spec: dict, where: Path, problems: list[Problem], who: str) -> Probe | None:
    """Parse a probe's from/to/protocol (used by probe checks and predict items)."""
    source = spec.get("from", "external")
    if source == "external":
        source = {"external": None}
    elif not (isinstance(source, dict) and len(source) == 1 and (
            isinstance(source.get("external"), str) or isinstance(source.get("node"), str)
            or _labels_ok(source.get("pod")))):
        problems.append(Problem(where + ("from",), f"{who}: from is external, {{external: IP}}, "
                                                   "{node: NAME} or {pod: LABELS}"))
        return None
    target = spec.get("to")
    ok = isinstance(target, dict) and "port" in target and _port_ok(target["port"])
    if ok:
        keys = set(target) - {"port"}
        if keys == {"nodes"}:
            ok = target["nodes"] == "all" or (isinstance(target["nodes"], list) and target["nodes"]
                                              and all(isinstance(n, str) for n in target["nodes"]))
        elif keys in ({"node"}, {"service"}, {"address"}):
            ok = isinstance(target[next(iter(keys))], str)
        else:
            ok = False
    if not ok:
        problems.append(Problem(where + ("to",), f"{who}: to is {{nodes: all|[...], port: P}}, {{node: N, port: P}}, "
                                                 "{service: S, port: P} or {address: IP, port: P}, where P is a "
                                                 "number or {service: S[, port: N]}"))
        return None
    protocol = spec.get("protocol", "TCP")
    if protocol not in ("TCP", "UDP", "SCTP"):
        problems.append(Problem(where + ("protocol",), f"{who}: protocol is TCP, UDP or SCTP"))
        return None
    for key in sorted(set(spec) - {"from", "to", "protocol"}, key=str):
        problems.append(Problem(where + (key,), f'{who}: unknown key "{key}"'))
    return Probe(source, target, protocol)


def _port_ok(port: Any) -> bool:
    if _is_number(port) and isinstance(port, int):
        return 0 < port < 65536
    return (isinstance(port, dict) and isinstance(port.get("service"), str)
            and set(port) <= {"service", "port"} and (("port" not in port) or isinstance(port["port"], int)))
