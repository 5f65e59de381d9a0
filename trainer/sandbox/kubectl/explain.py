"""kubectl explain: kubectl's plaintext layout over the engine's schema, with our own descriptions."""

from __future__ import annotations

from ...engine.schema import FieldInfo, explain as schema_explain, explain_fields
from ..session import Result
from . import resources
from .explain_text import DESCRIPTIONS, ENUMS, REQUIRED, TYPE_DESCRIPTIONS
from .flags import Command, Flag
from .verbs_common import Ctx, fail


def wrap(text: str, limit: int) -> str:
    """mitchellh/go-wordwrap's WrapString: break at spaces, keep newlines, never split a word."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in text:
        if ch == "\n":
            if not word:
                if current + len(space) <= limit:
                    out += space
            else:
                out += space + word
            space, word = [], []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out += space + word
                space, word = [], []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out += space
    else:
        out += space + word
    return "".join(out)


def indent(amount: int, text: str) -> str:
    """The template's indent: pad the first line and every line after a newline."""
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def _struct(type_label: str) -> str:
    """The struct behind a type label: ``[]ServicePort`` -> ``ServicePort``."""
    while type_label.startswith(("[]", "map[string]")):
        type_label = type_label[2:] if type_label.startswith("[]") else type_label[len("map[string]"):]
    return type_label


def _field_line(parent: str, field: FieldInfo, level: int, short: bool) -> str:
    pad = level * 2
    line = indent(pad, field.name) + f"\t<{field.type}>"
    if (parent, field.name) in REQUIRED:
        line += " -required-"
    values = ENUMS.get((parent, field.name))
    if values:
        shown = ", ".join(values[:4]) + (", ...." if len(values) > 4 else "")
        line += "\n" + " " * pad + "enum: " + shown
    line += "\n"
    if not short:
        line += indent(pad + 2, wrap(DESCRIPTIONS.get((parent, field.name), "<no description>"), 78 - pad)) + "\n\n"
    return line


def _field_list(api_version: str, kind: str, path: str, level: int, recursive: bool, seen: tuple = ()) -> str:
    here = schema_explain(api_version, kind, path)
    fields = explain_fields(api_version, kind, path) or []
    parent = _struct(here.type) if here else kind
    out = []
    for field in fields:
        out.append(_field_line(parent, field, level, recursive))
        child = f"{path}.{field.name}" if path else field.name
        inner = _struct(field.type)
        if recursive and inner not in seen and explain_fields(api_version, kind, child):
            out.append(_field_list(api_version, kind, child, level + 1, recursive, seen + (inner,)))
    return "".join(out)


def render(info, path: list[str], recursive: bool) -> str | None:
    """kubectl explain's text for a kind and a field path, or None when a field does not exist."""
    dotted = ".".join(path)
    here = schema_explain(info.api_version, info.kind, dotted)
    if here is None:
        return None
    head = (f"GROUP:      {info.group}\n" if info.group else "") + f"KIND:       {info.kind}\nVERSION:    {info.version}\n\n"
    body = ""
    if path:
        parent = schema_explain(info.api_version, info.kind, ".".join(path[:-1]))
        owner = _struct(parent.type) if parent else info.kind
        body += f"FIELD: {path[-1]} <{here.type}>\n"
        values = ENUMS.get((owner, path[-1]))
        if values:
            body += "ENUM:" + "".join(f"\n    {v}" for v in values)
        body += "\n\n"
        description = DESCRIPTIONS.get((owner, path[-1]), "") + "\n"
        struct_text = TYPE_DESCRIPTIONS.get(_struct(here.type))
        if struct_text:
            description += struct_text + "\n"
        if description == "\n":
            description = ""
    else:
        description = TYPE_DESCRIPTIONS.get(info.kind, "") + "\n"
    body += "DESCRIPTION:\n" + indent(4, wrap(description or "<empty>", 76)) + "\n"
    fields = _field_list(info.api_version, info.kind, dotted, 1, recursive) if here.fields else ""
    if fields:
        body += "FIELDS:\n" + fields
    return head + body + "\n"


def run_explain(ctx: Ctx) -> Result:
    """kubectl explain TYPE[.FIELD...] [--recursive]."""
    args = ctx.opts.args
    if not args:
        return fail('error: You must specify the type of resource to explain. Use "kubectl api-resources" for a '
                    "complete list of supported resources.")
    if len(args) > 1:
        return fail("error: We accept only this format: explain RESOURCE")
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    resource, *path = args[0].split(".")
    info = resources.lookup(resource)
    if info is None:
        return fail(resources.unknown(resource))
    text = render(info, [p for p in path if p], ctx.opts.bool("recursive"))
    if text is None:
        return fail(f'error: field "{path[-1]}" does not exist')
    return Result(text, "", 0)


EXPLAIN = Command(
    "explain", "Get documentation for a resource", "kubectl explain TYPE [--recursive=FALSE|TRUE] [options]",
    (Flag("recursive", kind="bool", default=False, help="When true, print the name of all the fields recursively."),
     Flag("api-version", help="Use given api-version (group/version) of the resource."),
     Flag("output", help="Format in which to render the schema (plaintext).", default="plaintext")),
    run_explain,
    examples="  # What the ports of a Service are, and the three port fields\n  kubectl explain svc.spec.ports\n\n"
             "  # The fields of a Deployment's spec\n  kubectl explain deployment.spec\n")
