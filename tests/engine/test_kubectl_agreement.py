"""The loader's and decoder's error texts against the real kubectl binary (skipped without it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from trainer.engine.manifests import load_manifests
from trainer.engine.schema import decode

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

BROKEN_YAML = {
    "bad-indent": "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   bad: indent\n",
    "tab": "apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n",
    "unclosed-flow": "apiVersion: v1\nkind: Service\nspec: {ports: [80, 81}\n",
    "first-of-two": "apiVersion: v1\nkind: [\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
    "stray-dash": "apiVersion: v1\n- kind: Service\n",
}

WRONG_TYPES = {
    "port-string": "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports:\n  - port: \"80\"\n",
    "labels-list": "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels: [a, b]\n",
    "replicas-bool": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: yes\n"
                      "  selector: {matchLabels: {a: b}}\n"),
    "ports-map": "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: {port: 80}\n",
}


def kubectl(*args: str) -> str:
    env = dict(os.environ, KUBECONFIG=os.devnull)
    result = subprocess.run([KUBECTL, *args], capture_output=True, text=True, timeout=60, env=env)
    return result.stderr.strip()


@pytest.mark.parametrize("name", sorted(BROKEN_YAML))
def test_yaml_syntax_errors_match_kubectl(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(BROKEN_YAML[name])
    real = kubectl("create", "--dry-run=client", "-o", "name", "-f", str(path))
    ours = load_manifests(path.read_bytes(), str(path)).errors
    assert ours, real
    assert ours[0].kubectl_message() == real


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_type_errors_match_the_go_decoder(tmp_path: Path, name: str) -> None:
    # `kubectl set --local` decodes with the same Go types the apiserver uses.
    path = tmp_path / f"{name}.yaml"
    path.write_text(WRONG_TYPES[name])
    real = kubectl("set", "selector", "--local", "-o", "name", "-f", str(path), "a=b")
    prefix = f'error: unable to decode "{path}": '
    assert real.startswith(prefix), real
    [doc] = load_manifests(path.read_bytes(), str(path)).documents
    status = decode(doc.obj).status
    assert status is not None
    assert status.message.endswith(": " + real[len(prefix):])
