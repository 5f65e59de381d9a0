"""The NodePort engine: a pure, deterministic simulation of a kubeadm cluster."""
