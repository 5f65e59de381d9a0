"""Fixtures for the kernel agreement tests: the environment check, and a lab per test.

Each test gets its own namespaces (so its own, empty, conntrack tables) and they are all
deleted when the test ends, whatever its outcome.
"""

from __future__ import annotations

import pytest

from tests.seed import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster

from .netns import Environment, Lab, Topology, Unsupported, probe_environment


def seeded(service: str = SEED_SERVICE_31000, cluster: Cluster | None = None, extra: str = "") -> Cluster:
    """A cluster (the built-in one by default) with the seed Deployment, ``service`` and ``extra`` applied."""
    c = cluster if cluster is not None else Cluster.default()
    docs = SEED_DEPLOYMENT + "---\n" + service + (("---\n" + extra) if extra else "")
    results = c.apply(docs, "web.yaml")
    assert all(r.ok for r in results), [r.kubectl_line() for r in results]
    return c


@pytest.fixture(scope="session")
def kernel_env() -> Environment:
    """The iptables backend to use; skips the suite when namespaces or iptables are unusable."""
    env = probe_environment()
    if isinstance(env, str):
        pytest.skip(env)
    return env


@pytest.fixture
def lab(kernel_env: Environment):
    """A Lab whose namespaces and servers are removed after the test."""
    lab = Lab(kernel_env)
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def build(lab: Lab):
    """Build a cluster's topology in the lab; skips when the kernel lacks something the rules need."""

    def _build(cluster: Cluster) -> Topology:
        try:
            return lab.build(cluster)
        except Unsupported as exc:
            pytest.skip(str(exc))

    return _build
