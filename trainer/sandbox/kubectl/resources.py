"""Resource names as kubectl takes them: aliases, TYPE[.VERSION][.GROUP], TYPE/NAME and "all"."""

from __future__ import annotations

from dataclasses import dataclass

from ...engine.schema import KindInfo, kind_for_resource, kinds

#: What ``kubectl get all`` expands to, among the kinds the engine holds (upstream's "all"
#: category also lists daemonsets, statefulsets, jobs, cronjobs, hpas and rcs).
ALL_CATEGORY = ("pods", "services", "deployments", "replicasets")


@dataclass(frozen=True)
class Request:
    """One resource type with the names asked for (none means every object of the type)."""

    info: KindInfo
    names: tuple[str, ...] = ()


def lookup(token: str) -> KindInfo | None:
    """The kind behind ``svc``, ``services``, ``Service``, ``deploy.apps`` or ``deployments.v1.apps``."""
    parts = token.split(".")
    if len(parts) >= 3:
        # TYPE.VERSION.GROUP: the version must be one the group serves.
        info = kind_for_resource(parts[0] + "." + ".".join(parts[2:]))
        if info is not None and info.version == parts[1]:
            return info
    if len(parts) == 2 and parts[1] == "v1":
        info = kind_for_resource(parts[0])
        if info is not None and info.group == "":
            return info
    return kind_for_resource(token)


def prefix(info: KindInfo) -> str:
    """What kubectl's name printer puts before the name: ``service``, ``deployment.apps``."""
    singular = info.kind.lower()
    return f"{singular}.{info.group}" if info.group else singular


def by_kind(kind: str) -> KindInfo | None:
    """The registered resource kind for a kind name such as ``Service``."""
    for info in kinds():
        if info.kind == kind and info.resource is not None:
            return info
    return None


def from_ref(ref: str) -> KindInfo | None:
    """The kind behind a name-printer ref such as ``deployment.apps/web``."""
    head = ref.split("/", 1)[0]
    return next((i for i in kinds() if i.resource is not None and prefix(i) == head), None)


def unknown(token: str) -> str:
    """kubectl's error for a resource type the server does not serve."""
    return f'error: the server doesn\'t have a resource type "{token.split(".")[0]}"'


def multiple_types(args: list[str]) -> bool:
    """resource.MultipleTypesRequested: "all", a comma list, or TYPE/NAME args of several types."""
    if len(args) == 1 and args[0] == "all":
        return True
    types: set[str] = set()
    for index, arg in enumerate(args):
        if "/" in arg:
            types.add(arg.split("/", 1)[0])
        elif index == 0:
            types.update(t for t in arg.split(",") if t)
    return len(types) > 1


def parse_args(args: list[str], *, allow_empty: bool = True, expand_all: bool = True) -> list[Request] | str:
    """The builder's ResourceTypeOrNameArgs: ``TYPE[,TYPE] [NAME ...]`` or ``TYPE/NAME ...``.

    Args:
        args: positional arguments.
        allow_empty: whether a type without names selects every object (get) or is an
            error (delete, label, patch without --all or -l).
        expand_all: whether ``all`` expands to the "all" category.

    Returns:
        The requests, in order, or kubectl's error line.
    """
    if not args:
        return []
    slashed = [a for a in args if "/" in a]
    if slashed:
        if len(slashed) != len(args):
            return ("error: there is no need to specify a resource type as a separate argument when passing "
                    "arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
                    "'kubectl get resource resource/<resource_name>'")
        out: list[Request] = []
        for arg in args:
            parts = arg.split("/")
            if len(parts) != 2:
                return "error: arguments in resource/name form may not have more than one slash"
            if not parts[0] or not parts[1]:
                return "error: arguments in resource/name form must have a single resource and name"
            info = lookup(parts[0])
            if info is None:
                return unknown(parts[0])
            out.append(Request(info, (parts[1],)))
        return out
    types, names = args[0], tuple(args[1:])
    requests: list[Request] = []
    for token in types.split(","):
        if not token:
            continue
        if token == "all" and expand_all:
            expanded = [kind_for_resource(r) for r in ALL_CATEGORY]
            requests += [Request(i, names) for i in expanded if i is not None]
            continue
        info = lookup(token)
        if info is None:
            return unknown(token)
        requests.append(Request(info, names))
    if not names and not allow_empty:
        return "error: resource(s) were provided, but no name was specified"
    return requests
