"""The partial-sync machinery: the blocked text map and the change tracker."""

from __future__ import annotations

import random

from trainer.engine.proxy.textmap import BLOCK, BlockedTextMap
from trainer.engine.proxy.tracker import ClusterTracker


def test_blocked_text_map_matches_a_plain_sorted_join() -> None:
    rng = random.Random(7)
    model: dict[str, tuple[str, str]] = {}
    tm = BlockedTextMap(2)
    tm.load((f"k{i:05d}", (f"a{i};", f"b{i};")) for i in range(0, 3 * BLOCK, 3))
    model.update({f"k{i:05d}": (f"a{i};", f"b{i};") for i in range(0, 3 * BLOCK, 3)})
    for step in range(6000):
        key = f"k{rng.randrange(4 * BLOCK):05d}"
        if key in model and rng.random() < 0.4:
            tm.delete(key)
            del model[key]
        else:
            value = (f"x{step};", f"y{step};")
            tm.set(key, value)
            model[key] = value
        if step % 500 == 0:
            for field in (0, 1):
                assert tm.joined(field) == "".join(model[k][field] for k in sorted(model))
    assert list(tm) == sorted(model) and len(tm) == len(model)
    assert max(len(b) for b in tm._blocks) <= 2 * BLOCK


def _svc(name: str, rv: str) -> dict:
    return {"metadata": {"namespace": "ns", "name": name, "resourceVersion": rv}, "spec": {}}


def _slice(name: str, svc: str, rv: str | None) -> dict:
    meta = {"namespace": "ns", "name": name, "labels": {"kubernetes.io/service-name": svc}}
    if rv:
        meta["resourceVersion"] = rv
    return {"metadata": meta, "endpoints": []}


def test_tracker_reports_changes_like_informer_events() -> None:
    tracker = ClusterTracker()
    a, b = _svc("a", "1"), _svc("b", "2")
    sa, sb = _slice("a-1", "a", "3"), _slice("b-1", "b", None)
    assert tracker.update([a, b], [sa, sb]) == ({("ns", "a"), ("ns", "b")}, [])
    assert tracker.update([a, b], [sa, sb]) == (set(), [])
    # In-place write with a new resourceVersion (like a controller's status write).
    a["metadata"]["resourceVersion"] = "4"
    assert tracker.update([a, b], [sa, sb]) == ({("ns", "a")}, [])
    # A replaced object with the same version is re-examined (cheap to re-derive, never missed).
    assert tracker.update([a, dict(b)], [sa, sb]) == ({("ns", "b")}, [])
    # Without a resourceVersion the content itself is compared.
    sb["endpoints"].append({"addresses": ["10.0.0.1"]})
    assert tracker.update([a, b], [sa, sb])[0] == {("ns", "b")}
    # A slice moving to another Service dirties both.
    sa2 = _slice("a-1", "b", "5")
    assert tracker.update([a, b], [sa2, sb]) == ({("ns", "a"), ("ns", "b")}, [])
    assert [s["metadata"]["name"] for s in tracker.slices_of(("ns", "b"))] == ["b-1", "a-1"]
    # Deletions.
    assert tracker.update([b], [sb]) == ({("ns", "b")}, [("ns", "a")])
    assert tracker.service(("ns", "a")) is None and tracker.slices_of(("ns", "a")) == []
