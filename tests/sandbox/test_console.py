"""The sandbox console: `nodeport-trainer sandbox` as a script runner and as an interactive prompt."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trainer.engine.cluster import Cluster
from trainer.sandbox import console

ROOT = Path(__file__).resolve().parents[2]


def sandbox(*args: str, stdin: bytes = b"", cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer", "sandbox", *args], input=stdin, cwd=cwd,
                          capture_output=True, timeout=60, env=env)


def run_in_process(script: str, workspace: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = console.main(Cluster.default(), workspace, None, io.StringIO(script), out, err)
    return status, out.getvalue(), err.getvalue()


# ------------------------------------------------------------------ script mode

def test_script_mode_prints_only_the_commands_output(tmp_path: Path) -> None:
    script = b"# a comment\necho hello\nnosuchcmd\ncat <<EOF\nbody\nEOF\nfalse\n"
    result = sandbox("--workspace", str(tmp_path), stdin=script)
    assert result.stdout == b"hello\nbody\n"
    assert result.stderr == b"bash: nosuchcmd: command not found\n"
    assert result.returncode == 1


def test_exit_ends_the_script_with_its_status() -> None:
    assert run_in_process("echo a\nexit 3\necho never\n") == (3, "a\n", "")


def test_exit_status_is_the_last_commands() -> None:
    assert run_in_process("false\ntrue\n")[0] == 0
    assert run_in_process("true\nnosuchcmd\n")[0] == 127


def test_a_workspace_is_created_and_kept(tmp_path: Path) -> None:
    workspace = tmp_path / "new" / "ws"
    status, out, err = run_in_process("echo kind: Service > svc.yaml\npwd\n", workspace)
    assert (status, out, err) == (0, f"{workspace}\n", "")
    assert (workspace / "svc.yaml").read_text() == "kind: Service\n"


def test_the_default_workspace_is_temporary() -> None:
    status, out, _ = run_in_process("pwd\n")
    assert status == 0 and out.startswith("/") and not Path(out.strip()).exists()


def test_a_workspace_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    err = io.StringIO()
    status = console.main(Cluster.default(), tmp_path / "f", None, io.StringIO(""), io.StringIO(), err)
    assert (status, err.getvalue()) == (2, f"error: --workspace {tmp_path / 'f'}: File exists\n")


def test_each_line_advances_the_clock_by_one_second() -> None:
    cluster = Cluster.default()
    start = cluster.clock.now
    console.main(cluster, None, None, io.StringIO("true\n\ntrue\ntrue\n"), io.StringIO(), io.StringIO())
    assert cluster.clock.now == start + 3


def test_binary_and_overlong_input_is_refused_line_by_line() -> None:
    data = b"echo one\n\x00\xff garbage\nbad \xc3\x28 utf8\n" + b"x" * (200 * 1024) + b"\necho two\n"
    result = sandbox(stdin=data)
    assert result.stdout == b"one\ntwo\n"
    assert result.stderr == (b"nodeport-trainer: line 2: binary data ignored (the console reads text only)\n"
                             b"nodeport-trainer: line 3: binary data ignored (the console reads text only)\n"
                             b"nodeport-trainer: line 4: input line too long (over 131072 characters); "
                             b"it was ignored\n")
    assert result.returncode == 0


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    result = sandbox("--client-ip", "not-an-ip")
    assert result.returncode == 2
    assert result.stderr.endswith(b"error: argument --client-ip: not an IPv4 address: 'not-an-ip'\n")
    result = sandbox("--cluster", str(tmp_path / "missing.yaml"))
    assert (result.returncode, result.stderr) == (2, f'error: the path "{tmp_path / "missing.yaml"}" does not '
                                                      "exist\n".encode())


def test_help_describes_the_script_mode() -> None:
    result = subprocess.run([sys.executable, "-m", "trainer", "sandbox", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: nodeport-trainer sandbox [-h] [--cluster FIXTURE.yaml]")
    assert "--client-ip IP" in result.stdout


# ------------------------------------------------------------------ interactive mode

pty = pytest.importorskip("pty")


class Terminal:
    """A child process on a pseudo-terminal, read until the expected text shows."""

    def __init__(self, args: list[str], env: dict) -> None:
        # pty.fork makes the terminal the child's controlling one, so Ctrl-C sends SIGINT.
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # pragma: no cover - the child
            os.chdir(ROOT)
            os.execvpe(args[0], args, env)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> str:
        import select

        deadline = time.monotonic() + timeout
        while text not in self.seen:
            ready, _, _ = select.select([self.master], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise AssertionError(f"never saw {text!r}; got {self.seen!r}")
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise AssertionError(f"child ended before {text!r}; got {self.seen!r}")
            self.seen += chunk.decode(errors="replace").replace("\r\n", "\n")
        before, _, self.seen = self.seen.partition(text)
        return before

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> int:
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return os.waitstatus_to_exitcode(status)
                time.sleep(0.05)
            os.kill(self.pid, 9)
            raise AssertionError("the console did not exit")
        finally:
            os.close(self.master)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_interactive_prompt(tmp_path: Path) -> None:
    env = dict(os.environ, TERM="dumb", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    term = Terminal([sys.executable, "-m", "trainer", "sandbox", "--client-ip", "198.51.100.9"], env)
    prompt = "learner@workstation (198.51.100.9) $ "
    banner = term.expect(prompt)
    assert "nodeport-trainer sandbox: a kubeadm cluster (controlplane, node01, node02). " \
           "Type `help` for the commands; `exit` or Ctrl-D leaves." in banner
    term.send("echo hi\n")
    assert term.expect(prompt).endswith("hi\n")
    term.send("cat <<EOF\n")
    term.expect("> ")
    term.send("body\n")
    term.expect("> ")
    term.send("EOF\n")
    assert term.expect(prompt).endswith("body\n")
    term.send("echo 'open\n")
    term.expect("> ")
    # readline shows the prompt before it waits for input; a SIGINT in between is only seen at
    # the next key (a CPython readline race no hand is fast enough to hit), so let it settle.
    time.sleep(0.3)
    term.send("\x03")  # Ctrl-C drops the unfinished line
    term.expect(prompt)
    term.send("nosuchcmd\n")
    assert "bash: nosuchcmd: command not found\n" in term.expect(prompt)
    term.send("\x04")  # Ctrl-D leaves, saying so as bash does
    term.expect("exit\n")
    assert term.close() == 127
    assert "echo hi" in (tmp_path / "data" / "nodeport-trainer" / "sandbox_history").read_text()
