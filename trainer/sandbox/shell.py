"""The console's shell: runs command lines over a Session as bash would, with pipes, && || ; and redirections."""

from __future__ import annotations

import collections
import re
import weakref
from typing import Callable

from .host_files import open_for_write, read_text
from .session import Result, Session
from .shell_expand import Expansion
from .shell_io import Buffer, ExpansionError, File, Null, Sink, Terminal, Unwind
from .shell_parse import (MAX_DEPTH, AndOr, Command, Parsed, Part, Pipeline, Redirect, Word, decode_escapes,
                          parse)

#: Longest physical input line; longer lines are refused whole (a pasted one-line JSON
#: patch is a few KiB; parsing a line of this size takes well under a second).
MAX_LINE = 128 * 1024
#: Largest command (with its heredoc bodies), the same cap as a file.
MAX_INPUT = 10 * 1024 * 1024
#: Most physical lines one command may span while a quote or $( is open (heredocs excepted).
MAX_CONTINUATION = 200

# Characters outside text: NUL and C0 controls other than tab, newline, FF, VT, CR and ESC.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\udc80-\udcff]")

_SHELLS: "weakref.WeakKeyDictionary[Session, Shell]" = weakref.WeakKeyDictionary()


def shell_for(session: Session) -> "Shell | None":
    """The Shell running a session (for builtins such as exit, history and help)."""
    return _SHELLS.get(session)


