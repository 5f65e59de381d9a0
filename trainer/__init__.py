"""nodeport-trainer: learn and prove how a NodePort Service works."""

__version__ = "0.1.0"
