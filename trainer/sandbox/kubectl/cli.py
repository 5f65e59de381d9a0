"""kubectl's entry point: finds the command like cobra does, parses its flags, and runs the verb."""

from __future__ import annotations

from ..session import Result, Session
from . import flags as fl
from . import verbs_apply, verbs_create, verbs_delete, verbs_edit, verbs_get, verbs_misc, verbs_nodes
from .explain import EXPLAIN
from .flags import Command
from .verbs_common import Ctx

#: kubectl's commands in the order it registers them (cobra suggests in this order).
_ORDER = ("create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale", "autoscale",
          "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint", "describe", "logs",
          "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events", "diff", "apply", "patch",
          "replace", "wait", "kustomize", "label", "annotate", "completion", "config", "plugin", "version",
          "api-versions", "api-resources", "options")

_COMMANDS: dict[str, Command] = {c.name: c for c in (
    *verbs_apply.COMMANDS, *verbs_create.COMMANDS, *verbs_get.COMMANDS, *verbs_delete.COMMANDS,
    *verbs_edit.COMMANDS, *verbs_nodes.COMMANDS, *verbs_misc.COMMANDS, EXPLAIN)}

ROOT = Command("kubectl", "kubectl controls the Kubernetes cluster manager (this sandbox's subset).",
               "kubectl [flags] [options]",
               children=tuple(_COMMANDS[n] for n in _ORDER if n in _COMMANDS))


def main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """Run one kubectl command line.

    Args:
        session: the console session (cluster, files, environment).
        argv: the words, with argv[0] the command name ("kubectl").
        stdin: what was piped in (read by ``-f -``).
    """
    args = list(argv[1:])
    cmd, path, rest = ROOT, "kubectl", args
    while True:
        word_at = _first_word(cmd, rest)
        if word_at is None:
            break
        word = rest[word_at]
        sub = cmd.child(word)
        if sub is None:
            if cmd is ROOT:
                if word in _ORDER:
                    return _unavailable(word)
                return Result("", _unknown_command(word), 1)
            if cmd.run is None:
                return Result("", f'error: unknown command "{word}"\nSee \'{path} -h\' for help and examples\n', 1)
            break
        cmd, path = sub, f"{path} {sub.name}"
        rest = rest[:word_at] + rest[word_at + 1:]
    flagset = fl.GLOBAL + cmd.flags
    parsed = fl.parse(flagset, rest)
    if isinstance(parsed, fl.FlagError):
        return Result("", fl.usage_error(path, parsed.message), 1)
    if parsed.help or (cmd is ROOT and not parsed.args):
        return Result(ROOT_HELP if cmd is ROOT else cmd.help(path), "", 0)
    if cmd.run is None:
        text = cmd.help(path)
        return Result(text, "", 1) if cmd.help_to_stdout else Result("", text, 1)
    missing = [name for name in cmd.required if name not in parsed.changed]
    if missing:
        return Result("", fl.required_missing(missing, session.cluster.clock.now), 1)
    ctx = Ctx(session, path, parsed, stdin)
    result = cmd.run(ctx)
    if ctx.warnings:
        result = Result(result.stdout, "".join(ctx.warnings) + result.stderr, result.status)
    return result


def _first_word(cmd: Command, args: list[str]) -> int | None:
    """Index of the first argument that is not a flag or a flag's value (cobra's stripFlags)."""
    if not cmd.children:
        return None
    known = fl.GLOBAL + cmd.flags
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None
        if arg.startswith("-") and arg != "-":
            if "=" not in arg and fl.takes_value(known, arg):
                i += 1
            i += 1
            continue
        return i
    return None


def _unknown_command(word: str) -> str:
    """cobra's error for an unknown subcommand of the root, with its "Did you mean" suggestions."""
    text = f'Error: unknown command "{word}" for "kubectl"'
    lowered = word.lower()
    hits = [name for name in _ORDER if _distance(lowered, name) <= 2 or name.startswith(lowered)]
    if word in ("list", "ps"):
        hits.append("get")
    if hits:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{h}\n" for h in hits) + "\n"
    else:
        text += "\n"
    return text


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, as cobra computes it for suggestions."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _unavailable(word: str) -> Result:
    """A real kubectl command this sandbox does not simulate (our own wording)."""
    return Result("", f'error: "kubectl {word}" is not available in this sandbox\n'
                      "Run 'kubectl --help' for the commands it supports.\n", 1)


ROOT_HELP = (
    "kubectl controls the Kubernetes cluster manager.\n\n"
    " This sandbox simulates a kubeadm v1.32 cluster; these commands work here:\n\n"
    + "".join(f"  {c.name.ljust(14)}  {c.summary}\n" for c in ROOT.children)
    + "\nUsage:\n  kubectl [flags] [options]\n\n"
    'Use "kubectl <command> --help" for more information about a given command.\n'
)
