"""kubectl's JSONPath dialect: results, output rules and error texts, checked against the real kubectl."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.jsonpath import (
    JsonPathError, Template, evaluate, go_json, go_quote, go_sharp_v, go_sprint, parse)
from trainer.sandbox.kubectl.output import as_list

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

DOC = {
    "apiVersion": "example.com/v1", "kind": "Thing",
    "metadata": {"name": "t", "labels": {"x": "y"}},
    "spec": {
        "a": [1, 2, 3], "m": {"k": "v"}, "e": [], "em": {}, "f": 1.5, "big": 1e21, "small": 1.5e-7,
        "mil": 1000000.0, "s": "q\"<é>\u2028\t\x01\U0001F600 \b\f", "n": None, "t": True, "neg": -3,
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "https", "port": 443, "protocol": "TCP"},
                  {"name": "dns", "port": 53, "protocol": "UDP", "x": None}],
        "l": [1, "a", None, {"x": None}], "nested": [[1, 2], [3, [4, 5]]],
        "addresses": [{"type": "Hostname", "address": "cp"}, {"type": "InternalIP", "address": "10.0.0.10"}],
    },
    "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Other", "status": "False"}]},
}


def kubectl_jsonpath(tmp_path: Path, doc: dict, fmt: str, *extra: str) -> tuple[str, str]:
    """What the real kubectl prints for -o FMT on a local document (no server involved).

    ``kubectl label --local`` prints any document it can decode with the standard printers;
    the document already carries the label, so the object printed is the object given.
    """
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    result = subprocess.run([KUBECTL, "label", "--local", "--overwrite", "-f", str(path), "x=y", "-o", fmt, *extra],
                            capture_output=True, text=True, timeout=60, env=dict(os.environ, KUBECONFIG=os.devnull))
    return result.stdout, result.stderr


def ours(template: str, doc: dict, **kwargs) -> tuple[str, str]:
    got = evaluate(template, doc, **kwargs)
    if isinstance(got, JsonPathError):
        return "", got.text
    return got, ""


# --------------------------------------------------------------------------- the seed's query


def test_seed_node_ip_query_prints_the_first_internal_ip() -> None:
    cluster = Cluster.default()
    nodes = as_list(cluster.api.iter("Node"))
    template = '{.items[0].status.addresses[?(@.type=="InternalIP")].address}'
    assert evaluate(template, nodes) == "10.0.0.10"
    assert evaluate('{.items[*].status.addresses[?(@.type=="InternalIP")].address}', nodes) == \
        "10.0.0.10 10.0.0.11 10.0.0.12"
    assert evaluate('{range .items[*]}{.metadata.name}{"\\t"}{.status.addresses[0].address}{"\\n"}{end}', nodes) == \
        "controlplane\t10.0.0.10\nnode01\t10.0.0.11\nnode02\t10.0.0.12\n"


# --------------------------------------------------------------------------- results and printing

EXPECTED = {
    "{.spec.a}": "[1,2,3]",
    "{.spec.a[*]}": "1 2 3",
    "{.spec.a[0:2]}": "1 2",
    "{.spec.a[-1]}": "3",
    "{.spec.a[::2]}": "1 3",
    "{.spec.a[1,2]}": "2 3",
    "{.spec.m}": '{"k":"v"}',
    "{.spec.e}": "[]",
    "{.spec.em}": "{}",
    "{.nope}": "",
    "{.spec.f} {.spec.big} {.spec.small} {.spec.mil} {.spec.neg}": "1.5 1e+21 1.5e-07 1e+06 -3",
    "{.spec.n} {.spec.t}": "null true",
    "{.spec.l[*]}": '1 a null {"x":null}',
    "{range .spec.l[*]}[{@}]{end}": '[1][a][<no value>][{"x":null}]',
    "{range .spec.e[*]}[{@}]{end}after": "after",
    "{range .spec.ports[*]}{.name}:{.port};{end}!": "http:80;https:443;dns:53;!",
    "{.spec.ports[?(@.port>100)].name}": "https",
    "{.spec.ports[?(@.name=='http')].port}": "80",
    "{.spec.ports[?(@.x)].name}": "dns",
    "{.spec.ports[*]['name']}": "http https dns",
    "{..address}": "cp 10.0.0.10",
    "{.metadata.name.*}": "116",
    "{.kind}/{.metadata.name}": "Thing/t",
    '{"\\t"}x': "\tx",
    "abc": "abc",
    "{5} {true}": "5 true",
    "{ .spec.a }": "[1,2,3]",
}


@pytest.mark.parametrize("template", sorted(EXPECTED))
def test_results_print_like_kubectl(template: str) -> None:
    assert evaluate(template, DOC) == EXPECTED[template]


def test_jsonpath_as_json_prints_each_node_as_an_indented_array() -> None:
    assert evaluate("x{.spec.a[0]}{.nope}", DOC, as_json=True) == '[\n    "x"\n]\n[\n    1\n]\n[]\n'
    assert evaluate("{.spec.m}", DOC, as_json=True) == '[\n    {\n        "k": "v"\n    }\n]\n'


def test_missing_keys_are_errors_only_when_asked() -> None:
    got = evaluate("{.nope}", DOC, allow_missing_keys=False)
    assert isinstance(got, JsonPathError) and got.detail == "nope is not found"
    assert evaluate("{.spec.ports[?(@.x)].name}", DOC, allow_missing_keys=False) == "dns"


# --------------------------------------------------------------------------- errors


def test_parse_errors_carry_kubectls_text() -> None:
    got = evaluate("{.items[0]", DOC)
    assert isinstance(got, JsonPathError)
    assert got.kind == "parse"
    assert got.text == "error: error parsing jsonpath {.items[0], unclosed action\n"
    assert evaluate("{*}", DOC).text == "error: error parsing jsonpath {*}, unrecognized character in action: U+002A '*'\n"
    assert evaluate('{.a["b"]}', DOC).detail == 'invalid array index "b"'
    assert evaluate("{.a[}", DOC).detail == "unterminated array"
    assert evaluate('{"x}', DOC).detail == "unterminated quoted string"
    assert evaluate('{"a\\qb"}', DOC).detail == 'unquote string "a\\qb" error invalid syntax'
    assert evaluate("{.a[?(@.b>1]}", DOC).detail == "unterminated filter"
    assert evaluate("{1.2.3}", DOC).detail == "cannot parse number 1.2.3"


def test_execution_errors_dump_the_object_like_go() -> None:
    got = evaluate("{.spec.a[5]}", {"kind": "Thing", "spec": {"a": [1, "x", None], "f": 1.5, "t": True}})
    assert isinstance(got, JsonPathError)
    assert got.kind == "execute"
    assert got.text == (
        'error: error executing jsonpath "{.spec.a[5]}": Error executing template: array index out of bounds: '
        "index 5, length 3. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.spec.a[5]}\n"
        "\tobject given to jsonpath engine was:\n"
        '\t\tmap[string]interface {}{"kind":"Thing", "spec":map[string]interface {}{"a":[]interface {}{1, "x", '
        'interface {}(nil)}, "f":1.5, "t":true}}\n\n\n')


@pytest.mark.parametrize("template, detail", [
    ("{end}", "not in range, nothing to end"),
    ("{foo}", "unrecognized identifier foo"),
    ("{.spec.m[0]}", "map[string]interface {} is not array or slice"),
    ("{.spec.m[?(@.k)]}", "map[k:v] is not array or slice and cannot be filtered"),
    ("{.spec.ports[?(@.port>1.5)].name}", "incompatible types for comparison"),
    ("{.spec.ports[?(@.port==true)].name}", "incompatible types for comparison"),
    ("{.spec.ports[?(@.port=80)].name}", "unrecognized filter operator ="),
    ("{.spec.a[2:1]}", "starting index 2 is greater than ending index 1"),
    ("{.spec.a[::0]}", "step must be > 0"),
    ("{.spec.a[-5]}", "array index out of bounds: index -2, length 3"),
])
def test_execution_error_details(template: str, detail: str) -> None:
    got = evaluate(template, DOC)
    assert isinstance(got, JsonPathError) and got.detail == detail


def test_never_raises_or_hangs_on_hostile_templates() -> None:
    for template in ["{" * 500, "{[" * 300, "{range " * 200, "[?(" * 100, "\x00{\x00}",
                     "{range .spec.a[*]}" * 400, "{.a[?(@.b[?(@.c[?(@.d)])])]}" * 50]:
        got = evaluate(template, DOC)
        assert isinstance(got, (str, JsonPathError))
    # Each ".." multiplies the results; kubectl would run out of memory, the trainer stops.
    got = evaluate("{" + ".." * 50 + "}", DOC)
    assert isinstance(got, JsonPathError) and got.detail == "the template produces too many values to print"


def test_parse_once_run_many() -> None:
    tmpl = parse("{.metadata.name}")
    assert isinstance(tmpl, Template)
    assert tmpl.execute({"metadata": {"name": "a"}}) == "a"
    assert tmpl.execute({"metadata": {"name": "b"}}) == "b"
    assert tmpl.find({"metadata": {"name": "c"}}) == [["c"]]


# --------------------------------------------------------------------------- Go formatting helpers


def test_go_formatting_helpers() -> None:
    assert go_json({"b": [1, 2.5], "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5]}'
    assert go_json({"z": {}, "a": []}, "    ") == '{\n    "a": [],\n    "z": {}\n}'
    assert go_json(1e21) == "1e+21" and go_json(1.5e-7) == "1.5e-7" and go_json(100.0) == "100"
    assert go_quote('a"\\\n\x01é\u2028😀') == '"a\\"\\\\\\n\\x01é\\u2028😀"'
    assert go_sharp_v({"b": None, "a": [1.0, "s"]}) == \
        'map[string]interface {}{"a":[]interface {}{1, "s"}, "b":interface {}(nil)}'
    assert go_sprint({"b": {"c": 1}, "a": [1, None]}) == "map[a:[1 <nil>] b:map[c:1]]"


# --------------------------------------------------------------------------- against the real kubectl

PARITY = r'''{.spec.a}
{.spec.a[*]}
{.spec.a[0:2]}
{.spec.a[-1]}
{.spec.a[-5]}
{.spec.a[5]}
{.spec.a[1:]}
{.spec.a[:2]}
{.spec.a[::2]}
{.spec.a[2:1]}
{.spec.a[0:0]}
{.spec.a[::0]}
{.spec.a[-2:]}
{.spec.a[:-1]}
{.spec.a[3:]}
{.spec.a[0:5]}
{.spec.m}
{.spec.e}
{.spec.em}
{.nope}
{.spec.nope.deeper}
{range .spec.a[*]}[{@}]{end}
{range .spec.e[*]}[{@}]{end}after
{range .spec.ports[*]}{.name}:{range .spec.a[*]}{@}{end};{end}!
{range .spec.ports[*]}{.name}{"\t"}{.port}{"\n"}{end}
{range .spec.ports[*]}{.name}{'\n'}{end}
{range .spec.l[*]}[{@}]{end}
{range .spec.l[*]}[{.x}]{end}
{range .spec.nested[*]}<{range @[*]}({@}){end}>{end}
{range .spec.ports[*]}{range .nope[*]}x{end}{.name},{end}
{.spec.f} {.spec.big} {.spec.small} {.spec.mil} {.spec.neg}
{.spec.s}
{.spec}
{.spec.ports[?(@.port>100)].name}
{.spec.ports[?(@.port>=443)].name}
{.spec.ports[?(@.port<443)].name}
{.spec.ports[?(@.port<=443)].name}
{.spec.ports[?(@.port!=80)].name}
{.spec.ports[?(@.port>1.5)].name}
{.spec.ports[?(@.name=="http")].port}
{.spec.ports[?(@.name=='http')].port}
{.spec.ports[?(@.name == "http")].port}
{.spec.ports[?(@.missing=="http")].port}
{.spec.ports[?(@.name)].port}
{.spec.ports[?(@.x)].port}
{.spec.ports[?(@.port==true)].port}
{.spec.ports[?(@.port=80)].port}
{.spec.addresses[?(@.type=="InternalIP")].address}
{.status.conditions[?(@.type=="Ready")].status}
{.spec.m[0]}
{.spec.m[?(@.k)]}
{.spec.n[0]}
{.spec.n.x}
{.spec.n[?(@.x)]}
{.spec.ports[*]["name"]}
{.spec.ports[*]['name']}
{.spec['ports'][0]['name']}
{.metadata.name.*}
{.spec.m.*}
{..k}
{..address}
{.spec.a[1,2]}
{.spec.a[0, 2]}
{.spec.ports[0,5]}
{"\t"}x
abc
{end}
{foo}
{range .spec.a[*]}{@}
{.spec.l[?(@==1)]}
{.spec.l[?(@.x==null)]}
{.spec..x}
{.spec.l[1:3]}
{.spec.l[1,3]}
{@}
{$.spec.a}
{5}
{-3}
{1.5}
{true}
{..port}
{.items[0]
{.spec.a[}
{.spec.a[x]}
{.spec.a[1:2:3:4]}
{.spec.a[-]}
{*}
{"unterminated}
{"a\qb"}
{.spec.ports[?(@.port>1]}
{.spec.ports[?(@.port>1)}
{1.2.3}
{+}
{.spec.a[?(@>1)]}
{.spec.a[?(@)]}
{.spec.nested[1][1][0]}
{.spec.nested[*][0]}
{range .spec.ports[*]}{.name}{end}{end}
{.spec.ports[-1:].name}
{range .spec.ports[*]}{@.name}={@.port} {end}
{ .spec.a }
{.spec.s[0]}
{range .spec.ports}{.name}{end}
}
{}'''.split("\n")


@needs_kubectl
@pytest.mark.parametrize("template", PARITY)
def test_jsonpath_matches_kubectl(tmp_path: Path, template: str) -> None:
    assert ours(template, DOC) == kubectl_jsonpath(tmp_path, DOC, "jsonpath=" + template)


@needs_kubectl
@pytest.mark.parametrize("template", ["{.metadata.name}", "{.spec.l[*]}", "x{.spec.a[0]}y{.nope}", "{.spec}",
                                      "{.spec.ports[?(@.port>100)]}"])
def test_jsonpath_as_json_matches_kubectl(tmp_path: Path, template: str) -> None:
    assert ours(template, DOC, as_json=True) == kubectl_jsonpath(tmp_path, DOC, "jsonpath-as-json=" + template)


@needs_kubectl
@pytest.mark.parametrize("template", ["{.nope}", "{.spec.l[*].x}", "{.spec.ports[?(@.x)].name}",
                                      "{range .spec.ports[*]}{.x}{end}"])
def test_disallowed_missing_keys_match_kubectl(tmp_path: Path, template: str) -> None:
    assert ours(template, DOC, allow_missing_keys=False) == kubectl_jsonpath(
        tmp_path, DOC, "jsonpath=" + template, "--allow-missing-template-keys=false")
