"""The declarative check DSL: scenarios, attempts, and checks evaluated against the engine."""

from .model import Check, Problem, parse_checks
from .results import CheckResult
from .run import evaluate
from .scenario import Attempt, Scenario, parse_scenario

__all__ = ["Attempt", "Check", "CheckResult", "Problem", "Scenario", "evaluate", "parse_checks",
           "parse_scenario"]
