"""The declarative check DSL: scenarios, attempts, and checks evaluated against the engine."""

from __future__ import annotations

from importlib import import_module

#: Public names and the modules that define them; imported on first use, so that reading a pack
#: (which needs only the model) does not load the whole engine.
_EXPORTS = {"Check": "model", "Problem": "model", "parse_checks": "model", "CheckResult": "results",
            "evaluate": "run", "Attempt": "scenario", "Scenario": "scenario", "parse_scenario": "scenario"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
