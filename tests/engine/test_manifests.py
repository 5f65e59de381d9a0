"""Tests for trainer.engine.manifests: loading, positions, go-yaml semantics and kubectl's errors."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.seed import SEED_WITH_30080
from trainer.engine import manifests
from trainer.engine.manifests import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_INPUT_BYTES,
    Document,
    load_manifests,
    parse_path,
)

SEED = SEED_WITH_30080

SVC_HEAD = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n"


def only_error(data: bytes | str, source: str = "svc.yaml"):
    result = load_manifests(data, source)
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --------------------------------------------------------------------------- the seed


def test_seed_loads_two_documents_with_lines_and_indexes():
    result = load_manifests(SEED, "web.yaml")
    assert result.ok
    svc, deploy = result.documents
    assert (svc.obj["kind"], svc.line, svc.column, svc.index, svc.item) == ("Service", 1, 1, 0, None)
    assert (deploy.obj["kind"], deploy.line, deploy.index) == ("Deployment", 16, 1)
    assert svc.source == deploy.source == "web.yaml"
    assert svc.obj["spec"]["ports"] == [
        {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 3000, "nodePort": 30080}
    ]
    assert deploy.obj["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert svc.duplicates == deploy.duplicates == ()


def test_positions_of_fields_keys_values_and_list_items():
    svc, deploy = load_manifests(SEED, "web.yaml").documents
    assert svc.position("spec.ports[0].nodePort") == (14, 5)
    assert svc.value_position("spec.ports[0].nodePort") == (14, 15)
    assert svc.position("spec.ports[0]") == (10, 5)
    assert svc.position(["spec", "ports", 0, "port"]) == (12, 5)
    assert svc.position("") == (1, 1)
    assert svc.position("metadata.name") == (4, 3)
    assert deploy.position("spec.template.spec.containers[0].ports[0].containerPort") == (34, 11)
    assert svc.position("spec.ports[1]") is None
    assert svc.position("spec.nope") is None
    assert svc.position("spec.type.deeper") is None


def test_position_of_map_keys_with_dots_in_brackets():
    doc = load_manifests(SVC_HEAD + "  labels:\n    app.kubernetes.io/name: web\n    '1': one\n").documents[0]
    assert doc.position("metadata.labels[app.kubernetes.io/name]") == (6, 5)
    assert doc.position("metadata.labels[1]") == (7, 5)


def test_parse_path():
    assert parse_path("spec.ports[0].nodePort") == ["spec", "ports", 0, "nodePort"]
    assert parse_path(".metadata.labels[app.kubernetes.io/name]") == ["metadata", "labels", "app.kubernetes.io/name"]
    assert parse_path("") == []


def test_crlf_line_endings_load_like_lf():
    result = load_manifests(SEED.replace("\n", "\r\n").encode(), "web.yaml")
    assert result.ok
    assert [d.line for d in result.documents] == [1, 16]
    assert result.documents[0].obj["metadata"]["name"] == "web-frontend"


def test_load_100_line_fixture_is_fast():
    data = "---\n".join([SEED] * 3).encode()
    load_manifests(data, "f.yaml")
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        result = load_manifests(data, "f.yaml")
    per_load = (time.perf_counter() - start) / runs
    assert len(result.documents) == 6
    # About 0.4 ms on a laptop-class CPU with libyaml; the bound only catches pathologies.
    assert per_load < 0.02


# --------------------------------------------------------------------------- go-yaml scalars


def test_yaml_1_1_booleans_and_nulls_resolve_like_go_yaml():
    doc = load_manifests(SVC_HEAD + "spec:\n  a: yes\n  b: 'yes'\n  c: on\n  d: y\n  e: N\n  f: off\n"
                                    "  g: ~\n  h:\n  i: Null\n  j: nulL\n  k: tRUE\n  l: \"on\"\n").documents[0]
    assert doc.obj["spec"] == {"a": True, "b": "yes", "c": True, "d": True, "e": False, "f": False,
                               "g": None, "h": None, "i": None, "j": "nulL", "k": "tRUE", "l": "on"}


def test_numbers_resolve_like_go_yaml():
    doc = load_manifests(SVC_HEAD + "spec:\n  hex: 0x1F\n  oct: 0777\n  oct2: 0o17\n  bin: 0b101\n"
                                    "  under: 1_000\n  exp: 1e3\n  dot: .5\n  plus: +12\n  leading: 08\n"
                                    "  sexa: 1:20\n  big: 18446744073709551616\n  bad: 12e\n").documents[0]
    spec = doc.obj["spec"]
    assert spec["hex"] == 31 and spec["oct"] == 511 and spec["oct2"] == 15 and spec["bin"] == 5
    assert spec["under"] == 1000 and spec["plus"] == 12
    assert spec["exp"] == 1000.0 and isinstance(spec["exp"], float)
    assert spec["dot"] == 0.5 and spec["leading"] == 8.0
    assert spec["sexa"] == "1:20" and spec["bad"] == "12e"
    assert spec["big"] == 1.8446744073709552e19


def test_timestamps_stay_strings_and_keys_become_json_strings():
    doc = load_manifests(SVC_HEAD + "spec:\n  t: 2024-01-01\n  ts: 2024-01-01T10:00:00Z\n"
                                    "  1: one\n  true: t\n  on: o\n  1.5: x\n").documents[0]
    assert doc.obj["spec"] == {"t": "2024-01-01", "ts": "2024-01-01T10:00:00Z", "1": "one", "true": "o", "1.5": "x"}


def test_explicit_tags():
    doc = load_manifests(SVC_HEAD + "spec:\n  a: !!str 123\n  b: !!int \"12\"\n  c: !!binary aGVsbG8=\n"
                                    "  d: !!float 3\n  e: !custom bar\n  f: ! 12\n").documents[0]
    assert doc.obj["spec"] == {"a": "123", "b": 12, "c": "hello", "d": 3.0, "e": "bar", "f": "12"}


def test_tag_mismatch_is_go_yamls_error():
    err = only_error(SVC_HEAD + "spec:\n  a: !!int abc\n")
    assert err.kubectl_message() == (
        "error: error parsing svc.yaml: error converting YAML to JSON: yaml: cannot decode !!str `abc` as a !!int")
    assert (err.line, err.column) == (6, 6)


def test_merge_keys_follow_go_yaml_order():
    doc = load_manifests(SVC_HEAD + "spec:\n  a: {<<: {p: 1, q: 2}, q: 3}\n  b: {q: 3, <<: {p: 1, q: 2}}\n"
                                    "  c: {<<: [{p: 1}, {p: 2, r: 3}]}\n").documents[0]
    assert doc.obj["spec"] == {"a": {"p": 1, "q": 3}, "b": {"q": 2, "p": 1}, "c": {"p": 1, "r": 3}}


def test_infinity_and_nan_cannot_become_json():
    err = only_error(SVC_HEAD + "spec:\n  a: 1\n  b: .inf\n")
    assert err.kubectl_message() == (
        "error: error parsing svc.yaml: error converting YAML to JSON: json: unsupported value: +Inf")
    assert (err.line, err.column) == (7, 6)
    assert "NaN" in only_error(SVC_HEAD + "spec:\n  b: .NaN\n").detail


def test_null_and_collection_keys_are_refused_like_sigs_yaml():
    err = only_error(SVC_HEAD + "spec:\n  ~: tl\n")
    assert err.detail == ('error parsing svc.yaml: error converting YAML to JSON: unsupported map key of type: '
                          '%!s(<nil>), key: <nil>, value: "tl"')
    err = only_error(SVC_HEAD + "spec:\n  [a, b]: seq\n")
    assert err.detail == ('error parsing svc.yaml: error converting YAML to JSON: yaml: invalid map key: '
                          '[]interface {}{"a", "b"}')


def test_duplicate_keys_keep_the_last_value_and_are_recorded():
    result = load_manifests(SVC_HEAD + "  name: z\nspec:\n  ports:\n  - port: 80\n    port: 81\n")
    doc = result.documents[0]
    assert result.ok
    assert doc.obj["metadata"]["name"] == "z"
    assert doc.obj["spec"]["ports"][0]["port"] == 81
    assert [(d.path, d.line, d.column, d.first_line, d.first_column) for d in doc.duplicates] == [
        ("metadata.name", 5, 3, 4, 3),
        ("spec.ports[0].port", 9, 5, 8, 5),
    ]
    assert doc.value_position("spec.ports[0].port") == (9, 11)


# --------------------------------------------------------------------------- kubectl's syntax errors


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        # All of these were checked against kubectl v1.32 (kubectl apply --dry-run=client -f).
        ("apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n",
         "yaml: line 4: found character that cannot start any token", 4, 1),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: \"x\n",
         "yaml: line 5: found unexpected end of stream", 5, 1),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   foo: y\n",
         "yaml: line 5: mapping values are not allowed in this context", 5, 7),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n name: y\n",
         "yaml: line 4: did not find expected key", 5, 2),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n  - port: 80\n  - port: [\n",
         "yaml: line 8: did not find expected node content", 9, 1),
        ("a: b: c\n", "yaml: mapping values are not allowed in this context", 1, 5),
        ("a: [\n", "yaml: line 1: did not find expected node content", 2, 1),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n  - port: 80\n    nodePort: 30080\n"
         "  selector: a: b\n", "yaml: line 9: mapping values are not allowed in this context", 9, 14),
    ],
)
def test_yaml_syntax_errors_match_kubectl(text, message, line, column):
    err = only_error(text, "svc.yaml")
    assert err.kubectl_message() == f"error: error parsing svc.yaml: error converting YAML to JSON: {message}"
    assert (err.source, err.line, err.column) == ("svc.yaml", line, column)
    assert str(err) == f"svc.yaml:{line}:{column}: {err.message}"


def test_error_lines_in_messages_are_relative_to_the_document_as_kubectl_prints_them():
    text = SVC_HEAD + "---\n\n\napiVersion: v1\nkind: Service\nmetadata:\n name: b\n  foo: 1\n"
    result = load_manifests(text, "multi.yaml")
    assert [d.obj["metadata"]["name"] for d in result.documents] == ["x"]
    (err,) = result.errors
    assert err.kubectl_message() == ("error: error parsing multi.yaml: error converting YAML to JSON: "
                                     "yaml: line 7: mapping values are not allowed in this context")
    assert (err.line, err.column) == (12, 6)


def test_stdin_is_called_STDIN():
    err = only_error("a: b: c\n", "-")
    assert err.kubectl_message() == ("error: error parsing STDIN: error converting YAML to JSON: "
                                     "yaml: mapping values are not allowed in this context")


def test_stop_at_first_error_or_keep_going():
    text = "a: b: c\n---\n" + SVC_HEAD + "---\nx: [\n---\n" + SVC_HEAD
    stopped = load_manifests(text, "s.yaml")
    assert (len(stopped.documents), len(stopped.errors)) == (0, 1)
    going = load_manifests(text, "s.yaml", stop_at_first_error=False)
    assert (len(going.documents), len(going.errors)) == (2, 2)
    assert [d.index for d in going.documents] == [1, 3]


def test_bad_document_separator_drops_the_open_document_like_yamlreader():
    text = SVC_HEAD + "---\n" + SVC_HEAD.replace("x", "b") + "--- foo\n" + SVC_HEAD.replace("x", "c")
    result = load_manifests(text, "sep.yaml")
    assert [d.obj["metadata"]["name"] for d in result.documents] == ["x"]
    (err,) = result.errors
    assert err.kubectl_message() == "error: error parsing sep.yaml: invalid Yaml document separator: foo"
    assert err.line == 10


def test_separator_with_comment_and_document_end_marker():
    result = load_manifests(SVC_HEAD + "--- # next\n" + SVC_HEAD + "...\nignored: [\n")
    assert result.ok and len(result.documents) == 2


def test_control_characters_are_refused():
    err = only_error((SVC_HEAD + "\x00\n").encode(), "l7.yaml")
    assert err.kubectl_message() == ("error: error parsing l7.yaml: error converting YAML to JSON: "
                                     "yaml: control characters are not allowed")
    assert err.line == 5


# --------------------------------------------------------------------------- encodings


def test_latin1_bytes_are_refused_with_position():
    err = only_error(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n", "latin1.yaml")
    assert err.kubectl_message() == ("error: error parsing latin1.yaml: error converting YAML to JSON: "
                                     "yaml: invalid trailing UTF-8 octet")
    assert (err.line, err.column) == (4, 12)
    assert err.message == "invalid trailing UTF-8 octet: byte 0xe9 is not valid UTF-8; save the file as UTF-8"


def test_stray_leading_byte_is_refused():
    err = only_error(b"\x80apiVersion: v1\n", "l5.yaml")
    assert err.detail.endswith("yaml: invalid leading UTF-8 octet")
    assert (err.line, err.column) == (1, 1)


def test_utf8_bom_and_utf16_are_read():
    assert load_manifests(b"\xef\xbb\xbf" + SVC_HEAD.encode()).documents[0].obj["kind"] == "Service"
    assert load_manifests(SVC_HEAD.encode("utf-16")).documents[0].obj["metadata"]["name"] == "x"
    assert load_manifests("\ufeff" + SVC_HEAD).documents[0].obj["kind"] == "Service"


# --------------------------------------------------------------------------- refusals


def test_anchors_are_refused_before_any_expansion():
    err = only_error(SVC_HEAD + "  labels:\n    a: &v x\n    b: *v\n", "alias.yaml")
    assert err.kubectl_message() == ('error: error parsing alias.yaml: error converting YAML to JSON: '
                                     'yaml: line 6: found anchor "&v"; anchors and aliases are not supported')
    assert (err.line, err.column) == (6, 8)


def test_alias_without_anchor_is_refused():
    err = only_error(SVC_HEAD + "spec: *nothing\n", "a.yaml")
    assert err.kubectl_message() == ("error: error parsing a.yaml: error converting YAML to JSON: "
                                     "yaml: unknown anchor 'nothing' referenced")
    assert (err.line, err.column) == (5, 7)


def test_a_later_syntax_error_wins_over_the_anchor_refusal_as_in_kubectl():
    err = only_error(SVC_HEAD + "spec:\n  a: &x 1\n  b: [1, 2\n", "a.yaml")
    assert err.kubectl_message() == ("error: error parsing a.yaml: error converting YAML to JSON: "
                                     "yaml: line 7: did not find expected ',' or ']'")


def test_billion_laughs_is_refused_quickly():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]")
    start = time.perf_counter()
    err = only_error("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - start < 0.5
    assert err.message == 'found anchor "&a0"; anchors and aliases are not supported'
    assert (err.line, err.column) == (1, 5)


def test_nesting_deeper_than_the_limit_is_refused():
    at_limit = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load_manifests(at_limit).ok
    over = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    err = only_error(over, "deep.yaml")
    assert err.message == f"exceeded max depth of {MAX_DEPTH}"
    assert err.kubectl_message() == (f"error: error parsing deep.yaml: error converting YAML to JSON: "
                                     f"yaml: line 1: exceeded max depth of {MAX_DEPTH}")
    assert (err.line, err.column) == (1, 4 + MAX_DEPTH - 1)
    block = "".join("  " * i + f"k{i}:\n" for i in range(150)) + "  " * 150 + "v: 1\n"
    assert only_error(block).message == f"exceeded max depth of {MAX_DEPTH}"
    assert only_error("[" * 100_000).message == f"exceeded max depth of {MAX_DEPTH}"
    assert only_error('{"a":' * 100_000).message == f"exceeded max depth of {MAX_DEPTH}"
    # "{{" is not even JSON: encoding/json wants a key there, and so do we.
    assert only_error("{" * 100_000).message == "invalid character '{' looking for beginning of object key string"


def test_huge_input_is_refused_before_parsing():
    start = time.perf_counter()
    err = only_error(b"a" * (MAX_INPUT_BYTES + 1), "big.yaml")
    assert time.perf_counter() - start < 0.5
    assert err.message == f"input is {MAX_INPUT_BYTES + 1} bytes, over the {MAX_INPUT_BYTES}-byte limit"
    assert err.kubectl_message() == f"error: error parsing big.yaml: {err.message}"


def test_huge_document_is_refused_but_others_load():
    big = SVC_HEAD + "  annotations:\n    a: " + "x" * MAX_DOCUMENT_BYTES + "\n"
    result = load_manifests(SVC_HEAD + "---\n" + big, "big.yaml", stop_at_first_error=False)
    assert len(result.documents) == 1
    (err,) = result.errors
    assert err.line == 6
    assert err.message.startswith("document 2 is ") and err.message.endswith(f"over the {MAX_DOCUMENT_BYTES}-byte limit")


def test_wrong_input_types_are_errors_not_exceptions():
    err = only_error(12345, "x")  # type: ignore[arg-type]
    assert err.message == "cannot read manifests from a int"


def test_lone_surrogate_in_text_is_an_error():
    err = only_error(SVC_HEAD + "  labels: {a: \ud800}\n")
    assert "lone surrogate" in err.message


# --------------------------------------------------------------------------- documents


def test_empty_documents_are_skipped():
    assert load_manifests("").documents == []
    assert load_manifests("---\n---\n# only a comment\n---\n~\n").documents == []
    result = load_manifests("---\n" + SVC_HEAD + "---\n\n---\n" + SVC_HEAD)
    assert [d.index for d in result.documents] == [0, 1]
    assert [d.line for d in result.documents] == [2, 9]


@pytest.mark.parametrize("text", ["hello\n", "- a\n- b\n", "42\n"])
def test_non_mapping_documents_fail_validation_like_kubectl(text):
    err = only_error(text, "scalar.yaml")
    assert err.kubectl_message() == (
        'error: error validating "scalar.yaml": error validating data: invalid object to validate; '
        "if you choose to ignore these errors, turn validation off with --validate=false")
    assert (err.line, err.column) == (1, 1)


def test_kind_list_is_expanded_and_items_keep_their_lines():
    text = ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n"
            "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: b\n    name: c\n")
    docs = load_manifests(text, "list.yaml").documents
    assert [(d.obj["kind"], d.line, d.column, d.index, d.item) for d in docs] == [
        ("Service", 4, 3, 0, 0), ("Deployment", 8, 3, 0, 1)]
    assert docs[1].position("metadata.name") == (12, 5)
    assert [(d.path, d.line) for d in docs[1].duplicates] == [("metadata.name", 12)]


def test_typed_lists_give_items_their_kind_like_decode_to_list():
    text = ("apiVersion: v1\nkind: ServiceList\nitems:\n- metadata:\n    name: a\n"
            "- kind: Pod\n  metadata:\n    name: b\n")
    docs = load_manifests(text).documents
    assert docs[0].obj == {"metadata": {"name": "a"}, "kind": "Service", "apiVersion": "v1"}
    assert docs[1].obj == {"kind": "Pod", "metadata": {"name": "b"}}


def test_list_with_a_non_object_item_is_an_error():
    err = only_error("apiVersion: v1\nkind: List\nitems:\n- hello\n", "l.yaml")
    assert err.kubectl_message() == ('error: unable to decode "l.yaml": json: cannot unmarshal string into Go value '
                                     'of type map[string]interface {}')
    assert err.line == 4


# --------------------------------------------------------------------------- JSON


def test_json_stream_loads_with_positions():
    text = json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}, indent=2) + "\n" + \
        '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b", "name": "c"}, "spec": {"x": 1e3}}\n'
    result = load_manifests(text, "svc.json")
    assert result.ok
    first, second = result.documents
    assert first.position("metadata.name") == (5, 5)
    assert (second.line, second.index) == (8, 1)
    assert second.obj["metadata"] == {"name": "c"}
    assert second.obj["spec"]["x"] == 1000.0
    assert [d.path for d in second.duplicates] == ["metadata.name"]


def test_json_syntax_error_matches_kubectl():
    text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "x",}\n}\n'
    err = only_error(text, "bad.json")
    assert err.kubectl_message() == ("error: error parsing bad.json: json: offset 73: invalid character '}' "
                                     "looking for beginning of object key string")
    assert (err.line, err.column) == (4, 28)


def test_huge_json_document_is_refused():
    big = json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x", "annotations": {
        "a": "x" * MAX_DOCUMENT_BYTES}}})
    result = load_manifests('{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}\n' + big, "b.json",
                            stop_at_first_error=False)
    assert [d.obj["metadata"]["name"] for d in result.documents] == ["a"]
    assert [str(e) for e in result.errors] == [f"b.json:2:1: document 2 is {len(big)} bytes, over the "
                                              f"{MAX_DOCUMENT_BYTES}-byte limit"]


def test_truncated_json_is_unexpected_eof():
    err = only_error('{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "x"}\n', "bad2.json")
    assert err.kubectl_message() == "error: error parsing bad2.json: unexpected EOF"


def test_json_literal_errors():
    err = only_error('{"a": tru}', "t.json")
    assert err.detail == "error parsing t.json: json: offset 10: invalid character '}' in literal true (expecting 'e')"


# --------------------------------------------------------------------------- robustness


def test_go_json_matches_go():
    assert manifests.go_json({"b": [1, 2.5, None, True], "a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,null,true]}'
    assert manifests.go_json_float(80.0) == "80"
    assert manifests.go_json_float(1e21) == "1e+21"
    assert manifests.go_json_float(1e20) == "100000000000000000000"
    assert manifests.go_json_float(1.5e-7) == "1.5e-7"


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    result = load_manifests(data, "fuzz.yaml")
    for doc in result.documents:
        assert isinstance(doc, Document) and isinstance(doc.obj, dict)
    for err in result.errors:
        assert err.kubectl_message().startswith("error: ")


_yamlish = st.text(alphabet=st.sampled_from(list("ab:- \n\t[]{}&*!|>'\"#%@`,?~.0123456789\\")), max_size=200)


@settings(max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_yamlish)
def test_random_yaml_punctuation_never_raises(text):
    result = load_manifests(text, "fuzz.yaml", stop_at_first_error=False)
    for doc in result.documents:
        doc.position("a.b[0]")
        assert isinstance(doc.obj, dict)
