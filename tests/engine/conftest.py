"""Shared fixtures and manifests for the engine tests."""

from __future__ import annotations

import pytest

from tests.seed import SEED_DEPLOYMENT, SEED_SERVICE_30080, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster

__all__ = ["SEED_DEPLOYMENT", "SEED_SERVICE_30080", "SEED_SERVICE_31000"]

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
