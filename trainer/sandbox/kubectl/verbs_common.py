"""What every verb shares: its context, kubectl's error lines, -f sources, and the printer adapters."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ...engine.errors import ConnectionRefused, Status, go_quote
from ..session import FileError, Result, Session
from . import resources
from .flags import Parsed

_MANIFEST_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass
class Ctx:
    """One kubectl invocation: the session, the command path, its parsed flags and stdin."""

    session: Session
    path: str
    opts: Parsed
    stdin: str = ""
    #: klog lines written before the verb's own output (deprecation warnings).
    warnings: list[str] = field(default_factory=list)

    @property
    def cluster(self):
        """The engine cluster the session drives."""
        return self.session.cluster

    @property
    def namespace(self) -> str:
        """-n, or the kubeconfig context's namespace (default)."""
        return self.opts.str("namespace") or "default"

    @property
    def explicit_namespace(self) -> bool:
        """Whether -n was given (kubectl then enforces it on objects from files)."""
        return "namespace" in self.opts.changed and bool(self.opts.str("namespace"))


@dataclass
class Out:
    """The stdout and stderr a verb builds up, and its exit status."""

    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    status: int = 0

    def print(self, text: str) -> None:
        """Write text to stdout, ending it with a newline if it has none."""
        if text:
            self.out.append(text if text.endswith("\n") else text + "\n")

    def write(self, text: str) -> None:
        """Write text to stdout as is (a jsonpath result has no final newline)."""
        self.out.append(text)

    def warn(self, text: str) -> None:
        """Write a line to stderr without failing."""
        self.err.append(text if text.endswith("\n") else text + "\n")

    def fail(self, text: str) -> None:
        """Write an error to stderr and fail with status 1."""
        self.warn(text)
        self.status = 1

    def result(self) -> Result:
        """The command's Result."""
        return Result("".join(self.out), "".join(self.err), self.status)


def fail(text: str) -> Result:
    """A Result that prints one error and exits 1."""
    return Result("", text if text.endswith("\n") else text + "\n", 1)


def error_text(err: object, *, verb: str = "", source: str = "", multi: bool = False) -> str:
    """kubectl's text for one error value (an API Status, a refused connection, a client error).

    Args:
        err: the error value.
        verb: for errors tied to a file, e.g. "creating" ("error when creating \"x.yaml\": ...").
        source: that file; "-" is stdin.
        multi: whether it is one of several errors (kubectl then drops "error: " prefixes and
            prints Invalid errors as "Error from server (Invalid): ...").
    """
    if isinstance(err, ConnectionRefused):
        return err.kubectl_message()
    if isinstance(err, Status):
        if err.reason == "Invalid" and err.causes and not multi:
            return err.kubectl_message()
        message = err.message
        if verb and source:
            message = f"error when {verb} {go_quote('STDIN' if source == '-' else source)}: {message}"
        return f"Error from server ({err.reason}): {message}" if err.reason else f"Error from server: {message}"
    render = getattr(err, "kubectl_message", None)
    text = render() if callable(render) else str(err)
    if multi and text.startswith("error: "):
        return text[len("error: "):]
    if not multi and not text.startswith(("error: ", "Error from server", "The ")):
        return "error: " + text
    return text


def is_error(value: object) -> bool:
    """Whether an API call returned an error value instead of an object."""
    return isinstance(value, (Status, ConnectionRefused))


# ----------------------------------------------------------------- -f sources


def read_sources(ctx: Ctx, filenames: list[str]) -> list[tuple[str, str]] | str:
    """The (source, text) pairs behind -f arguments: files, directories of manifests, and ``-``.

    Returns:
        The sources in order, or kubectl's error line for a path that does not exist.
    """
    out: list[tuple[str, str]] = []
    recursive = bool(ctx.opts.values.get("recursive"))
    for name in filenames:
        if name == "-":
            out.append(("-", ctx.stdin))
            continue
        if name.startswith(("http://", "https://")):
            return f'error: unable to read URL "{name}": this sandbox has no network access to fetch it'
        if ctx.session.is_dir(name):
            found = _walk(ctx.session, name, recursive)
            if isinstance(found, str):
                return found
            out += found
            continue
        text = ctx.session.read_file(name)
        if isinstance(text, FileError):
            if text.reason == "No such file or directory":
                return f'error: the path "{name}" does not exist'
            return f"error: open {name}: {text.reason.lower()}"
        out.append((name, text))
    return out


