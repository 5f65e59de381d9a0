"""Evaluating checks against an attempt: state assertions, apply outcomes, probes, counts, output."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from ..engine.cluster import Cluster
from ..engine.errors import Status
from ..engine.objects import KINDS, is_terminating, name_of
from ..sandbox.kubectl.jsonpath import evaluate as jsonpath
from .model import Check
from .probe import ProbeRun, has_labels, run_probe
from .results import CheckResult
from .scenario import Attempt
from .values import SourceError, judge, show


def evaluate(checks: list[Check], attempt: Attempt, truth: Cluster | None = None) -> list[CheckResult]:
    """Run every check against the attempt's cluster and commands; the attempt is not changed.

    Args:
        checks: the item's checks.
        attempt: the sandbox as the answer left it.
        truth: the cluster that engine value sources read (default: the attempt's own). Command
            items pass the state before the learner's commands, so no command can move the truth.
    """
    return [_evaluate_one(check, attempt, truth) for check in checks]


def _evaluate_one(check: Check, attempt: Attempt, truth: Cluster | None) -> CheckResult:
    result = CheckResult(check.id, False, check.weight, "", "", check.message, check.why, check.misconception)
    try:
        passed, expected, observed, hop = _KINDS[check.kind](check, attempt, _resolver(attempt, truth))
    except SourceError as exc:
        passed, expected, observed, hop = False, "a value the engine can compute", str(exc), ""
    except Exception as exc:  # a pack the loader let through; never a traceback for the learner
        passed, expected, observed, hop = False, "a check that can run", f"pack problem: {type(exc).__name__}: {exc}", ""
    result.passed, result.expected, result.observed = passed, expected, observed
    result.hop = "" if passed else hop
    return result


# --------------------------------------------------------------------- value sources


def _resolver(attempt: Attempt, truth: Cluster | None):
    source = truth if truth is not None else attempt.cluster

    def resolve(raw: Any) -> Any:
        if "jsonpath" in raw:
            ref = raw["jsonpath"]
            values = object_values(source, ref["kind"], ref["name"], ref.get("namespace", "default"),
                                   ref["path"])
            if isinstance(values, str):
                raise SourceError(values)
            if not values or values == [""]:
                raise SourceError(f"{ref['path']} on {ref['kind']} {ref['name']} is empty")
            return values[0] if len(values) == 1 else values
        if "command" in raw:
            with Attempt(source.clone()) as probe:
                runs = probe.run(str(raw["command"]))
            if not runs or runs[-1].result.status != 0:
                err = runs[-1].result.stderr.strip() if runs else "nothing ran"
                raise SourceError(f"{raw['command']!r} failed: {err}")
            value = runs[-1].result.stdout.strip()
            if not value:
                # An empty expectation would make `contains` and `matches` accept anything.
                raise SourceError(f"{raw['command']!r} printed nothing")
            return value
        raise SourceError(f"unknown value source {sorted(raw)}")
    return resolve


class Missing(str):
    """Why there are no values: the object does not exist (a 404, not the apiserver being down)."""


def object_values(cluster: Cluster, kind: str, name: str, namespace: str, path: str) -> list | str:
    """The JSONPath results on one object, as values; or why there are none (Missing when not found)."""
    obj = cluster.get(kind, name, namespace)  # the apiserver ignores the namespace of cluster-scoped kinds
    if isinstance(obj, Status):
        return Missing(obj.message) if obj.code == 404 else obj.message
    if not isinstance(obj, dict):
        render = getattr(obj, "kubectl_message", None)
        return render() if callable(render) else str(obj)
    out = jsonpath(path, obj, as_json=True)
    if not isinstance(out, str):
        return f"jsonpath {path}: {getattr(out, 'text', out)}".strip()
    values: list = []
    decoder = json.JSONDecoder()
    text, index = out.strip(), 0
    while index < len(text):
        chunk, end = decoder.raw_decode(text, index)
        values.extend(chunk if isinstance(chunk, list) else [chunk])
        index = end
        while index < len(text) and text[index].isspace():
            index += 1
    return values


# --------------------------------------------------------------------- check kinds


def _field(check: Check, attempt: Attempt, resolve):
    spec = check.spec
    values = object_values(attempt.cluster, spec["kind"], spec["name"], spec.get("namespace", "default"),
                           spec["path"])
    if isinstance(values, str):
        if check.assertions.get("exists") is False and isinstance(values, Missing):
            return True, "absent", values, ""
        passed, expected, _ = judge(check.assertions, [], resolve)
        return False, expected, values, ""
    passed, expected, observed = judge(check.assertions, values, resolve)
    return passed, expected, observed, ""


def _apply(check: Check, attempt: Attempt, resolve):
    spec = check.spec
    trial = attempt.cluster.clone()
    results = trial.apply(spec["manifest"], "check.yaml")
    errors = [r for r in results if not r.ok]
    if check.kind == "accepted":
        if errors:
            return False, "accepted", _error_text(errors[0]), ""
        return True, "accepted", ", ".join(f"{r.ref} {r.action}" for r in results) or "accepted", ""
    want = ["rejected"]
    if spec.get("field"):
        want.append(f"on {spec['field']}")
    if spec.get("contains"):
        want.append(f"saying {spec['contains']!r}")
    expected = " ".join(want)
    if not errors:
        return False, expected, "accepted (" + ", ".join(f"{r.ref} {r.action}" for r in results) + ")", ""
    for err in errors:
        text = _error_text(err)
        fields = [c.field for c in err.error.causes] if isinstance(err.error, Status) else []
        if spec.get("field") and spec["field"] not in fields:
            continue
        if spec.get("contains") and spec["contains"] not in text:
            continue
        return True, expected, text, ""
    return False, expected, _error_text(errors[0]), ""


def _error_text(result) -> str:
    return result.kubectl_line("applying" if result.ref else "creating").strip()


def _count(check: Check, attempt: Attempt, resolve):
    what, arg = next(iter(check.spec.items()))
    cluster = attempt.cluster
    if what == "ready_endpoints":
        found: set[str] = set()
        for eps in cluster.api.iter("EndpointSlice"):
            labels = eps["metadata"].get("labels") or {}
            if eps["metadata"].get("namespace", "default") != "default" or \
                    labels.get("kubernetes.io/service-name") != arg:
                continue
            for ep in eps.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready", True) is not False:
                    found.update(ep.get("addresses") or [])
        value = len(found)
    elif what in ("pods", "nodes_with_pods"):
        pods = [p for p in cluster.api.iter("Pod") if has_labels(p, arg) and _ready(p)]
        value = len(pods) if what == "pods" else len({p["spec"].get("nodeName") for p in pods})
    else:
        kind = arg["kind"]
        items = cluster.api.iter(kind) if kind in KINDS else []
        value = sum(1 for o in items if has_labels(o, arg.get("labels") or {})
                    and ("namespace" not in arg or o["metadata"].get("namespace") == arg["namespace"]))
    passed, expected, observed = judge(check.assertions, [value], resolve)
    return passed, expected, observed, ""


def _ready(pod: dict) -> bool:
    status = pod.get("status") or {}
    if status.get("phase") != "Running" or is_terminating(pod):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])


def _output(check: Check, attempt: Attempt, resolve):
    runs = attempt.runs
    if not runs:
        passed, expected, _ = judge(check.assertions, [], resolve)
        return False, expected, "no command was run", ""
    chosen = runs[-1:] if check.spec["command"] == "last" else runs
    stream = check.spec["stream"]
    if stream == "status":
        values: list = [chosen[-1].result.status]
    else:
        values = ["".join(getattr(r.result, stream) for r in chosen).strip()]
    passed, expected, observed = judge(check.assertions, values, resolve)
    return passed, expected, observed, ""


def _probe(check: Check, attempt: Attempt, resolve):
    expect = check.expect
    expected = describe_expectations(expect)
    if check.probe is None:
        return False, expected, "the probe is malformed", ""
    run = run_probe(attempt.session, check.probe)
    if run.error:
        return False, expected, run.error, ""
    broke = ""
    for target in run.targets:
        for path in target.paths:
            if not _path_ok(path, expect, run.client_ip) and not broke:
                snat = "client_ip" in expect and path.result == "answers"
                broke = f"{target.label}: {path.broke_at('MASQUERADE' if snat else '')}"
    return not broke, expected, summarise(run), broke


def _path_ok(path, expect: dict, client_ip: str) -> bool:
    if "verdict" in expect and path.result != expect["verdict"]:
        return False
    needs_answer = any(k in expect for k in ("reaches", "client_ip", "response_contains"))
    if needs_answer and path.result != "answers":
        return False
    if "reaches" in expect and (path.pod is None or not has_labels(path.pod, expect["reaches"])):
        return False
    if "client_ip" in expect and (path.client_seen == client_ip) != (expect["client_ip"] == "preserved"):
        return False
    if "response_contains" in expect and expect["response_contains"] not in path.response:
        return False
    return True


def describe_expectations(expect: dict) -> str:
    """A probe's expectations in words."""
    words = []
    if "verdict" in expect:
        words.append(str(expect["verdict"]))
    if "reaches" in expect:
        words.append("answered by Pods with " + ",".join(f"{k}={v}" for k, v in expect["reaches"].items()))
    if "client_ip" in expect:
        words.append(f"client IP {expect['client_ip']}")
    if "response_contains" in expect:
        words.append(f"response contains {expect['response_contains']!r}")
    return "; ".join(words) + " (on every path)"


def summarise(run: ProbeRun) -> str:
    """Each target's paths in words, grouped: "node01 10.0.0.11:31000: answers from 3 Pods, seen as 10.0.0.11"."""
    parts = []
    for target in run.targets:
        groups: dict[tuple[str, str], list] = {}
        for path in target.paths:
            groups.setdefault((path.result, path.client_seen), []).append(path)
        texts = []
        for (result, seen), paths in groups.items():
            text = result
            if result == "answers":
                pods = sorted({name_of(p.pod) for p in paths if p.pod})
                others = sorted({f"node {p.node}" for p in paths if not p.pod})
                who = pods + others
                text += f" from {who[0]}" if len(who) == 1 else f" from {len(who)} endpoints"
                text += f", client seen as {seen or '?'}"
            share = sum((p.probability for p in paths), Fraction(0))
            if share != 1:
                text += f" ({float(share):.0%})"
            texts.append(text)
        parts.append(f"{target.label}: " + "; ".join(texts))
    return " | ".join(parts) if parts else show([])


_KINDS = {"field": _field, "rejected": _apply, "accepted": _apply, "count": _count, "output": _output,
          "probe": _probe}
