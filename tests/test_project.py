"""Project-level checks: the headless layers, a non-editable install, and --help everywhere."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_only_the_tui_imports_textual() -> None:
    offenders = []
    for path in (ROOT / "trainer").rglob("*.py"):
        if "tui" in path.relative_to(ROOT / "trainer").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path}:{node.lineno}" for n in names if n == "textual" or n.startswith("textual.")]
    assert offenders == []


def test_import_linter_contract() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("args", [[], ["cluster"], ["trace"], ["fixture"], ["sandbox"]])
def test_every_command_has_help(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "trainer", *args, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("usage: nodeport-trainer")


def test_non_editable_install_works_outside_the_repo(tmp_path: Path) -> None:
    target = tmp_path / "site"
    build = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                            str(ROOT)], capture_output=True, text=True, timeout=300)
    if build.returncode != 0 and "setuptools" in build.stderr and "Could not find" in build.stderr:
        pytest.skip("no package index to fetch the build backend from")
    assert build.returncode == 0, build.stderr
    env = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run([sys.executable, "-m", "trainer", "cluster"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "controlplane" in result.stdout and "10.96.0.1" in result.stdout
    assert str(target) in subprocess.run([sys.executable, "-c", "import trainer; print(trainer.__file__)"],
                                         cwd=tmp_path, env=env, capture_output=True, text=True).stdout


def test_a_built_package_has_every_data_file(tmp_path: Path) -> None:
    """`pip install .` ships what the code reads: every non-Python file in trainer/ and all of content/."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "setup.py", "-q", "build", "--build-base", str(tmp_path / "b")],
                         cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    (lib,) = [p for p in (tmp_path / "b").iterdir() if p.name.startswith("lib")]
    wanted = [p.relative_to(root) for p in (root / "trainer").rglob("*")
              if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    wanted += [Path("trainer/builtin_content") / p.relative_to(root / "content") for p in (root / "content").rglob("*")
               if p.is_file() and p.suffix in (".yaml", ".md")]
    missing = [str(p) for p in wanted if not (lib / p).is_file()]
    assert wanted and missing == []
