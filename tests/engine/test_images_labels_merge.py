"""The image catalogue, label selectors, and kubectl apply's three-way merge."""

from __future__ import annotations

from trainer.engine import images
from trainer.engine.labels import from_label_selector, from_match_labels, parse_selector
from trainer.engine.merge import LAST_APPLIED, annotate, last_applied, three_way


def test_nginx_listens_on_80_whatever_containerport_says() -> None:
    c = {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 3000}]}
    assert [(l.port, l.protocol) for l in images.listeners(c)] == [(80, "TCP")]
    assert images.listening(c, 3000) is None
    resp = images.respond(images.listening(c, 80), c, pod_name="p", client="1.2.3.4:5")
    assert resp.status == 200 and "<title>Welcome to nginx!</title>" in resp.body
    assert resp.headers["Server"] == "nginx/1.27.5"


def test_port_from_args_or_environment() -> None:
    echo = {"image": "hashicorp/http-echo:1.0", "args": ["-listen=:3000", "-text=frontend"]}
    assert [l.port for l in images.listeners(echo)] == [3000]
    assert images.respond(images.listeners(echo)[0], echo, pod_name="p", client="x").body == "frontend\n"
    agn = {"image": "registry.k8s.io/e2e-test-images/agnhost:2.53", "args": ["netexec", "--http-port=3000"]}
    lst = images.listening(agn, 3000)
    assert lst is not None
    assert images.respond(lst, agn, pod_name="web-1", client="10.0.0.11:4242", path="/clientip").body == "10.0.0.11:4242"
    app = {"image": "example.com/shop/frontend:2.1", "env": [{"name": "PORT", "value": "3000"}],
           "ports": [{"containerPort": 8080}]}
    assert [l.port for l in images.listeners(app)] == [3000]


def test_generic_image_listens_on_declared_ports_and_tools_listen_nowhere() -> None:
    app = {"image": "example.com/api:1", "ports": [{"containerPort": 8080}, {"containerPort": 9000, "protocol": "UDP"}]}
    assert [(l.port, l.protocol) for l in images.listeners(app)] == [(8080, "TCP"), (9000, "UDP")]
    assert images.listeners({"image": "busybox:1.36", "ports": [{"containerPort": 80}]}) == []
    assert images.split_image("docker.io/library/nginx:1.27") == ("nginx", "1.27")
    assert images.split_image("localhost:5000/app") == ("localhost:5000/app", "latest")


def test_selector_syntax() -> None:
    sel = parse_selector("app=web,tier!=db,env in (prod, staging),!legacy,team")
    assert sel.matches({"app": "web", "env": "prod", "team": "a"})
    assert not sel.matches({"app": "web", "env": "prod", "team": "a", "legacy": "1"})
    assert not sel.matches({"app": "web", "env": "dev", "team": "a"})
    assert parse_selector("app=web,") .matches({"app": "web"})
    assert isinstance(parse_selector("app in web"), str)
    assert not from_match_labels({}).matches({"a": "b"})  # a Service's empty selector selects nothing
    assert from_label_selector({}).matches({"a": "b"})  # an empty LabelSelector selects everything
    expr = from_label_selector({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["x"]}]})
    assert expr.matches({"app": "y"}) and not expr.matches({"app": "x"})


def test_three_way_keeps_server_fields_and_drops_removed_ones() -> None:
    original = {"spec": {"type": "NodePort", "selector": {"app": "a", "old": "x"},
                         "ports": [{"port": 80, "nodePort": 31000}]}}
    modified = {"spec": {"type": "NodePort", "selector": {"app": "a"}, "ports": [{"port": 80}, {"port": 443}]}}
    current = {"spec": {"type": "NodePort", "clusterIP": "10.96.0.5", "selector": {"app": "a", "old": "x"},
                        "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP", "targetPort": 80}]}}
    merged = three_way(original, modified, current)
    assert merged["spec"]["clusterIP"] == "10.96.0.5"
    assert merged["spec"]["selector"] == {"app": "a"}
    assert merged["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}, {"port": 443}]


def test_last_applied_annotation_round_trips() -> None:
    obj = annotate({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}})
    raw = obj["metadata"]["annotations"][LAST_APPLIED]
    assert raw.endswith("\n") and raw.startswith('{"apiVersion":"v1"')
    assert last_applied(obj) == {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}