def _walk(session: Session, directory: str, recursive: bool) -> list[tuple[str, str]] | str:
    """Manifest files in a directory, in lexical order as filepath.Walk visits them."""
    names = session.list_dir(directory)
    if isinstance(names, FileError):
        return f'error: the path "{directory}" does not exist'
    out: list[tuple[str, str]] = []
    for name in names:
        path = f"{directory.rstrip('/')}/{name}"
        if session.is_dir(path):
            if recursive:
                found = _walk(session, path, recursive)
                if isinstance(found, str):
                    return found
                out += found
            continue
        if not name.endswith(_MANIFEST_SUFFIXES):
            continue
        text = session.read_file(path)
        if isinstance(text, FileError):
            return f"error: open {path}: {text.reason.lower()}"
        out.append((path, text))
    return out


# ----------------------------------------------------------------- printers (other modules' work)


def render(objs: list[dict], fmt: str, single: bool) -> tuple[str, str]:
    """Objects as -o yaml|json|name|jsonpath=... prints them.

    Returns:
        (stdout text, error line or "").
    """
    try:
        from . import output
    except ImportError:
        return _fallback_render(objs, fmt, single)
    rendered = output.render(objs, fmt, single=single)
    if isinstance(rendered, tuple):
        return rendered[0], rendered[1] or ""
    if isinstance(rendered, str):
        return rendered, ""
    text = getattr(rendered, "text", None)
    return (text or "", getattr(rendered, "error", "") or "") if text is not None else ("", str(rendered))


def _fallback_render(objs: list[dict], fmt: str, single: bool) -> tuple[str, str]:
    """A plain rendering used until the printers module exists."""
    import yaml

    if fmt == "name":
        lines = []
        for obj in objs:
            info = resources.by_kind(obj.get("kind", ""))
            lines.append(f"{resources.prefix(info) if info else obj.get('kind', '').lower()}/"
                         f"{obj.get('metadata', {}).get('name', '')}\n")
        return "".join(lines), ""
    data = objs[0] if single and len(objs) == 1 else {
        "apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=True, default_flow_style=False), ""
    if fmt == "json":
        return json.dumps(data, indent=4, sort_keys=True) + "\n", ""
    return "", f"error: output format {fmt!r} needs the printers module"


def to_yaml(data: object) -> str:
    """Data as kubectl's YAML printer writes it (sigs.k8s.io/yaml)."""
    try:
        from .output import to_yaml as real
    except ImportError:
        import yaml

        return yaml.safe_dump(data, sort_keys=True, default_flow_style=False)
    return real(data)


def table(kind: str, objs: list[dict], ctx: Ctx, *, with_namespace: bool, with_kind: bool) -> str:
    """The human-readable table for objects of one kind."""
    opts = ctx.opts
    wide = opts.str("output") == "wide"
    try:
        from . import printers
    except ImportError:
        return _fallback_table(kind, objs, with_namespace, with_kind, opts.bool("no-headers"))
    return printers.table(kind, objs, now=ctx.cluster.clock.now, wide=wide, show_labels=opts.bool("show-labels"),
                          with_namespace=with_namespace, no_headers=opts.bool("no-headers"), with_kind=with_kind,
                          cluster=ctx.cluster)


def _fallback_table(kind: str, objs: list[dict], with_namespace: bool, with_kind: bool, no_headers: bool) -> str:
    info = resources.by_kind(kind)
    rows = [] if no_headers else [(["NAMESPACE"] if with_namespace else []) + ["NAME"]]
    for obj in objs:
        name = obj["metadata"]["name"]
        if with_kind and info is not None:
            name = f"{resources.prefix(info)}/{name}"
        rows.append(([obj["metadata"].get("namespace", "")] if with_namespace else []) + [name])
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)


def describe(cluster, kind: str, obj: dict, show_events: bool = True) -> str:
    """kubectl describe's text for one object."""
    try:
        from .describe import describe as real
    except ImportError:
        md = obj.get("metadata") or {}
        lines = [f"Name:         {md.get('name', '')}"]
        if md.get("namespace"):
            lines.append(f"Namespace:    {md['namespace']}")
        labels = md.get("labels") or {}
        lines.append("Labels:       " + ("\n              ".join(f"{k}={v}" for k, v in sorted(labels.items()))
                                         or "<none>"))
        return "\n".join(lines) + "\n"
    return real(cluster, kind, obj, show_events=show_events)


def printers_ready() -> bool:
    """Whether the printers and output modules are installed (tests skip exact-table checks without them)."""
    import importlib.util

    return all(importlib.util.find_spec(f"{__package__}.{name}") is not None for name in ("output", "printers"))