class Shell(Expansion):
    """Runs command lines against a Session, the way bash would.

    Attributes:
        session: the learner's session.
        stream: if set, called as stream(fd, text) for output as it is produced.
        status: $? (the last pipeline's exit status).
        exited: the session's exit status once `exit` ran on the workstation, else None.
        history: the command lines run so far.
        in_subshell: True while a $(...) or a pipeline element runs.
        stdout_is_terminal: while a command runs, whether its stdout reaches the terminal.
    """

    def __init__(self, session: Session, stream: Callable[[int, str], None] | None = None) -> None:
        self.session = session
        self.stream = stream
        self.status = 0
        self.exited: int | None = None
        self.history: list[str] = []
        self.lineno = 0
        self.in_subshell = False
        self.stdout_is_terminal = False
        #: Set by `exit`: (status, whether the whole session ends).
        self.exit_request: tuple[int, bool] | None = None
        self._queue: collections.deque[str] = collections.deque()
        self._pending: list[str] = []
        self._pending_size = 0
        self._waiting: str | None = None
        self._delims: tuple[tuple[str, bool], ...] = ()
        self._out: list[str] = []
        self._err: list[str] = []
        self._err_sink: Sink = Terminal(self, 2)
        self._subst_status: int | None = None
        self._host = session.host
        self._workstation_env: dict[str, str] | None = None
        _SHELLS[session] = self

    # -------------------------------------------------------------- input

    @property
    def continuing(self) -> bool:
        """True when the input so far is an unfinished command (show the "> " prompt)."""
        return bool(self._pending)

    def run_line(self, text: str) -> Result:
        """Run text as one complete input (it may span lines, e.g. with a heredoc)."""
        self._begin()
        problem = self._check_input(text)
        if problem:
            self._emit(2, f"nodeport-trainer: {problem}\n")
            self.status = 1
        else:
            start = self.lineno + 1
            self.lineno += text.count("\n") + (not text.endswith("\n"))
            self._run_unit(text, start)
        return self._result()

    def run_script(self, text: str) -> Result:
        """Run text line by line as the script runner does, then end the input."""
        self._begin()
        for line in text.splitlines(keepends=True):
            if self.exited is not None:
                break
            self._feed(line)
        if self.exited is None:
            self._end_input()
        return self._result()

    def feed(self, line: str) -> Result | None:
        """Take one physical line; run it once the command is complete.

        Returns:
            The output, or None while the command waits for more lines.
        """
        self._begin()
        ran = self._feed(line)
        result = self._result()
        return result if ran or result.stdout or result.stderr else None

    def eof(self) -> Result:
        """The input ended: finish a pending command (script mode recovers from an open quote)."""
        self._begin()
        self._end_input()
        return self._result()

    def reject(self, problem: str) -> Result:
        """Count a line the runner refused (e.g. too long) and say why, as for a bad line."""
        self._begin()
        self.lineno += 1
        self._refuse(problem)
        return self._result()

    def end_of_input(self) -> Result:
        """Ctrl-D at the prompt: end a pending command, else leave as `exit` does."""
        from .builtins import exit_

        self._begin()
        if self._pending:
            self._end_input()
            return self._result()
        result = exit_(self.session, ["exit"], "")
        self._emit(1, result.stdout)
        self._emit(2, result.stderr)
        self._sync_host()
        request, self.exit_request = self.exit_request, None
        if request is not None and request[1]:
            self.exited = request[0]
        return self._result()

    def run_remote(self, line: str, stdin: str = "") -> Result:
        """Run `ssh NODE COMMAND` 's command line as the node's non-interactive bash -c would.

        The caller has set session.host to the node. The line gets a fresh node environment and
        its own output; `exit` ends only it; errors read "bash: line 1: ..." as in bash -c.
        """
        parsed = parse(line, eof=True)
        if parsed.error:
            return Result("", re.sub(r"^bash: ", "bash: -c: line 1: ", parsed.error) + "\n", 2)
        session = self.session
        saved = (session.env, self._host, self.in_subshell, self._err_sink, self.status)
        session.env, self._host = _node_env(session.host or ""), session.host
        out, err = Buffer(), Buffer()
        self.in_subshell, self._err_sink, self.status = True, err, 0
        try:
            status = self._run_program(parsed.program, {1: out, 2: err}, stdin)
        except Unwind as unwind:
            status = unwind.status
        except Exception as exc:  # a bug in the shell itself: report it, keep the session
            err.write(f"nodeport-trainer: internal error in shell: {type(exc).__name__}: {exc}\n")
            status = 1
        finally:
            session.env, self._host, self.in_subshell, self._err_sink, self.status = saved
            self.exit_request = None
        stderr = re.sub(r"(?m)^bash: (?!line \d)", "bash: line 1: ", err.text())
        return Result(out.text(), stderr, status)

    def cancel(self) -> None:
        """Drop an unfinished command (Ctrl-C)."""
        self._pending, self._pending_size, self._waiting, self._delims = [], 0, None, ()
        self.in_subshell = False
        self.exit_request = None

    def pass_time(self, seconds: float) -> None:
        """Let simulated time pass (the interactive console's real elapsed time)."""
        if seconds > 0:
            self._guarded("clock", lambda: self.session.cluster.advance(seconds))

    # -------------------------------------------------------------- line assembly

    def _feed(self, line: str) -> bool:
        """One physical line, then any lines a script replays after an unbalanced quote."""
        self._queue.append(line)
        ran = False
        while self._queue and self.exited is None:
            ran = self._feed_one(self._queue.popleft()) or ran
        self._queue.clear()
        return ran

    def _feed_one(self, line: str) -> bool:
        self.lineno += 1
        problem = self._check_input(line)
        if problem:
            self._refuse(problem)
            return False
        if line.endswith("\r\n"):
            line = line[:-2] + "\n"
        if not line.endswith("\n"):
            line += "\n"
        self._pending.append(line)
        self._pending_size += len(line)
        if self._waiting and not self._worth_reparsing(line):
            return self._check_size()
        text = "".join(self._pending)
        parsed = parse(text, eof=False, first_line=self.lineno - len(self._pending) + 1)
        if parsed.waiting:
            self._waiting, self._delims = parsed.waiting, parsed.delims
            return self._check_size()
        self.cancel()
        self._execute(text, parsed)
        return True

    def _worth_reparsing(self, line: str) -> bool:
        # Only a line that could close what is open can change the outcome of a parse.
        if self._waiting == "heredoc":
            bare = line.rstrip("\n")
            return any((bare.lstrip("\t") if strip else bare) == delim for delim, strip in self._delims)
        if self._waiting in ("eof", "\\"):
            return True
        return self._waiting in line

    def _check_size(self) -> bool:
        if self._pending_size > MAX_INPUT:
            self.cancel()
            self._emit(2, f"nodeport-trainer: command too long (over {MAX_INPUT} characters); it was not run\n")
            self.status = 1
            return True
        if self._waiting != "heredoc" and len(self._pending) > MAX_CONTINUATION:
            self._give_up()
            return True
        return False

    def _end_input(self) -> None:
        while self._pending and self.exited is None:
            self._give_up()
            while self._queue and self.exited is None:
                self._feed_one(self._queue.popleft())
        self._queue.clear()

    def _give_up(self) -> None:
        """End an unfinished command as bash does at end of input.

        An unbalanced quote is bash's one-line error; a script then resumes at the line after
        the one that opened it (bash would have swallowed the rest of the script).
        """
        lines, start = self._pending, self.lineno - len(self._pending) + 1
        text = "".join(lines)
        self.cancel()
        parsed = parse(text, eof=True, first_line=start)
        if parsed.error and parsed.error.startswith("bash: unexpected EOF") and self.session.script:
            self._execute(text.split("\n", 1)[0], parsed)
            self.lineno = start
            self._queue.extendleft(reversed(lines[1:]))
            return
        self._execute(text, parsed)

    def _refuse(self, problem: str) -> None:
        where = f"line {self.lineno}: " if self.session.script else ""
        self._emit(2, f"nodeport-trainer: {where}{problem}\n")
        self.status = 1

    @staticmethod
    def _check_input(text: str) -> str | None:
        longest = max(map(len, text.split("\n"))) if len(text) > MAX_LINE else 0
        if longest > MAX_LINE:
            return f"input line too long ({longest} characters; the limit is {MAX_LINE}); it was ignored"
        if _BINARY.search(text):
            return "binary data ignored (the console reads text only)"
        return None

    # -------------------------------------------------------------- units

    def _run_unit(self, text: str, first_line: int) -> None:
        self._execute(text, parse(text, eof=True, first_line=first_line))

    def _execute(self, text: str, parsed: Parsed) -> None:
        for warning in parsed.warnings:
            self._emit(2, warning + "\n")
        if not parsed.program and not parsed.error:
            return
        self.history.append(text.rstrip("\n"))
        if parsed.error:
            self._emit(2, parsed.error + "\n")
            self.status = 2
        else:
            try:
                self._run_program(parsed.program, {1: Terminal(self, 1), 2: Terminal(self, 2)}, "")
            except Unwind as unwind:
                self.status = unwind.status
                if unwind.leave:
                    self.exited = unwind.status
            except Exception as exc:  # a bug in the shell itself: report it, keep the session
                self._emit(2, f"nodeport-trainer: internal error in shell: {type(exc).__name__}: {exc}\n")
                self.status = 1
            finally:
                self.in_subshell = False
                self.exit_request = None
                self._err_sink = Terminal(self, 2)
        self._after_line()

    def _after_line(self) -> None:
        for hook in list(self.session.after_command):
            self._guarded(getattr(hook, "__name__", "after_command hook"), lambda h=hook: h(self.session))
        notices, self.session.notices = self.session.notices, []
        for notice in notices:
            self._emit(2, notice if notice.endswith("\n") else notice + "\n")
        if self.session.script:
            self._guarded("clock", lambda: self.session.cluster.advance(1))

    def _guarded(self, name: str, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:
            self._emit(2, f"nodeport-trainer: internal error in {name}: {type(exc).__name__}: {exc}\n")

    # -------------------------------------------------------------- output

    def _begin(self) -> None:
        self._out, self._err = [], []

    def _result(self) -> Result:
        status = self.exited if self.exited is not None else self.status
        return Result("".join(self._out), "".join(self._err), status)

    def _emit(self, fd: int, text: str) -> None:
        if not text:
            return
        (self._out if fd == 1 else self._err).append(text)
        if self.stream is not None:
            self.stream(fd, text)

    # -------------------------------------------------------------- running

    def _run_program(self, program: list[AndOr], fds: dict, stdin: str) -> int:
        status = self.status
        for item in program:
            status = self._run_pipeline(item.pipelines[0], fds, stdin)
            for op, pipeline in zip(item.ops, item.pipelines[1:]):
                if (op == "&&") == (status == 0):
                    status = self._run_pipeline(pipeline, fds, stdin)
        return status

    def _run_pipeline(self, pipeline: Pipeline, fds: dict, stdin: str) -> int:
        data, last = stdin, len(pipeline.commands) - 1
        status = 0
        for i, command in enumerate(pipeline.commands):
            if i == last and last == 0:
                status = self._run_command(command, fds, data)
                break
            pipe = Buffer()
            cfds = fds if i == last else {**fds, 1: pipe, **({2: pipe} if pipeline.both[i] else {})}
            # Each element of a real pipeline runs in a subshell: `exit` there ends only it.
            saved, self.in_subshell = self.in_subshell, True
            try:
                status = self._run_command(command, cfds, data)
            except Unwind as unwind:
                status = unwind.status
            finally:
                self.in_subshell = saved
            data = pipe.text()
        if pipeline.negate:
            status = int(status == 0)
        self.status = status
        return status

    def _run_command(self, command: Command, fds: dict, stdin: str) -> int:
        saved_err, self._err_sink = self._err_sink, fds[2]
        self._subst_status = None
        env = self.session.env
        saved: dict[str, str | None] = {}
        argv: list[str] = []
        try:
            argv = self._expand_words(command.words)
            redirected = self._redirect(command.redirects, fds, stdin)
            if redirected is None:
                return 1
            # Each value sees the ones before it (X=1 Y=$X); with a command they are temporary.
            for word in command.assigns:
                value = self._expand_string(word.parts[word.value_at:])
                saved.setdefault(word.assign, env.get(word.assign))
                env[word.assign] = value
        except ExpansionError as exc:
            fds[2].write(exc.message + "\n")
            if argv:
                _restore(env, saved)
            return 1
        finally:
            self._err_sink = saved_err
        fds, stdin = redirected
        if not argv:
            return self._subst_status if self._subst_status is not None else 0
        self.stdout_is_terminal = isinstance(fds[1], Terminal) and not self.session.script
        try:
            result = self._invoke(argv, stdin)
        finally:
            if self.session.env is env:  # unless the command moved to another host's shell
                _restore(env, saved)
        fds[1].write(result.stdout)
        fds[2].write(result.stderr)
        self._sync_host()
        if self.exit_request is not None:
            (status, leave), self.exit_request = self.exit_request, None
            raise Unwind(status, leave)
        return result.status

    def _invoke(self, argv: list[str], stdin: str) -> Result:
        from .commands import lookup

        name = argv[0]
        if "/" in name:
            # There are no executables in the workspace: a path names a file at most.
            content = read_text(self.session, name)
            reason = "Permission denied" if isinstance(content, str) else content.reason
            return Result("", f"bash: {name}: {reason}\n", 127 if reason == "No such file or directory" else 126)
        fn = lookup(self.session, name)
        if fn is None:
            return Result("", f"bash: {name}: command not found\n", 127)
        try:
            result = fn(self.session, argv, stdin)
        except Exception as exc:  # a bug in a command: a bug report, not a crash
            return Result("", f"nodeport-trainer: internal error in {name}: {type(exc).__name__}: {exc}\n", 1)
        if not isinstance(result, Result):
            return Result("", f"nodeport-trainer: internal error in {name}: returned {type(result).__name__}\n", 1)
        return result

    def _sync_host(self) -> None:
        """Give each host its own variables: ssh starts a fresh shell on the node."""
        host = self.session.host
        if host == self._host:
            return
        if self._host is None:
            self._workstation_env = self.session.env
        if host is None:
            self.session.env = self._workstation_env or self.session.env
        else:
            self.session.env = _node_env(host)
        self._host = host

    # -------------------------------------------------------------- redirections

    def _redirect(self, redirects: list[Redirect], fds: dict, stdin: str) -> tuple[dict, str] | None:
        fds = dict(fds)
        for r in redirects:
            fd = r.fd
            try:
                if r.op in ("<<", "<<-"):
                    text = self._expand_string(r.body)
                    if (fd or 0) == 0:
                        stdin = text
                    continue
                if r.op in (">&", "<&") and r.target.raw.isdigit():
                    source = int(r.target.raw)
                    if r.op == "<&" or source == 0:
                        if source != 0:
                            raise ExpansionError(f"bash: {source}: Bad file descriptor")
                        continue
                    if source not in fds:
                        raise ExpansionError(f"bash: {source}: Bad file descriptor")
                    fds[1 if fd is None else fd] = fds[source]
                    continue
                if r.op in (">&", "<&") and r.target.raw == "-":
                    fds[(1 if r.op == ">&" else 0) if fd is None else fd] = Null()
                    continue
                target = self._expand_target(r.target)
                if r.op == "<<<":
                    stdin = target + "\n" if (fd or 0) == 0 else stdin
                    continue
                if r.op in ("<", "<>"):
                    text = "" if target == "/dev/null" else read_text(self.session, target)
                    if not isinstance(text, str):
                        raise ExpansionError(f"bash: {target}: {text.reason}")
                    if (fd or 0) == 0:
                        stdin = text
                    continue
                if r.op == ">&" and fd is not None:
                    raise ExpansionError(f"bash: {r.target.raw}: ambiguous redirect")
                sink = self._open(target, append=r.op in (">>", "&>>"), opener=open_for_write)
                for out in ((1, 2) if r.op in ("&>", "&>>", ">&") else (1 if fd is None else fd,)):
                    fds[out] = sink
            except ExpansionError as exc:
                fds[2].write(exc.message + "\n")
                return None
        return fds, stdin

    def _open(self, target: str, append: bool, opener) -> Sink:
        if target == "/dev/null":
            return Null()
        if target in ("/dev/stdout", "/dev/stderr"):
            return Terminal(self, 1 if target == "/dev/stdout" else 2)
        path = opener(self.session, target, append)
        if not isinstance(path, str):
            raise ExpansionError(f"bash: {target}: {path.reason}")
        return File(self, path, target)

    def _expand_target(self, word: Word) -> str:
        fields = self._expand_words([word])
        if len(fields) != 1:
            raise ExpansionError(f"bash: {word.raw}: ambiguous redirect")
        return fields[0]


def _node_env(host: str) -> dict[str, str]:
    """A fresh root login's variables on a node."""
    return {"HOME": "/root", "USER": "root", "LOGNAME": "root", "PWD": "/root", "HOSTNAME": host,
            "SHELL": "/bin/bash"}


def run_remote(session: Session, line: str, stdin: str = "") -> Result:
    """trainer.sandbox.node.REMOTE_RUNNER: run a command line on the node set in session.host."""
    shell = shell_for(session) or Shell(session)
    return shell.run_remote(line, stdin)


def _restore(env: dict[str, str], saved: dict[str, str | None]) -> None:
    for name, old in saved.items():
        if old is None:
            env.pop(name, None)
        else:
            env[name] = old


__all__ = ["MAX_CONTINUATION", "MAX_DEPTH", "MAX_INPUT", "MAX_LINE", "AndOr", "Command", "Parsed", "Part",
           "Pipeline", "Redirect", "Shell", "Word", "decode_escapes", "parse", "run_remote", "shell_for"]
