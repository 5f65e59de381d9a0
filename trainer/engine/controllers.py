"""The control loops: Deployment, ReplicaSet, scheduler, kubelet, node lifecycle, GC."""

from __future__ import annotations

import ipaddress
import json

from . import images
from .apiserver import NAME_ALPHABET, ApiServer, random_suffix
from .endpoints import sync_endpoints
from .labels import from_label_selector
from .objects import (condition, copy, internal_ip, is_terminating, labels_of, name_of, namespace_of, parse_time,
                      set_condition)

NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
DEFAULT_TOLERATION_SECONDS = 300
BURST_REPLICAS = 500


def template_hash(template: dict) -> str:
    """The pod-template-hash label value: FNV-32a of the template, safe-encoded like upstream."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(NAME_ALPHABET[ord(c) % len(NAME_ALPHABET)] for c in str(h))


def owner_ref(owner: dict) -> dict:
    """A controller ownerReference to ``owner``."""
    return {
        "apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": name_of(owner),
        "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True,
    }


def controller_of(obj: dict) -> dict | None:
    """The ownerReference marked controller, if any."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


class Controllers:
    """Runs every control loop against the apiserver until nothing changes."""

    MAX_PASSES = 20

    def __init__(self, api: ApiServer) -> None:
        self.api = api
        self._next_ip: dict[str, int] = {}
        self._used_ips: dict[str, set[str]] | None = None
        self._seen: dict[str, tuple[int, ...]] = {}
        self._create_budget = BURST_REPLICAS

    def reconcile(self) -> None:
        """Settle the cluster: run every loop until a pass writes nothing."""
        if not self.api.up:
            # Controllers and the scheduler talk to the apiserver; while it is down they wait.
            return
        # Like the ReplicaSet controller's burstReplicas, Pod creation is rationed: a huge
        # replica count fills in over several reconciles instead of all at once.
        self._create_budget = BURST_REPLICAS
        for _ in range(self.MAX_PASSES):
            before = self.api._rv
            # Loops that act on time (evictions, grace periods) also rerun when the clock moves.
            self._gated("nodes", ("Node", "Pod"), self.node_lifecycle, timed=True)
            self._gated("deployments", ("Deployment", "ReplicaSet", "Pod"), self.deployments)
            self._gated("replicasets", ("ReplicaSet", "Pod"), self.replicasets)
            self._gated("gc", ("Deployment", "ReplicaSet", "Pod", "Node"), self.garbage_collect)
            self._gated("scheduler", ("Pod", "Node"), self.schedule)
            self._gated("kubelet", ("Pod", "Node"), self.kubelet, timed=True)
            self._gated("endpoints", ("Service", "Pod", "Node", "EndpointSlice", "Endpoints"),
                        lambda: sync_endpoints(self.api))
            if self.api._rv == before:
                return

    def _gated(self, loop: str, kinds: tuple[str, ...], run, timed: bool = False) -> None:
        """Run a loop only when one of the kinds it reads (or, if timed, the clock) has changed."""
        seen = self.api.version(*kinds) + ((self.api.clock.now,) if timed else ())
        if self._seen.get(loop) == seen:
            return
        run()
        # Record the versions the loop started from: if it wrote to its own inputs it runs
        # again next pass, and a pass that changes nothing settles it.
        self._seen[loop] = seen

    # ----------------------------------------------------------------- nodes

    def node_lifecycle(self) -> None:
        """Taint nodes that are not Ready or cordoned, mark their Pods unready, evict late.

        As upstream's node lifecycle controller: Ready=False taints not-ready, Ready=Unknown
        (the kubelet stopped reporting) taints unreachable; Pods are evicted once the
        NoExecute taint has been there longer than they tolerate it (300 s by default).
        """
        api = self.api
        now = api.clock.now
        for node in api.iter("Node"):
            ready = condition(node, "Ready")
            spec = node.setdefault("spec", {})
            current = spec.get("taints") or []
            want: list[dict] = []
            if ready != "True":
                key = UNREACHABLE_TAINT if ready in (None, "Unknown") else NOT_READY_TAINT
                existing = next((t for t in current if t.get("key") == key and t.get("effect") == "NoExecute"), None)
                added = (existing or {}).get("timeAdded") or api.clock.iso()
                want += [{"key": key, "effect": "NoSchedule"}, {"key": key, "effect": "NoExecute", "timeAdded": added}]
            if spec.get("unschedulable"):
                want.append({"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"})
            managed = (NOT_READY_TAINT, UNREACHABLE_TAINT, UNSCHEDULABLE_TAINT)
            keep = [t for t in current if t.get("key") not in managed]
            old = [t for t in current if t.get("key") in managed]
            if _taint_keys(old) != _taint_keys(want):
                spec["taints"] = keep + want
                if not spec["taints"]:
                    del spec["taints"]
                api.write_status(node)
            if ready != "True":
                self._node_not_ready(node, now, want[1])

    def _node_not_ready(self, node: dict, now: float, taint: dict) -> None:
        api = self.api
        since = parse_time(taint["timeAdded"]) or now
        for pod in api.iter("Pod"):
            if pod["spec"].get("nodeName") != name_of(node):
                continue
            if condition(pod, "Ready") == "True":
                set_condition(pod, "Ready", "False", api.clock.iso())
                set_condition(pod, "ContainersReady", "False", api.clock.iso())
                api.write_status(pod)
            wait = _toleration_seconds(pod, taint["key"])
            if wait is not None and now >= since + wait and not is_terminating(pod):
                api.mark_terminating(pod)

    # ----------------------------------------------------------------- workloads

    def deployments(self) -> None:
        """Each Deployment owns one ReplicaSet per template; only the current one has replicas."""
        api = self.api
        for dep in list(api.iter("Deployment")):
            if is_terminating(dep):
                continue
            ns = namespace_of(dep)
            spec = dep["spec"]
            h = template_hash(spec.get("template") or {})
            want = int(spec.get("replicas", 1))
            owned = [rs for rs in api.iter("ReplicaSet", ns) if (controller_of(rs) or {}).get("uid") == dep["metadata"]["uid"]]
            current = next((rs for rs in owned if labels_of(rs).get("pod-template-hash") == h), None)
            if current is None:
                # A first ReplicaSet starts at full size; a rollout's new one starts empty.
                current = self._new_replicaset(dep, h, 0 if owned else want)
            self._rollout(dep, current, [rs for rs in owned if rs is not current], want)
            self._deployment_status(dep, current, owned)

    def _rollout(self, dep: dict, new: dict, olds: list[dict], want: int) -> None:
        """One step of the Deployment's strategy: scale the new ReplicaSet up and the old ones down.

        RollingUpdate keeps at most want + maxSurge Pods and at least want - maxUnavailable
        ready ones, so a new template whose Pods never become Ready stalls with the old
        Pods still serving. Recreate removes every old Pod before starting new ones.
        """
        replicas = lambda rs: int(rs["spec"].get("replicas", 0))  # noqa: E731
        ready = lambda rs: int((rs.get("status") or {}).get("readyReplicas", 0))  # noqa: E731
        strategy = dep["spec"].get("strategy") or {}
        if strategy.get("type") == "Recreate":
            for rs in olds:
                self._scale(rs, 0)
            # New Pods start only once every old one is gone, terminating ones included.
            old_uids = {rs["metadata"]["uid"] for rs in olds}
            old_pods = any((controller_of(p) or {}).get("uid") in old_uids
                           and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
                           for p in self.api.iter("Pod", namespace_of(dep)))
            self._scale(new, 0 if old_pods else want)
            return
        surge, unavailable = _fenceposts(strategy.get("rollingUpdate") or {}, want)
        total = replicas(new) + sum(replicas(rs) for rs in olds)
        if replicas(new) > want:
            self._scale(new, want)
        elif replicas(new) < want and total < want + surge:
            self._scale(new, min(want, replicas(new) + want + surge - total))
        # Unready old Pods can go at once; ready ones only while enough stay available.
        budget = ready(new) + sum(ready(rs) for rs in olds) - (want - unavailable)
        for rs in sorted(olds, key=lambda r: r["metadata"].get("creationTimestamp", "")):
            keep = replicas(rs) - max(replicas(rs) - ready(rs), 0)
            cut = min(keep, max(budget, 0))
            budget -= cut
            self._scale(rs, keep - cut)

    def _scale(self, rs: dict, replicas: int) -> None:
        if int(rs["spec"].get("replicas", 0)) != replicas:
            rs["spec"]["replicas"] = replicas
            self.api.write_status(rs)

    def _new_replicaset(self, dep: dict, h: str, replicas: int) -> dict:
        template = copy(dep["spec"].get("template") or {})
        template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = h
        selector = copy(dep["spec"].get("selector") or {})
        selector.setdefault("matchLabels", {})["pod-template-hash"] = h
        rs = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {
                "name": f"{name_of(dep)}-{h}", "namespace": namespace_of(dep),
                "labels": dict(template["metadata"]["labels"]),
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(replicas),
                    "deployment.kubernetes.io/max-replicas": str(replicas + 1),
                    "deployment.kubernetes.io/revision": str(self._revision(dep)),
                },
                "ownerReferences": [owner_ref(dep)],
            },
            "spec": {"replicas": replicas, "selector": selector, "template": template},
        }
        self.api.create(rs, decoded=True)
        return self.api.peek("ReplicaSet", rs["metadata"]["name"], namespace_of(dep))  # type: ignore[return-value]

    def _revision(self, dep: dict) -> int:
        revs = [int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", 0))
                for rs in self.api.iter("ReplicaSet", namespace_of(dep))
                if (controller_of(rs) or {}).get("uid") == dep["metadata"]["uid"]]
        rev = max(revs, default=0) + 1
        dep["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = str(rev)
        return rev

    def _deployment_status(self, dep: dict, current: dict, owned: list[dict]) -> None:
        rs_all = owned if current in owned else owned + [current]
        st = lambda rs, f: int((rs.get("status") or {}).get(f, 0))  # noqa: E731
        total = sum(st(rs, "replicas") for rs in rs_all)
        ready = sum(st(rs, "readyReplicas") for rs in rs_all)
        updated = st(current, "replicas")
        want = int(dep["spec"].get("replicas", 1))
        status = {
            "observedGeneration": dep["metadata"].get("generation", 1),
            "replicas": total, "updatedReplicas": updated, "readyReplicas": ready,
            "availableReplicas": ready, "unavailableReplicas": max(want - ready, 0),
        }
        status = {k: v for k, v in status.items() if v or k == "observedGeneration"}
        old = dep.get("status") or {}
        conds = old.get("conditions") or []
        new_status = dict(status, conditions=conds)
        probe = {"status": new_status}
        now = self.api.clock.iso()
        available = "True" if ready >= want - _max_unavailable(dep, want) else "False"
        set_condition(probe, "Available", available, now,
                      "MinimumReplicasAvailable" if available == "True" else "MinimumReplicasUnavailable",
                      "Deployment has minimum availability." if available == "True"
                      else "Deployment does not have minimum availability.")
        done = updated == want and ready == want and total == want
        set_condition(probe, "Progressing", "True", now,
                      "NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
                      f'ReplicaSet "{name_of(current)}" has successfully progressed.' if done
                      else f'ReplicaSet "{name_of(current)}" is progressing.')
        for c in probe["status"]["conditions"]:
            c.pop("lastProbeTime", None)
            c.setdefault("lastUpdateTime", now)
        if probe["status"] != old:
            dep["status"] = probe["status"]
            self.api.write_status(dep)

    def replicasets(self) -> None:
        """Create or delete Pods until each ReplicaSet has its replicas (terminating Pods don't count)."""
        api = self.api
        self._claim_pods()
        owned = self._pods_by_owner()
        for rs in list(api.iter("ReplicaSet")):
            ns = namespace_of(rs)
            uid = rs["metadata"]["uid"]
            pods = owned.get(uid, [])
            active = [p for p in pods if not is_terminating(p)]
            want = int(rs["spec"].get("replicas", 1))
            # burstReplicas: a ReplicaSet sync creates at most this many Pods at a time.
            for _ in range(max(min(want - len(active), self._create_budget), 0)):
                self._create_budget -= 1
                self._new_pod(rs)
            if len(active) > want:
                # Upstream deletes the least useful first: unscheduled, then pending, then unready, then newest.
                rank = sorted(active, key=lambda p: (bool(p["spec"].get("nodeName")),
                                                     (p.get("status") or {}).get("phase") == "Running",
                                                     condition(p, "Ready") == "True",
                                                     -(parse_time(p["metadata"].get("creationTimestamp", "")) or 0)))
                for pod in rank[: len(active) - want]:
                    if pod["spec"].get("nodeName"):
                        api.mark_terminating(pod)
                    else:
                        api.remove("Pod", (ns, name_of(pod)))
            if len(active) != want:
                pods = [p for p in api.iter("Pod", ns) if (controller_of(p) or {}).get("uid") == uid]
            active = [p for p in pods if not is_terminating(p)]
            ready = sum(1 for p in active if condition(p, "Ready") == "True")
            status = {"replicas": len(active), "fullyLabeledReplicas": len(active), "readyReplicas": ready,
                      "availableReplicas": ready, "observedGeneration": rs["metadata"].get("generation", 1)}
            status = {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
            if rs.get("status") != status:
                rs["status"] = status
                api.write_status(rs)

    def _claim_pods(self) -> None:
        """The ReplicaSet controller's ClaimPods: release owned Pods whose labels no longer match the
        selector, and adopt ownerless, non-terminating Pods that match it (the first ReplicaSet wins)."""
        api = self.api
        sets = [(rs, from_label_selector(rs["spec"].get("selector"))) for rs in api.iter("ReplicaSet")
                if not is_terminating(rs)]
        by_uid = {rs["metadata"]["uid"]: (rs, sel) for rs, sel in sets}
        for pod in list(api.iter("Pod")):
            meta = pod["metadata"]
            ref = controller_of(pod)
            if ref is not None:
                owner = by_uid.get(ref.get("uid", ""))
                if owner is not None and not owner[1].matches(labels_of(pod)) and not is_terminating(pod):
                    meta["ownerReferences"] = [r for r in meta["ownerReferences"] if r is not ref]
                    if not meta["ownerReferences"]:
                        del meta["ownerReferences"]
                    api.write_status(pod)
                continue
            if is_terminating(pod):
                continue
            for rs, sel in sets:
                if namespace_of(rs) == namespace_of(pod) and sel.requirements and sel.matches(labels_of(pod)):
                    meta.setdefault("ownerReferences", []).append(owner_ref(rs))
                    api.write_status(pod)
                    break

    def _pods_by_owner(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for pod in self.api.iter("Pod"):
            ref = controller_of(pod)
            if ref is not None:
                out.setdefault(ref.get("uid", ""), []).append(pod)
        return out

    def _new_pod(self, rs: dict) -> None:
        template = copy(rs["spec"].get("template") or {})
        md = template.get("metadata") or {}
        spec = template.get("spec") or {}
        tolerations = list(spec.get("tolerations") or [])
        # The DefaultTolerationSeconds admission plugin adds these to every Pod.
        for key in (NOT_READY_TAINT, UNREACHABLE_TAINT):
            if not any(t.get("key") == key and t.get("effect") == "NoExecute" for t in tolerations):
                tolerations.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
        spec["tolerations"] = tolerations
        pod = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {
                "name": f"{name_of(rs)}-{random_suffix(self.api.rng)}", "namespace": namespace_of(rs),
                "labels": dict(md.get("labels") or {}),
                "ownerReferences": [owner_ref(rs)],
            },
            "spec": spec,
            "status": {"phase": "Pending", "qosClass": "BestEffort"},
        }
        if md.get("annotations"):
            pod["metadata"]["annotations"] = dict(md["annotations"])
        self.api.create(pod, decoded=True)

    def garbage_collect(self) -> None:
        """Delete objects whose controller owner is gone, and Pods bound to deleted nodes (PodGC)."""
        api = self.api
        nodes = {name_of(n) for n in api.iter("Node")}
        for pod in list(api.iter("Pod")):
            node_name = pod["spec"].get("nodeName")
            if node_name and node_name not in nodes:
                api.remove("Pod", (namespace_of(pod), name_of(pod)))
        for kind in ("ReplicaSet", "Pod"):
            owner_kind = "Deployment" if kind == "ReplicaSet" else "ReplicaSet"
            uids = {o["metadata"]["uid"] for o in api.iter(owner_kind)}
            for obj in list(api.iter(kind)):
                ref = controller_of(obj)
                if ref is None or ref.get("kind") != owner_kind or ref.get("uid") in uids:
                    continue
                if kind == "Pod" and obj["spec"].get("nodeName"):
                    api.mark_terminating(obj)
                else:
                    api.remove(kind, (namespace_of(obj), name_of(obj)))

    # ----------------------------------------------------------------- scheduling and kubelet

    def schedule(self) -> None:
        """Bind each pending Pod to a feasible node, spreading a workload's replicas."""
        api = self.api
        pending = [p for p in api.iter("Pod") if not p["spec"].get("nodeName") and not is_terminating(p)]
        if not pending:
            return
        nodes = list(api.iter("Node"))
        # Running Pods per node, and per (node, owner), updated as this pass binds Pods.
        per_node: dict[str, int] = {}
        per_owner: dict[tuple[str, str], int] = {}
        for other in api.iter("Pod"):
            node_name = other["spec"].get("nodeName")
            if node_name and not is_terminating(other):
                per_node[node_name] = per_node.get(node_name, 0) + 1
                uid = (controller_of(other) or {}).get("uid", "")
                per_owner[(node_name, uid)] = per_owner.get((node_name, uid), 0) + 1
        for pod in pending:
            feasible, reasons = [], {}
            for node in nodes:
                why = _unfit(pod, node) or _full(node, per_node)
                if why:
                    reasons[why] = reasons.get(why, 0) + 1
                else:
                    feasible.append(node)
            if not feasible:
                # FitError.Error: "<count> <reason>" sorted as strings, then the PostFilter part.
                msg = (f"0/{len(nodes)} nodes are available: "
                       + ", ".join(sorted(f"{n} {w}" for w, n in reasons.items())) + ". "
                       + f"preemption: 0/{len(nodes)} nodes are available: {len(nodes)} Preemption is not "
                       "helpful for scheduling.")
                if msg != _pod_message(pod, "PodScheduled"):
                    set_condition(pod, "PodScheduled", "False", api.clock.iso(), "Unschedulable", msg)
                    api.write_status(pod)
                continue
            owner = (controller_of(pod) or {}).get("uid", "")
            counts = {name_of(n): (per_owner.get((name_of(n), owner), 0) if owner else 0, per_node.get(name_of(n), 0))
                      for n in feasible}
            best = min(counts.values())
            tied = sorted(n for n, c in counts.items() if c == best)
            chosen = pod["spec"]["nodeName"] = api.rng.choice(tied)
            per_node[chosen] = per_node.get(chosen, 0) + 1
            per_owner[(chosen, owner)] = per_owner.get((chosen, owner), 0) + 1
            set_condition(pod, "PodScheduled", "True", api.clock.iso())
            for c in pod["status"]["conditions"]:
                c.pop("reason", None)
                c.pop("message", None)
            api.write_status(pod)

    def kubelet(self) -> None:
        """Start bound Pods on Ready nodes (IP from the node's podCIDR) and finalize stopped ones."""
        api = self.api
        now = api.clock.now
        self._used_ips: dict[str, set[str]] | None = None
        for pod in list(api.iter("Pod")):
            node = api.peek("Node", pod["spec"].get("nodeName") or "", "")
            if node is None or condition(node, "Ready") != "True":
                continue
            if is_terminating(pod):
                md = pod["metadata"]
                deadline = parse_time(md["deletionTimestamp"])
                if "deletionGracePeriodSeconds" in md and deadline is not None and now >= deadline:
                    api.remove("Pod", (namespace_of(pod), name_of(pod)))
                continue
            status = pod.setdefault("status", {})
            if status.get("phase") == "Running" or status.get("podIP"):
                self._refresh_readiness(pod)
                continue
            ip = internal_ip(node) if pod["spec"].get("hostNetwork") else self._pod_ip(node)
            if ip is None:
                continue
            self._start(pod, node, ip)

    def _refresh_readiness(self, pod: dict) -> None:
        """A running Pod on a Ready node is Ready again once its probes pass (e.g. after the node recovers)."""
        if pod["status"].get("phase") != "Running":
            return
        ready = "True" if all(_probe_ok(c) for c in pod["spec"].get("containers") or []) else "False"
        if condition(pod, "Ready") != ready:
            now = self.api.clock.iso()
            set_condition(pod, "Ready", ready, now)
            set_condition(pod, "ContainersReady", ready, now)
            for cs in pod["status"].get("containerStatuses") or []:
                cs["ready"] = ready == "True"
            self.api.write_status(pod)

    def _start(self, pod: dict, node: dict, ip: str) -> None:
        api = self.api
        now = api.clock.iso()
        status = pod["status"]
        status.update({"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "startTime": now,
                       "hostIP": internal_ip(node), "hostIPs": [{"ip": internal_ip(node)}]})
        ready = all(_probe_ok(c) for c in pod["spec"].get("containers") or [])
        for ctype in ("PodReadyToStartContainers", "Initialized"):
            set_condition(pod, ctype, "True", now)
        for ctype in ("Ready", "ContainersReady"):
            set_condition(pod, ctype, "True" if ready else "False", now,
                          "" if ready else "ContainersNotReady",
                          "" if ready else "containers with unready status: [" + " ".join(
                              c.get("name", "") for c in pod["spec"].get("containers") or [] if not _probe_ok(c)) + "]")
        set_condition(pod, "PodScheduled", "True", now)
        status["containerStatuses"] = [
            {"name": c.get("name"), "image": c.get("image"), "imageID": "", "containerID": "",
             "ready": _probe_ok(c), "restartCount": 0, "started": True, "state": {"running": {"startedAt": now}}}
            for c in pod["spec"].get("containers") or []
        ]
        api.write_status(pod)

    def _pod_ip(self, node: dict) -> str | None:
        """The next free address in the node's podCIDR, host-local IPAM style (from .2 up)."""
        cidr = (node.get("spec") or {}).get("podCIDR")
        if not cidr:
            return None
        net = ipaddress.ip_network(cidr, strict=False)
        if self._used_ips is None:
            self._used_ips = {}
            for p in self.api.iter("Pod"):
                if p.get("status") and p["status"].get("podIP"):
                    self._used_ips.setdefault(p["spec"].get("nodeName") or "", set()).add(p["status"]["podIP"])
        used = self._used_ips.setdefault(name_of(node), set())
        start = self._next_ip.get(name_of(node), 2)
        size = net.num_addresses
        for step in range(size - 3):
            offset = (start - 2 + step) % (size - 3) + 2
            ip = str(net.network_address + offset)
            if ip not in used:
                self._next_ip[name_of(node)] = offset + 1
                used.add(ip)
                return ip
        return None


def _taint_keys(taints: list[dict]) -> list[tuple[str, str]]:
    return sorted((t.get("key", ""), t.get("effect", "")) for t in taints)


def _toleration_seconds(pod: dict, key: str) -> float | None:
    for tol in pod["spec"].get("tolerations") or []:
        if tol.get("effect") == "NoExecute" and (tol.get("key") == key or (not tol.get("key") and tol.get("operator") == "Exists")):
            secs = tol.get("tolerationSeconds")
            return None if secs is None else float(secs)
    return 0.0


def _tolerates(pod: dict, taint: dict) -> bool:
    for tol in pod["spec"].get("tolerations") or []:
        if tol.get("effect") and tol.get("effect") != taint.get("effect"):
            continue
        op = tol.get("operator", "Equal")
        if not tol.get("key") and op == "Exists":
            return True
        if tol.get("key") != taint.get("key"):
            continue
        if op == "Exists" or tol.get("value", "") == taint.get("value", ""):
            return True
    return False


def _unfit(pod: dict, node: dict) -> str:
    """Why the scheduler filters ``node`` out for ``pod``, in its own words, or ""."""
    spec = node.get("spec") or {}
    for taint in spec.get("taints") or []:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(pod, taint):
            if taint.get("key") == UNSCHEDULABLE_TAINT:
                return "node(s) were unschedulable"
            return f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value', '')}}}"
    if spec.get("unschedulable") and not _tolerates(pod, {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}):
        return "node(s) were unschedulable"
    selector = pod["spec"].get("nodeSelector") or {}
    node_labels = labels_of(node)
    if any(node_labels.get(k) != v for k, v in selector.items()):
        return "node(s) didn't match Pod's node affinity/selector"
    return ""


def _full(node: dict, per_node: dict[str, int]) -> str:
    """The NodeResourcesFit filter for the pod count: a node holds at most allocatable.pods Pods."""
    allowed = str(((node.get("status") or {}).get("allocatable") or {}).get("pods", "110"))
    limit = int(allowed) if allowed.isdigit() else 110
    return "Too many pods" if per_node.get(name_of(node), 0) >= limit else ""


def _pod_message(pod: dict, ctype: str) -> str:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == ctype:
            return cond.get("message", "")
    return ""


def _probe_ok(container: dict) -> bool:
    """A readiness probe passes only if something listens on the port it checks."""
    probe = container.get("readinessProbe") or {}
    action = probe.get("httpGet") or probe.get("tcpSocket")
    if not action:
        return True
    port = action.get("port")
    if isinstance(port, str):
        port = next((p.get("containerPort") for p in container.get("ports") or [] if p.get("name") == port), None)
    return port is not None and images.listening(container, int(port)) is not None


def _fenceposts(rolling: dict, want: int) -> tuple[int, int]:
    """maxSurge (rounded up) and maxUnavailable (rounded down); never both zero (ResolveFenceposts)."""

    def resolve(value: object, round_up: bool) -> int:
        if isinstance(value, str) and value.endswith("%"):
            scaled = want * int(value[:-1] or 0)
            return -(-scaled // 100) if round_up else scaled // 100
        return int(value)  # type: ignore[arg-type]

    surge = resolve(rolling.get("maxSurge", "25%"), True)
    unavailable = resolve(rolling.get("maxUnavailable", "25%"), False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _max_unavailable(dep: dict, want: int) -> int:
    strategy = dep["spec"].get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return want
    return _fenceposts(strategy.get("rollingUpdate") or {}, want)[1]
