"""kubectl's -o printers (yaml, json, name, jsonpath, custom-columns), checked against the real kubectl."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.output import Rendered, as_list, name_of, render, to_json, to_yaml

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def kubectl_print(tmp_path: Path, doc: dict, fmt: str) -> tuple[str, str]:
    """The real kubectl's -o FMT for a local document: ``kubectl label --local`` prints it unchanged
    (the document already carries the label x=y)."""
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    result = subprocess.run([KUBECTL, "label", "--local", "--overwrite", "-f", str(path), "x=y", "-o", fmt],
                            capture_output=True, text=True, timeout=60, env=dict(os.environ, KUBECONFIG=os.devnull))
    return result.stdout, result.stderr


@pytest.fixture(scope="module")
def seeded() -> Cluster:
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml"))
    return cluster


# --------------------------------------------------------------------------- yaml


def test_get_svc_o_yaml(seeded: Cluster) -> None:
    svc = seeded.api.peek("Service", "web-frontend", "default")
    assert render([svc], "yaml", single=True) == Rendered(
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  annotations:\n"
        "    kubectl.kubernetes.io/last-applied-configuration: |\n"
        '      {"apiVersion":"v1","kind":"Service","metadata":{"name":"web-frontend","namespace":"default"},'
        '"spec":{"ports":[{"nodePort":31000,"port":80,"targetPort":80}],"selector":{"app":"web-frontend"},'
        '"type":"NodePort"}}\n'
        '  creationTimestamp: "2026-01-01T00:00:00Z"\n'
        "  generation: 1\n"
        "  name: web-frontend\n"
        "  namespace: default\n"
        f'  resourceVersion: "{svc["metadata"]["resourceVersion"]}"\n'
        f'  uid: {svc["metadata"]["uid"]}\n'
        "spec:\n"
        "  clusterIP: 10.98.72.169\n"
        "  clusterIPs:\n"
        "  - 10.98.72.169\n"
        "  externalTrafficPolicy: Cluster\n"
        "  internalTrafficPolicy: Cluster\n"
        "  ipFamilies:\n"
        "  - IPv4\n"
        "  ipFamilyPolicy: SingleStack\n"
        "  ports:\n"
        "  - nodePort: 31000\n"
        "    port: 80\n"
        "    protocol: TCP\n"
        "    targetPort: 80\n"
        "  selector:\n"
        "    app: web-frontend\n"
        "  sessionAffinity: None\n"
        "  type: NodePort\n"
        "status:\n"
        "  loadBalancer: {}\n")


def test_several_objects_print_as_a_list() -> None:
    objs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b", "managedFields": [{"manager": "x"}]}}]
    assert render(objs, "yaml", single=False).text == (
        "apiVersion: v1\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  kind: Namespace\n"
        "  metadata:\n"
        "    name: a\n"
        "- apiVersion: v1\n"
        "  kind: Namespace\n"
        "  metadata:\n"
        "    name: b\n"
        "kind: List\n"
        "metadata:\n"
        '  resourceVersion: ""\n')
    assert render([], "yaml", single=False).text == \
        'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n'
    # One object from a list query (kubectl get svc -l ...) is still a List.
    assert render(objs[:1], "json", single=False).text.startswith('{\n    "apiVersion": "v1",\n    "items": [\n')


@pytest.mark.parametrize("value, want", [
    ("plain", "plain"), ("", '""'), ("y", '"y"'), ("on", '"on"'), ("null", '"null"'), ("~", '"~"'),
    ("080", '"080"'), ("0x1F", '"0x1F"'), ("1_000", '"1_000"'), ("1.5", '"1.5"'), (".5", '".5"'), ("1e3", '"1e3"'),
    ("1:20", '"1:20"'), ("80:30080", "80:30080"), ("2026-01-01", '"2026-01-01"'),
    ("2026-01-01T00:00:00Z", '"2026-01-01T00:00:00Z"'), ("2026-13-01", "2026-13-01"), ("<none>", "<none>"),
    ("a: b", "'a: b'"), ("a #b", "'a #b'"), ("*x", "'*x'"), ("- x", "'- x'"), ("-x", "-x"), ("it's", "it's"),
    ('say "hi"', 'say "hi"'), ("abc ", "'abc '"), ("a\tb", '"a\\tb"'), ("😀", '"\\U0001F600"'), ("é\u00a0x", "é\u00a0x"),
    ("line1\nline2\n", "|\n    line1\n    line2"), ("a\n\nb", "|-\n    a\n\n    b"), ("x\n\n", "|+\n    x\n"),
    (" lead\nx", "|2-\n     lead\n    x"), ("a \nb", '"a \\nb"'), ("\ufeffx", '"\\uFEFF\\x78"'),
])
def test_yaml_scalar_styles(value: str, want: str) -> None:
    assert to_yaml({"spec": {"v": value}}) == f"spec:\n  v: {want}\n"


def test_yaml_folds_long_lines_after_column_80() -> None:
    words = " ".join(["word"] * 30)
    assert to_yaml({"spec": {"long": words}}) == (
        "spec:\n"
        "  long: word word word word word word word word word word word word word word word\n"
        "    word word word word word word word word word word word word word word word\n")
    assert to_yaml({"spec": {"q": "- " + words}}).splitlines()[1:] == [
        "  q: '- word word word word word word word word word word word word word word word",
        "    word word word word word word word word word word word word word word word'"]


def test_yaml_numbers_keys_and_collections() -> None:
    assert to_yaml({"b": 1.5, "a": 1000000.0, "c": 1.5e-7, "d": 1e21, "e": True, "f": None, "g": -7}) == (
        "a: 1000000\nb: 1.5\nc: 1.5e-07\nd: 1e+21\ne: true\nf: null\ng: -7\n")
    # go-yaml orders keys "naturally": non-letters first, digit runs by value.
    keys = ["ab", "a10", "a9", "A_key", "_key", "a-b", "Z"]
    assert [line.split(":")[0] for line in to_yaml({k: 1 for k in keys}).splitlines()] == \
        ["_key", "A_key", "Z", "a-b", "a9", "a10", "ab"]
    assert to_yaml({"lst": [[1, 2], {"k": "v", "j": []}, [], {}]}) == (
        "lst:\n- - 1\n  - 2\n- j: []\n  k: v\n- []\n- {}\n")


# --------------------------------------------------------------------------- json


def test_json_is_go_marshal_indent() -> None:
    obj = {"kind": "Thing", "apiVersion": "v1", "metadata": {"name": "x<y>&z"},
           "spec": {"ports": [{"port": 80}], "empty": {}, "none": [], "f": 0.5, "ok": False, "n": None}}
    assert render([obj], "json", single=True).text == (
        "{\n"
        '    "apiVersion": "v1",\n'
        '    "kind": "Thing",\n'
        '    "metadata": {\n'
        '        "name": "x\\u003cy\\u003e\\u0026z"\n'
        "    },\n"
        '    "spec": {\n'
        '        "empty": {},\n'
        '        "f": 0.5,\n'
        '        "n": null,\n'
        '        "none": [],\n'
        '        "ok": false,\n'
        '        "ports": [\n'
        "            {\n"
        '                "port": 80\n'
        "            }\n"
        "        ]\n"
        "    }\n"
        "}\n")
    assert to_json(as_list([])) == '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n' \
                                   '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'


# --------------------------------------------------------------------------- name, jsonpath, custom-columns


def test_o_name(seeded: Cluster) -> None:
    objs = [seeded.api.peek("Service", "web-frontend", "default"),
            seeded.api.peek("Deployment", "web-frontend", "default"),
            seeded.api.peek("Endpoints", "web-frontend", "default"),
            seeded.api.peek("Node", "node01", ""),
            *seeded.api.iter("EndpointSlice", "default")]
    assert render(objs, "name", single=False).text.splitlines() == [
        "service/web-frontend", "deployment.apps/web-frontend", "endpoints/web-frontend", "node/node01",
        "endpointslice.discovery.k8s.io/kubernetes",
        f"endpointslice.discovery.k8s.io/{objs[-1]['metadata']['name']}"]
    assert name_of({"apiVersion": "v1", "kind": "Pod", "metadata": {}}) == "pod/<unknown>"


def test_o_jsonpath(seeded: Cluster) -> None:
    nodes = list(seeded.api.iter("Node"))
    query = 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}'
    assert render(nodes, query, single=False) == Rendered("10.0.0.10")
    svc = seeded.api.peek("Service", "web-frontend", "default")
    assert render([svc], "jsonpath={.spec.ports[0].nodePort}", single=True) == Rendered("31000")
    assert render([svc], "jsonpath-as-json={.spec.type}", single=True) == Rendered('[\n    "NodePort"\n]\n')
    assert render([svc], "jsonpath={.spec.ports[0].nodePort", single=True) == Rendered(
        "", "error: error parsing jsonpath {.spec.ports[0].nodePort, unclosed action\n")
    for fmt in ("jsonpath", "jsonpath=", "jsonpath-as-json"):
        assert render([svc], fmt, single=True).error == "error: template format specified but no template given\n"
    assert render([svc], "jsonpath={.nope}", single=True, allow_missing_keys=False).error.startswith(
        'error: error executing jsonpath "{.nope}": Error executing template: nope is not found.')


def test_o_custom_columns(seeded: Cluster) -> None:
    svcs = list(seeded.api.iter("Service"))
    spec = "NAME:.metadata.name,PORTS:.spec.ports[*].port,NODEPORT:{.spec.ports[0].nodePort},SEL:spec.selector"
    assert render(svcs, "custom-columns=" + spec, single=False).text == (
        "NAME           PORTS        NODEPORT   SEL\n"
        "kubernetes     443          <none>     <none>\n"
        "web-frontend   80           31000      map[app:web-frontend]\n"
        "kube-dns       53,53,9153   <none>     map[k8s-app:kube-dns]\n")
    assert render(svcs[:1], "custom-columns=N:.metadata.name", single=False, no_headers=True).text == "kubernetes\n"
    assert render([], "custom-columns=N:.metadata.name", single=False).text == "N\n"
    assert render(svcs, "custom-columns=", single=False).error == \
        "error: custom-columns format specified but no custom columns given\n"
    assert render(svcs, "custom-columns=NAME", single=False).error == \
        "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"
    assert render(svcs, "custom-columns=N:{a}{b}", single=False).error == (
        "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
        "'{.name1.name2}'\n")


def test_unknown_formats_are_errors_not_exceptions() -> None:
    assert render([], "yml", single=False).error == (
        'error: unable to match a printer suitable for the output format "yml", allowed formats are: '
        "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
        "jsonpath-file,name,template,templatefile,wide,yaml\n")


# --------------------------------------------------------------------------- against the real kubectl


def _engine_objects() -> list[dict]:
    cluster = Cluster.default()
    cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml")
    objs = []
    for kind in ("Namespace", "Node", "Service", "Pod", "Endpoints", "Deployment", "ReplicaSet", "EndpointSlice"):
        objs.extend(cluster.api.iter(kind))
    return objs


WORDS = "word " * 30
TRICKY = {
    "apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "t"},
    "spec": {
        "long": WORDS.strip(), "longq": "- " + WORDS.strip(), "lit": "line1\nline2\n", "lit2": "a\n\nb", "lit3": "x\n\n",
        "lit4": " lead\nx", "tab": "a\tb", "bs": "a\b\f", "emptys": "", "colon": "a: b", "hash": "a #b", "star": "*x",
        "dash": "- x", "dash2": "-x", "q": "it's", "dq": 'say "hi"', "num": "080", "ts": "2026-01-01T00:00:00Z",
        "date": "2026-01-01", "y": "y", "on": "on", "null": "null", "tilde": "~", "b60": "1:20", "f": "1.5", "e": "1e3",
        "hex": "0x1F", "under": "1_000", "dot": ".5", "dotinf": ".inf", "lt": "<none>", "uni": "é\u00a0x", "emoji": "😀",
        "mil": 1000000.0, "fl": 1.5, "small": 1.5e-7, "A_key": 1, "_key": 2, "a10": 1, "a9": 2, "a-b": 1, "ab": 1,
        "a.b": 1, "a/b": 1, "Z": 1, "lst": [[1, 2], {"k": "v", "j": []}, [], {}, [[{}]]],
        "nested": {"deep": {"deeper": "x " * 50}}, "trail": "abc ", "spacebreak": "a \nb",
        "longlit": "aaa bbb " * 20 + "\n", "longdq": "aaa\tbbb " * 12, "longword": "x" * 100 + " y",
        "k" * 130: "longkey", "multi\nkey": 1, "nul": "a\x00b", "qmark": "? x", "q2": "?x", "colon2": "a:b",
        "pct": "%x", "at": "@x", "bt": "`x", "excl": "!x", "amp": "&x", "pipe": "|x", "gt": ">x", "brace": "{x",
        "comma": "a,b", "ends_colon": "a:", "sp": " x", "doc": "---x", "dots": "...x", "neg": "-1", "plus": "+1",
        "negf": "-1.5", "time2": "2026-1-2", "bad_date": "2026-13-01", "sci": "1e+21", "ip": "10.0.0.1",
        "ver": "v1.32.4", "port": "80/TCP", "portmap": "80:30080", "bool_t": True, "none": None, "int": 42,
        "negint": -7, "ls": "a\u2028b", "cr": "a\rb", "crlf": "a\r\nb", "bom": "\ufeffx", "hash2": "#x", "dq2": '"x',
        "sq2": "'x", "lb": "[x]", "keep3": "a\n\n\n", "nlonly": "\n", "twonl": "\n\n", "lead_nl": "\nabc",
        "spaced": "a  b", "uni2": "日本語 テキスト", "zz": "end",
    },
    "zzz": "last\n\n",
}


def _labelled(obj: dict) -> dict:
    doc = json.loads(json.dumps(obj))
    doc.setdefault("metadata", {}).setdefault("labels", {})["x"] = "y"
    return doc


@needs_kubectl
@pytest.mark.parametrize("fmt", ["yaml", "json", "name"])
def test_printers_match_kubectl_on_engine_objects(tmp_path: Path, fmt: str) -> None:
    for obj in _engine_objects():
        doc = _labelled(obj)
        got = render([doc], fmt, single=True)
        assert (got.text, got.error or "") == kubectl_print(tmp_path, doc, fmt), (obj["kind"], obj["metadata"]["name"])


@needs_kubectl
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_printers_match_kubectl_on_tricky_values(tmp_path: Path, fmt: str) -> None:
    doc = _labelled(TRICKY)
    got = render([doc], fmt, single=True)
    assert (got.text, got.error or "") == kubectl_print(tmp_path, doc, fmt)
