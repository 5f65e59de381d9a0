"""The shell's word expansions: variables, ${...}, $(...), tilde, field splitting and pathname globbing."""

from __future__ import annotations

import fnmatch
import re

from .host_files import list_names
from .shell_io import Buffer, ExpansionError, Unwind
from .shell_parse import NAME, SPECIAL, AndOr, Part, Word

# A glob character that came from quoted text, escaped for fnmatch as [*].
_ESCAPED = re.compile(r"\[([*?\[])\]")


class Expansion:
    """The Shell's expansion methods, as a mixin.

    They use the Shell's session, status, in_subshell, _err_sink, _subst_status and _host, and run
    $(...) through its _run_program.
    """

    def _expand_string(self, parts: list[Part]) -> str:
        """Expand without field splitting or globbing (assignments, heredoc bodies)."""
        out = []
        for part in parts:
            if part.kind == "lit":
                out.append(part.value)
            elif part.kind == "tilde":
                out.append(self.session.env.get("HOME", ""))
            else:
                out.append(self._expand_part(part))
        return "".join(out)

    def _expand_words(self, words: list[Word]) -> list[str]:
        fields: list[str] = []
        for word in words:
            fields += self._expand_word(word)
        return fields

    def _expand_word(self, word: Word) -> list[str]:
        fields: list[tuple[str, str, bool]] = []
        text: list[str] = []
        pattern: list[str] = []
        state = {"open": False, "glob": False}

        def add(value: str, globbing: bool) -> None:
            state["open"] = True
            text.append(value)
            if globbing:
                pattern.append(value)
                state["glob"] = state["glob"] or any(c in value for c in "*?[")
            else:
                pattern.append(re.sub(r"([*?\[])", r"[\1]", value))

        def finish() -> None:
            if state["open"]:
                fields.append(("".join(text), "".join(pattern), state["glob"]))
            text.clear()
            pattern.clear()
            state["open"] = state["glob"] = False

        for part in word.parts:
            if part.kind == "lit":
                add(part.value, not part.quoted)
            elif part.kind == "tilde":
                add(self.session.env.get("HOME", ""), False)
            else:
                value = self._expand_part(part)
                if part.quoted:
                    add(value, False)
                    continue
                pieces = re.split(r"[ \t\n]+", value)
                for i, piece in enumerate(pieces):
                    if i:
                        finish()
                    if piece:
                        add(piece, True)
        finish()
        out: list[str] = []
        for value, pat, has_glob in fields:
            out += (self._glob(pat) or [value]) if has_glob else [value]
        return out

    def _glob(self, pattern: str) -> list[str]:
        """Pathname expansion of the last path component; no match leaves the word as it was."""
        directory, slash, base = pattern.rpartition("/")
        if not base or re.search(r"[*?\[]", _ESCAPED.sub("", directory)):
            return []
        prefix = _ESCAPED.sub(r"\1", directory) + slash
        names = list_names(self.session, prefix or ".")
        if not isinstance(names, list):
            return []
        hidden = base.startswith(".")
        return [prefix + name for name in names
                if fnmatch.fnmatchcase(name, base) and (hidden or not name.startswith("."))]

    def _expand_part(self, part: Part) -> str:
        env = self.session.env
        if part.kind == "var":
            return self._variable(part.value)
        if part.kind == "cmd":
            return self._capture(part.value)
        if part.kind == "arith":
            raise ExpansionError(f"nodeport-trainer: {part.value}: arithmetic expansion is not supported "
                                  "in this console")
        name, op, operand = part.value
        if op == "bad":
            raise ExpansionError(f"bash: {name}: bad substitution")
        if op == "unsupported":
            raise ExpansionError(f"nodeport-trainer: {name}: this expansion is not supported in this "
                                  "console (use ${NAME}, ${NAME:-default} or ${#NAME})")
        value = self._variable(name) if name in SPECIAL or name in env else None
        if op == "len":
            return str(len(value or ""))
        unset = value is None or (op.startswith(":") and value == "")
        kind = op[-1]
        if kind == "-":
            return self._expand_string(operand.parts) if unset else value
        if kind == "+":
            return "" if unset else self._expand_string(operand.parts)
        if kind == "=":
            if unset:
                if not NAME.fullmatch(name):
                    raise ExpansionError(f"bash: ${name}: cannot assign in this way")
                env[name] = self._expand_string(operand.parts)
                return env[name]
            return value
        if unset:
            message = self._expand_string(operand.parts) or "parameter null or not set"
            raise ExpansionError(f"bash: {name}: {message}")
        return value

    def _variable(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return "4242"
        if name == "#":
            return "0"
        if name == "0":
            return "bash"
        if name == "-":
            return "himBHs"
        if name in SPECIAL:
            return ""
        return self.session.env.get(name, "")

    def _capture(self, program: list[AndOr]) -> str:
        """Run $(...) in a subshell: its variables and `exit` stay inside; trailing newlines go."""
        session = self.session
        env, saved_env, saved_host, saved_sub = session.env, dict(session.env), session.host, self.in_subshell
        out = Buffer()
        self.in_subshell = True
        try:
            status = self._run_program(program, {1: out, 2: self._err_sink}, "")
        except Unwind as unwind:
            status = unwind.status
        finally:
            # Put the very same dict back: callers hold it while they assign.
            env.clear()
            env.update(saved_env)
            self.in_subshell = saved_sub
            session.env, session.host, self._host = env, saved_host, saved_host
        self._subst_status = self.status = status
        return out.text().rstrip("\n")


__all__ = ["Expansion"]
