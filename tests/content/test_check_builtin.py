"""`check` on built-in drills and troubleshooting items: right, partly right and wrong answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.content.loader import builtin_content_dir, load_pack
from tests.seed import SEED_SERVICE_30080, SEED_SERVICE_31000

PACK = load_pack(builtin_content_dir() / "nodeport").pack


def _seed_svc(target: int, node_port: int) -> str:
    return SEED_SERVICE_30080.replace("targetPort: 3000", f"targetPort: {target}").replace(
        "nodePort: 30080", f"nodePort: {node_port}")


def _local(policy: str, node_port: int) -> str:
    return SEED_SERVICE_31000.replace("targetPort: 80", "targetPort: 8080").replace(
        "nodePort: 31000", f"nodePort: {node_port}").replace("  type: NodePort\n", f"  type: NodePort\n  {policy}\n")

# item id -> (file name, partly right answer, wrong answer)
CASES = {
    # targetPort right, nodePort left to chance: reachable inside, not on 30080.
    "d-seed-port-3000": ("web-frontend-svc.yaml", _seed_svc(3000, 30081),
                         _seed_svc(80, 30080).replace("type: NodePort", "type: ClusterIP")
                         .replace("    nodePort: 30080\n", "")),
    # Local policy but the nodePort moved; or the wrong knob (internalTrafficPolicy).
    "d-local-client-ip": ("web-frontend-svc.yaml", _local("externalTrafficPolicy: Local", 31001),
                          _local("internalTrafficPolicy: Local", 31001)),
    # Only the site port; or both ports with the nodePorts swapped.
    "d-two-ports": ("shop-svc.yaml", None, None),
}


def _check(capsys, item: str, *argv: str) -> tuple[int, dict]:
    code = main(["check", item, "--json", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _two_ports(swap: bool, metrics: bool = True) -> str:
    text = PACK.item("d-two-ports").solutions[0].files["shop-svc.yaml"]
    if not metrics:
        return text.split("  - name: metrics")[0]
    return text.replace("30180", "X").replace("30192", "30180").replace("X", "30192") if swap else text


@pytest.mark.parametrize("item_id", sorted(CASES))
def test_right_partly_right_and_wrong_drill_answers(item_id: str, tmp_path: Path, capsys) -> None:
    item = PACK.item(item_id)
    name, partly, wrong = CASES[item_id]
    if item_id == "d-two-ports":
        partly, wrong = _two_ports(False, metrics=False), _two_ports(True)
    answer = tmp_path / name
    answer.write_text(item.solutions[0].files[name])
    code, right = _check(capsys, item_id, "-f", str(answer))
    assert code == 0 and right["passed"] and right["score"] == right["max_score"]
    answer.write_text(partly)
    code, half = _check(capsys, item_id, "-f", str(answer))
    assert code == 1 and 0 < half["score"] < half["max_score"], half
    answer.write_text(wrong)
    code, bad = _check(capsys, item_id, "-f", str(answer))
    assert code == 1 and not bad["passed"] and bad["score"] < half["score"], bad
    failed = [c for c in bad["checks"] if not c["passed"]]
    assert failed and all(c["message"] and c["why"] and c["expected"] and c["observed"] for c in failed)


def test_a_troubleshooting_fix_given_as_commands(tmp_path: Path, capsys) -> None:
    fix = tmp_path / "fix.sh"
    fix.write_text("kubectl patch svc web-frontend -p '{\"spec\":{\"selector\":{\"app\":\"web-frontend\"}}}'\n")
    code, right = _check(capsys, "t-selector-typo", "-f", str(fix))
    assert code == 0 and right["passed"]
    # Recreating the Service fixes the selector but gives up nodePort 31000.
    fix.write_text("kubectl delete svc web-frontend\n"
                   "kubectl expose deployment web-frontend --type=NodePort --port=80\n")
    code, half = _check(capsys, "t-selector-typo", "-f", str(fix))
    assert code == 1 and 0 < half["score"] < half["max_score"]
    verdicts = {c["id"]: c["passed"] for c in half["checks"]}
    assert verdicts["three-endpoints"] and not verdicts["still-31000"]
    # Looking is not fixing: the probe reports where the path broke.
    code, bad = _check(capsys, "t-selector-typo", "--answer", "kubectl get endpointslices")
    assert code == 1 and bad["score"] < half["score"]
    probe = next(c for c in bad["checks"] if c["id"] == "answers-everywhere")
    assert not probe["passed"] and "REJECT" in probe["hop"]
