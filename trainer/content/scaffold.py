"""`pack new`: a small pack that passes lint, for an instructor to start from."""

from __future__ import annotations

import re
from pathlib import Path

_PACK = """\
id: {id}
title: My NodePort pack
version: 0.1.0
format_version: 1
kubernetes: "1.32"
authors: [Your Name]
license: CC-BY-4.0
topics:
  - id: basics
    title: NodePort basics
misconceptions:
  targetport-is-nodeport: Confuses targetPort with the port opened on the nodes.
"""

_LESSON = """\
---
id: first-lesson
title: A first NodePort Service
topics: [basics]
scenario:
  fixture: default
  setup:
    - apply: |
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
try:
  - label: Expose the Deployment on a nodePort
    run: kubectl expose deployment web --type=NodePort --port=80
  - label: See the port it got
    run: kubectl get svc web
---
A NodePort Service opens one port on every node. Try it on the right, then take the
[quiz](item:first-quiz).
"""

_ITEMS = """\
items:
  - id: first-quiz
    kind: quiz
    title: Where the port opens
    topics: [basics]
    difficulty: 1
    time: 1m
    lesson: first-lesson
    prompt: On which nodes does a NodePort Service open its port?
    choices:
      - text: On every node.
        correct: true
        feedback: Yes; kube-proxy on each node writes the rules.
      - text: Only on nodes that run one of its Pods.
        feedback: No; every node accepts the port and forwards if it has to.
    explanation: kube-proxy runs on every node and programs the nodePort there.

  - id: first-predict
    kind: predict
    title: A node without a Pod
    topics: [basics]
    difficulty: 2
    time: 2m
    prompt: With two replicas on node01 and node02, does curl to the control plane's nodePort get an answer?
    scenario:
      setup:
        - apply: |
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
        - run: kubectl expose deployment web --type=NodePort --port=80
    ask:
      probe:
        from: external
        to: {node: controlplane, port: {service: web}}
    options: [answers, refused, times out]
    explanation: With the default Cluster policy every node forwards to some ready Pod.

  - id: first-drill
    kind: drill
    title: Fix the targetPort
    topics: [basics]
    difficulty: 2
    time: 3m
    prompt: The Service below sends traffic to the wrong container port. Fix it so curl to any node's nodePort answers.
    scenario:
      setup:
        - apply: |
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
    starter:
      web-svc.yaml: |
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
    hints:
      - text: Which port does nginx listen on?
        penalty: 0.1
    checks:
      - id: answers-everywhere
        probe: {from: external, to: {nodes: all, port: {service: web}}}
        expect: {verdict: answers, reaches: {app: web}}
        message: Some node's nodePort does not reach nginx.
        why: targetPort must be the port the container listens on.
        misconception: targetport-is-nodeport
    solutions:
      - files:
          web-svc.yaml: |
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: NodePort
              selector: {app: web}
              ports: [{port: 80, targetPort: 80}]
    counterexamples:
      - note: the starter as it is
        files:
          web-svc.yaml: |
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: NodePort
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
    explanation: nginx listens on 80; a targetPort nobody listens on is refused by the Pod.
"""


def scaffold(target: Path) -> str | None:
    """Write a starter pack into ``target``; an error text when it cannot (e.g. not empty)."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        return f"{target}: already exists and is not an empty folder"
    pack_id = re.sub(r"[^a-z0-9-]+", "-", target.name.lower()).strip("-") or "my-pack"
    try:
        (target / "lessons").mkdir(parents=True, exist_ok=True)
        (target / "items").mkdir(exist_ok=True)
        (target / "pack.yaml").write_text(_PACK.format(id=pack_id), encoding="utf-8")
        (target / "lessons" / "01-first-lesson.md").write_text(_LESSON, encoding="utf-8")
        (target / "items" / "basics.yaml").write_text(_ITEMS, encoding="utf-8")
    except OSError as exc:
        return f"{target}: {exc.strerror or exc}"
    return None
