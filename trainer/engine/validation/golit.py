"""Bad values that field.Error prints with %#v, spelled as Go prints the internal API types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trainer.engine.errors import go_quote


@dataclass(frozen=True)
class GoLiteral:
    """A bad value already rendered the way Go's %#v would print it.

    errors.go_value falls back to str() for unknown types, so this prints verbatim.
    """

    text: str

    def __str__(self) -> str:
        return self.text


def string_map(value: dict | None) -> str:
    """map[string]string, sorted by key as fmt does; nil maps print as (nil)."""
    if value is None:
        return "map[string]string(nil)"
    inner = ", ".join(f"{go_quote(str(k))}:{go_quote(str(value[k]))}" for k in sorted(value, key=str))
    return f"map[string]string{{{inner}}}"


def string_slice(values: list | None, type_name: str = "[]string") -> GoLiteral:
    """A []string (or a named string slice such as []core.IPFamily)."""
    if values is None:
        return GoLiteral(f"{type_name}(nil)")
    return GoLiteral(f"{type_name}{{{', '.join(go_quote(str(v)) for v in values)}}}")


def int_or_string(value: Any) -> GoLiteral:
    """intstr.IntOrString by value (it has no value-receiver String method)."""
    if isinstance(value, str):
        return GoLiteral(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(value)}}}")
    return GoLiteral(f"intstr.IntOrString{{Type:0, IntVal:{int(value or 0)}, StrVal:\"\"}}")


def service_port_key(protocol: str, port: int) -> GoLiteral:
    """The core.ServicePort{Protocol, Port} key ValidateService reports for duplicate ports."""
    return GoLiteral(
        f'core.ServicePort{{Name:"", Protocol:{go_quote(protocol)}, AppProtocol:(*string)(nil), '
        f'Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}'
    )


def label_selector(selector: dict) -> GoLiteral:
    """A metav1.LabelSelector (printed through its pointer, hence without a leading &)."""
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if expressions is None:
        exprs = "[]v1.LabelSelectorRequirement(nil)"
    else:
        items = []
        for expr in expressions:
            values = expr.get("values")
            items.append(
                f"v1.LabelSelectorRequirement{{Key:{go_quote(str(expr.get('key', '')))}, "
                f"Operator:{go_quote(str(expr.get('operator', '')))}, Values:{string_slice(values)}}}"
            )
        exprs = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    return GoLiteral(f"v1.LabelSelector{{MatchLabels:{string_map(match_labels)}, MatchExpressions:{exprs}}}")


# A stand-in for the heap address Go prints for a non-nil pointer field.
FAKE_POINTER = "0xc000a2c1e0"


def deployment_strategy(strategy: dict) -> GoLiteral:
    """An apps.DeploymentStrategy; a non-nil RollingUpdate prints as an address, as in Go."""
    rolling = strategy.get("rollingUpdate")
    pointer = "(*apps.RollingUpdateDeployment)(nil)" if rolling is None else (
        f"(*apps.RollingUpdateDeployment)({FAKE_POINTER})")
    return GoLiteral(f"apps.DeploymentStrategy{{Type:{go_quote(str(strategy.get('type', '')))}, RollingUpdate:{pointer}}}")
