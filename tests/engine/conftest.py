"""Shared fixtures and manifests for the engine tests."""

from __future__ import annotations

import pytest

from trainer.engine.cluster import Cluster

SEED_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web-frontend
  template:
    metadata:
      labels:
        app: web-frontend
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"""

SEED_SERVICE_31000 = """\
apiVersion: v1
kind: Service
metadata:
  name: web-frontend
spec:
  type: NodePort
  selector:
    app: web-frontend
  ports:
  - port: 80
    targetPort: 80
    nodePort: 31000
"""

SEED_SERVICE_30080 = """\
apiVersion: v1
kind: Service
metadata:
  name: web-frontend
spec:
  type: NodePort
  selector:
    app: web-frontend
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 3000
    nodePort: 30080
"""


@pytest.fixture
def cluster() -> Cluster:
    """A fresh copy of the built-in cluster."""
    return Cluster.default()


@pytest.fixture
def seeded(cluster: Cluster) -> Cluster:
    """The built-in cluster with the seed's Deployment and NodePort 31000 Service applied."""
    results = cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml")
    assert all(r.ok for r in results), [r.kubectl_line() for r in results]
    return cluster
