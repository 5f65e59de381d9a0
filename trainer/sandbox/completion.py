"""Tab completion for the console: commands, kubectl verbs, resource types, object names, flags, files."""

from __future__ import annotations

import re

from ..engine.schema import kind_for_resource, kinds
from .session import Session

#: kubectl verbs whose next word is a resource type (then object names).
_TYPED_VERBS = {"get", "describe", "delete", "edit", "label", "annotate", "patch", "scale", "explain",
                "expose", "rollout", "cordon", "uncordon", "drain"}
#: Verbs that take node names directly.
_NODE_VERBS = {"cordon", "uncordon", "drain"}
_SEPARATORS = re.compile(r"\|\||&&|[|;]")


def complete(session: Session, line: str) -> tuple[str, list[str]]:
    """Candidates for the word before the cursor.

    Args:
        session: the console session (its cluster names the objects, its files the paths).
        line: the text from the start of the input to the cursor.

    Returns:
        (the partial word, sorted candidates that replace it; a trailing space means the word is
        complete).
    """
    segment = _SEPARATORS.split(line)[-1]
    words = segment.split()
    current = "" if not words or segment[-1:].isspace() else words.pop()
    if not words:
        return current, _commands(session, current)
    if words[0] == "kubectl":
        return current, _kubectl(session, words[1:], current)
    if words[0] == "ssh" and len(words) == 1:
        return current, _names(session, "Node", "", current)
    return current, _files(session, current)


def _commands(session: Session, prefix: str) -> list[str]:
    from .commands import available

    return sorted({name + " " for name, _ in available(session) if name.startswith(prefix)})


def _kubectl(session: Session, words: list[str], current: str) -> list[str]:
    from .kubectl.cli import ROOT
    from .kubectl.flags import GLOBAL

    positional = _positional(words, GLOBAL + tuple(f for c in ROOT.children for f in c.flags))
    namespace = _namespace(words)
    if current.startswith("-"):
        command = ROOT.child(positional[0]) if positional else None
        flags = GLOBAL + (command.flags if command is not None else ())
        names = {f"--{f.name}" for f in flags} | {f"-{f.short}" for f in flags if f.short}
        return sorted(n + ("" if n.endswith("=") else " ") for n in names if n.startswith(current))
    if words and words[-1] in ("-n", "--namespace"):
        return _names(session, "Namespace", "", current)
    if words and words[-1] in ("-f", "--filename"):
        return _files(session, current)
    if words and words[-1] in ("-o", "--output"):
        outputs = ("wide", "yaml", "json", "name", "jsonpath=", "jsonpath-as-json=", "custom-columns=")
        return sorted(o + ("" if o.endswith("=") else " ") for o in outputs if o.startswith(current))
    if not positional:
        return sorted(c.name + " " for c in ROOT.children if c.name.startswith(current))
    verb = positional[0]
    args = positional[1:]
    if verb in _NODE_VERBS:
        return _names(session, "Node", "", current)
    if verb == "rollout":
        if not args:
            return sorted(w + " " for w in ("status", "restart", "undo", "history") if w.startswith(current))
        args = args[1:]
    if verb not in _TYPED_VERBS:
        return _files(session, current)
    if not args:
        if "/" in current:
            kind_word, _, stem = current.partition("/")
            info = kind_for_resource(kind_word)
            if info is None:
                return []
            return [f"{kind_word}/{n}" for n in _names(session, info.kind, namespace, stem)]
        return _types(current)
    info = kind_for_resource(args[0])
    if info is None or verb == "explain":
        return []
    return _names(session, info.kind, namespace, current)


def _positional(words: list[str], flags) -> list[str]:
    """The words that are not flags or flag values (``-n kube-system`` takes two words)."""
    takes_value = {f"--{f.name}" for f in flags if f.kind != "bool"} | {f"-{f.short}" for f in flags
                                                                        if f.short and f.kind != "bool"}
    out, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = "=" not in word and word in takes_value
        else:
            out.append(word)
    return out


def _namespace(words: list[str]) -> str:
    for i, word in enumerate(words):
        if word in ("-n", "--namespace") and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--namespace="):
            return word.split("=", 1)[1]
    return "default"


def _types(prefix: str) -> list[str]:
    out = set()
    for info in kinds():
        if not info.resource or info.fixture or info.list_of is not None and info.list_of != "":
            continue
        for word in (info.resource, *info.short_names):
            if word.startswith(prefix):
                out.add(word + " ")
    return sorted(out)


def _names(session: Session, kind: str, namespace: str, prefix: str) -> list[str]:
    api = session.cluster.api
    if not api.up:
        return []
    names = {o["metadata"]["name"] for o in api.iter(kind, namespace or None)}
    return sorted(n + " " for n in names if n.startswith(prefix))


def _files(session: Session, text: str) -> list[str]:
    from .host_files import is_directory, list_names  # the shell's own view: $PWD on nodes too

    directory, _, stem = text.rpartition("/")
    names = list_names(session, directory + "/" if directory else ".")
    out = []
    for name in names if isinstance(names, list) else []:
        if name.startswith(stem) and (stem.startswith(".") or not name.startswith(".")):
            path = f"{directory}/{name}" if directory else name
            out.append(path + ("/" if is_directory(session, path) else " "))
    return sorted(out)
