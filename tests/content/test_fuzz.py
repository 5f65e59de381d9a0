"""Hostile packs: any value in any place of an item or lesson gives problems, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.content.lint import lint
from trainer.content.scaffold import scaffold

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.floats(allow_nan=False, width=32),
                     st.text(max_size=12), st.sampled_from(["all", "external", "default", "TCP", "1m", "answers"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                       max_leaves=6)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


def _set(node, path, value):
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


#: Checks of every kind and optional key, added to the scaffold's drill so the fuzzer reaches them all.
_EVERY_CHECK = yaml.safe_load("""
- {id: f1, field: {kind: Service, name: web, namespace: default, path: '{.spec.type}'}, equals: NodePort,
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: f2, field: {kind: Service, name: web, path: '{.spec.ports[*].port}'}, one_of: [80], not_equals: 81,
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: f3, field: {kind: Service, name: web, path: '{.spec.ports[0].nodePort}'}, in_range: [30000, 32767],
   matches: '^3', message: m, why: w, misconception: targetport-is-nodeport}
- {id: r1, rejected: {manifest: "apiVersion: v1\\nkind: Service\\nmetadata: {name: z}\\nspec: {type: NodePort,
   ports: [{port: 80, nodePort: 80}]}\\n", field: 'spec.ports[0].nodePort', contains: valid range},
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: a1, accepted: {manifest: "apiVersion: v1\\nkind: Service\\nmetadata: {name: z}\\nspec: {ports: [{port: 80}]}\\n"},
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: c1, count: {objects: {kind: Service, labels: {app: web}, namespace: default}}, max: 3, min: 0,
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: c2, count: {ready_endpoints: web}, min: 1, message: m, why: w, misconception: targetport-is-nodeport}
- {id: c3, count: {nodes_with_pods: {app: web}}, exists: true, message: m, why: w,
   misconception: targetport-is-nodeport}
- {id: o1, output: {command: all, stream: stderr}, contains: {command: "kubectl get svc web"},
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: o2, output: {stream: status}, equals: {jsonpath: {kind: Service, name: web, path: '{.spec.type}'}},
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: p1, probe: {from: {pod: {app: web}}, to: {service: web, port: 80}, protocol: TCP},
   expect: {verdict: answers, client_ip: preserved, response_contains: nginx, reaches: {app: web}},
   message: m, why: w, misconception: targetport-is-nodeport}
- {id: p2, probe: {from: {node: node01}, to: {address: 10.0.0.12, port: {service: web, port: 80}}},
   expect: {verdict: refused}, message: m, why: w, misconception: targetport-is-nodeport}
""")

with tempfile.TemporaryDirectory() as _tmp:
    scaffold(Path(_tmp) / "p")
    _ITEMS = yaml.safe_load((Path(_tmp) / "p" / "items" / "basics.yaml").read_text())
    _ITEMS["items"][2]["checks"] += _EVERY_CHECK
    _LESSON = (Path(_tmp) / "p" / "lessons" / "01-first-lesson.md").read_text()
_ITEM_PATHS = [p for p in _paths(_ITEMS) if len(p) >= 3]
_FRONT = yaml.safe_load(_LESSON.split("---\n")[1])
_FRONT_PATHS = [p for p in _paths(_FRONT) if p]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(_ITEM_PATHS), value=_VALUES, lesson_where=st.sampled_from(_FRONT_PATHS),
       lesson_value=_VALUES)
def test_garbage_anywhere_is_reported_not_raised(tmp_path_factory, where, value, lesson_where, lesson_value) -> None:
    root = tmp_path_factory.mktemp("fuzz") / "p"
    scaffold(root)
    items = yaml.safe_load(yaml.safe_dump(_ITEMS))
    _set(items, where, value)
    (root / "items" / "basics.yaml").write_text(yaml.safe_dump(items))
    front = yaml.safe_load(_LESSON.split("---\n")[1])
    _set(front, lesson_where, lesson_value)
    body = _LESSON.split("---\n", 2)[2]
    (root / "lessons" / "01-first-lesson.md").write_text("---\n" + yaml.safe_dump(front) + "---\n" + body)
    problems = lint(root)  # must not raise
    assert all(p.line >= 1 and p.column >= 1 and p.message for p in problems)
