"""The console's shell: parsing, expansion, pipes, redirections, heredocs, builtins and the registry."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from trainer.engine.cluster import Cluster
from trainer.sandbox.session import Result, Session
from trainer.sandbox.shell import Shell, parse

SEED_NODE_IP = ("NODE_IP=$(kubectl get nodes -o jsonpath="
                "'{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}')")
MANIFEST = "/etc/kubernetes/manifests/kube-apiserver.yaml"


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    return Cluster.default()


@pytest.fixture
def session(cluster: Cluster, tmp_path: Path) -> Session:
    return Session(cluster.clone(), tmp_path, script=True)


@pytest.fixture
def sh(session: Session) -> Shell:
    return Shell(session)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list:
    """Fake kubectl, curl, trace, aws and node modules that record what they were given."""
    log: list = []

    def fake(name: str, out=None):
        def run(session: Session, argv: list[str], stdin: str) -> Result:
            log.append((name, argv, stdin, session.host))
            text = out(argv) if out else f"{name}: {' '.join(argv[1:])}\n"
            return Result(text)
        return run

    def kubectl_out(argv: list[str]) -> str:
        if "jsonpath" in " ".join(argv):
            return "10.0.0.10"  # kubectl's jsonpath output has no trailing newline
        return f"kubectl: {' '.join(argv[1:])}\n"

    def ssh_main(session: Session, argv: list[str], stdin: str) -> Result:
        log.append(("ssh", argv, stdin, session.host))
        session.host = argv[1]
        return Result("")

    def module(name: str, **attrs) -> types.ModuleType:
        mod = types.ModuleType(name)
        mod.__dict__.update(attrs)
        monkeypatch.setitem(sys.modules, name, mod)
        return mod

    module("trainer.sandbox.kubectl.cli", main=fake("kubectl", kubectl_out))
    module("trainer.sandbox.curl", main=fake("curl"), trace_main=fake("trace"))
    module("trainer.sandbox.aws", main=fake("aws"))
    module("trainer.sandbox.node", ssh_main=ssh_main,
           NODE_COMMANDS={"iptables-save": fake("iptables-save"), "kubectl": fake("node-kubectl")})
    return log


def out(sh: Shell, text: str) -> str:
    result = sh.run_script(text)
    assert result.stderr == "", result.stderr
    return result.stdout


# ------------------------------------------------------------------ quoting and comments

def test_quoting_single_double_and_backslash(sh: Shell) -> None:
    assert out(sh, "X=v\necho a\\ b 'c d' \"e $X f\" '$X' \\$X\n") == "a b c d e v f $X $X\n"
    assert out(sh, "echo \"a\\\"b\\$c\\\\d\" 'it'\"'\"'s'\n") == "a\"b$c\\d it's\n"


def test_comments(sh: Shell) -> None:
    assert out(sh, "# a comment\necho a # b; echo c\necho a#b '#c'\n") == "a\na#b #c\n"


def test_ansi_c_quoting(sh: Shell) -> None:
    assert out(sh, "echo $'a\\tb\\x41'\n") == "a\tbA\n"


# ------------------------------------------------------------------ variables

def test_assignment_export_and_braces(sh: Shell, session: Session) -> None:
    assert out(sh, "NODE_IP=10.0.0.11\nexport PORT=31000\necho $NODE_IP:${PORT}/x ${NODE_IP}x\n") == \
        "10.0.0.11:31000/x 10.0.0.11x\n"
    assert session.env["PORT"] == "31000"


def test_exit_status_variable(sh: Shell) -> None:
    assert out(sh, "false; echo $?; true; echo $?\nfalse\necho $?\n") == "1\n0\n1\n"


def test_unquoted_expansions_split_and_quoted_ones_do_not(sh: Shell) -> None:
    assert out(sh, "X='a  b'\necho $X \"$X\"\nE=\necho [$E] [\"$E\"]\n") == "a b a  b\n[] []\n"


def test_parameter_operators(sh: Shell) -> None:
    text = "X=abc\necho ${#X} ${X:-d} ${Y:-dflt} ${Y-u} [${X:+alt}] ${Z:=zed} $Z\n"
    assert out(sh, text) == "3 abc dflt u [alt] zed zed\n"


def test_prefix_assignment_is_temporary_and_assignments_see_earlier_ones(sh: Shell) -> None:
    assert out(sh, "X=1; X=2 true; echo $X\nA=1 B=$A; echo $B\n") == "1\n1\n"


def test_unsupported_and_bad_substitutions(sh: Shell) -> None:
    result = sh.run_script("echo ${X;}\necho ${X/a/b}\necho $((1+2))\n")
    assert result.stderr == (
        "bash: ${X;}: bad substitution\n"
        "nodeport-trainer: ${X/a/b}: this expansion is not supported in this console "
        "(use ${NAME}, ${NAME:-default} or ${#NAME})\n"
        "nodeport-trainer: $((1+2)): arithmetic expansion is not supported in this console\n")
    assert result.status == 1


def test_tilde(sh: Shell, session: Session) -> None:
    assert out(sh, "echo ~ ~/f '~'\n") == f"{session.workspace} {session.workspace}/f ~\n"


# ------------------------------------------------------------------ command substitution

def test_command_substitution_strips_trailing_newlines(sh: Shell) -> None:
    assert out(sh, "Y=$(printf 'a\\n\\n\\n'); echo \"[$Y]\"\necho $(echo a; echo b) `echo c`\n") == "[a]\na b c\n"


def test_nested_substitution_and_quotes_inside(sh: Shell) -> None:
    assert out(sh, "echo \"$(echo \"in \\\"q\\\"\")\" $(echo $(echo deep))\n") == "in \"q\" deep\n"


def test_substitution_status_and_isolation(sh: Shell) -> None:
    assert out(sh, "X=$(exit 3); echo $?\nX=$(Y=1; echo $Y); echo \"$X[$Y]\"\n") == "3\n1[]\n"


def test_the_seed_commands_reach_kubectl_and_curl_intact(sh: Shell, calls: list) -> None:
    text = f"# Get a node IP\n{SEED_NODE_IP}\n# Access the service\ncurl http://$NODE_IP:31000\n"
    assert out(sh, text) == "curl: http://10.0.0.10:31000\n"
    assert calls[0][1] == ["kubectl", "get", "nodes", "-o",
                           'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}']
    assert calls[1][1] == ["curl", "http://10.0.0.10:31000"]


def test_backslash_newline_continuation(sh: Shell, calls: list) -> None:
    text = ("aws ec2 authorize-security-group-ingress \\\n--group-id sg-0123456789abcdef0 \\\n"
            "--protocol tcp \\\n--port 31000 \\\n--cidr 203.0.113.0/24\n")
    sh.run_script(text)
    assert calls == [("aws", ["aws", "ec2", "authorize-security-group-ingress", "--group-id",
                              "sg-0123456789abcdef0", "--protocol", "tcp", "--port", "31000", "--cidr",
                              "203.0.113.0/24"], "", None)]


# ------------------------------------------------------------------ pipes, lists, statuses

def test_pipes_carry_stdin(sh: Shell, calls: list) -> None:
    assert out(sh, "echo abc | sed 's/b/B/' | cat\necho kind: Service | kubectl apply -f -\n") == \
        "aBc\nkubectl: apply -f -\n"
    assert calls[-1][2] == "kind: Service\n"


def test_and_or_semicolon_and_negation(sh: Shell) -> None:
    text = "false && echo no || echo yes\ntrue || echo no && echo yes; echo end\n! false; echo $?\n"
    assert out(sh, text) == "yes\nyes\nend\n0\n"


def test_pipeline_status_is_the_last_commands(sh: Shell) -> None:
    assert sh.run_script("false | true").status == 0
    assert sh.run_script("true | false").status == 1


def test_pipe_both_streams(sh: Shell) -> None:
    assert out(sh, "cat nope |& sed 's/^/> /'\n") == "> cat: nope: No such file or directory\n"


# ------------------------------------------------------------------ heredocs

def test_heredoc_into_a_pipe(sh: Shell, calls: list) -> None:
    text = "NAME=web\ncat <<EOF | kubectl apply -f -\nkind: Service\nname: $NAME\nEOF\necho done\n"
    assert out(sh, text) == "kubectl: apply -f -\ndone\n"
    assert calls[0][2] == "kind: Service\nname: web\n"


def test_heredoc_to_a_file_quoted_and_tab_stripped(sh: Shell, session: Session) -> None:
    text = ("X=1\ncat > svc.yaml <<EOF\na: $X \\$X `echo bt` \"q\"\nEOF\ncat <<'EOF'\nraw $X `x`\nEOF\n"
            "\tcat <<-EOF\n\t\ttabs $X\n\tEOF\n")
    assert out(sh, text) == "raw $X `x`\ntabs 1\n"
    assert (session.workspace / "svc.yaml").read_text() == "a: 1 $X bt \"q\"\n"


def test_two_heredocs_and_a_here_string(sh: Shell) -> None:
    assert out(sh, "cat <<A <<B\na\nA\nb\nB\nX=1; cat <<< \"here $X\"\n") == "b\nhere 1\n"


def test_heredoc_without_terminator_warns_like_bash(sh: Shell) -> None:
    result = sh.run_script("echo first\ncat <<EOF\nbody\n")
    assert result.stdout == "first\nbody\n"
    assert result.stderr == "bash: warning: here-document at line 2 delimited by end-of-file (wanted `EOF')\n"


def test_feeding_lines_waits_for_the_terminator(sh: Shell) -> None:
    assert sh.feed("cat <<EOF\n") is None and sh.continuing
    assert sh.feed("line\n") is None
    result = sh.feed("EOF\n")
    assert result.stdout == "line\n" and not sh.continuing


# ------------------------------------------------------------------ redirections

def test_output_redirections(sh: Shell, session: Session) -> None:
    text = ("echo one > f\necho two >> f\ncat < f\necho x > /dev/null\necho err >&2 | cat\necho piped 2>&1 1>&2 | cat\n"
            "cat nope > g 2>&1; cat g\necho both &> h; cat h\n")
    result = sh.run_script(text)
    assert result.stdout == "one\ntwo\npiped\ncat: nope: No such file or directory\nboth\n"
    assert result.stderr == "err\n"
    assert (session.workspace / "f").read_text() == "one\ntwo\n"


def test_redirection_errors(sh: Shell) -> None:
    result = sh.run_script("cat < missing.txt; echo $?\necho x > nodir/f\nX='a b'; echo x > $X\n"
                           "echo a >&3\ncat /etc/passwd\n")
    assert result.stdout == "1\n"
    assert result.stderr == ("bash: missing.txt: No such file or directory\n"
                             "bash: nodir/f: No such file or directory\n"
                             "bash: $X: ambiguous redirect\nbash: 3: Bad file descriptor\n"
                             "cat: /etc/passwd: Permission denied\n")


def test_truncation_happens_before_the_command_runs(sh: Shell, session: Session) -> None:
    (session.workspace / "f").write_text("data\n")
    assert out(sh, "cat f > f; cat f\n") == ""


def test_globbing(sh: Shell, session: Session) -> None:
    for name in ("b.yaml", "a.yaml", ".hidden.yaml", "c.txt"):
        (session.workspace / name).write_text("")
    assert out(sh, "echo *.yaml; echo '*.yaml' \\*.txt *.none\n") == "a.yaml b.yaml\n*.yaml *.txt *.none\n"


# ------------------------------------------------------------------ syntax errors and bad input

@pytest.mark.parametrize(("line", "message"), [
    ("| kubectl get svc", "bash: syntax error near unexpected token `|'"),
    ("echo a ;;", "bash: syntax error near unexpected token `;;'"),
    ("echo a; ;", "bash: syntax error near unexpected token `;'"),
    ("echo a >", "bash: syntax error near unexpected token `newline'"),
    ("echo a | | cat", "bash: syntax error near unexpected token `|'"),
    ("&& echo a", "bash: syntax error near unexpected token `&&'"),
    ("echo a )", "bash: syntax error near unexpected token `)'"),
    ("kubectl get svc |", "bash: syntax error: unexpected end of file"),
    ("echo a &&", "bash: syntax error: unexpected end of file"),
    ('echo "abc', "bash: unexpected EOF while looking for matching `\"'"),
    ("echo 'abc", "bash: unexpected EOF while looking for matching `''"),
    ("echo $(echo x", "bash: unexpected EOF while looking for matching `)'"),
    ("for i in 1 2; do echo $i; done",
     "nodeport-trainer: `for' is not supported in this console: it runs simple commands joined with |, &&, || and ;"),
    ("sleep 1 &", "nodeport-trainer: `&' is not supported in this console: commands run in the foreground, "
                  "one after another"),
])
def test_syntax_errors_have_bash_wording(sh: Shell, line: str, message: str) -> None:
    result = sh.run_line(line)
    assert (result.stdout, result.stderr, result.status) == ("", message + "\n", 2)


def test_syntax_error_runs_nothing_on_that_line(sh: Shell) -> None:
    assert sh.run_script("echo a; | cat\necho $?\n").stdout == "2\n"


def test_unbalanced_quote_in_a_script_resumes_at_the_next_line(sh: Shell) -> None:
    result = sh.run_script('echo before\necho "oops\necho after\nexit 4\n')
    assert result.stdout == "before\nafter\n"
    assert result.stderr == "bash: unexpected EOF while looking for matching `\"'\n"
    assert result.status == 4


def test_a_quote_may_span_lines(sh: Shell, calls: list) -> None:
    sh.run_script("kubectl patch svc web -p '{\n  \"spec\": {}\n}'\n")
    assert calls[0][1] == ["kubectl", "patch", "svc", "web", "-p", '{\n  "spec": {}\n}']


def test_trailing_pipe_continues_on_the_next_line(sh: Shell) -> None:
    assert out(sh, "echo abc |\nsed 's/a/A/'\n") == "Abc\n"


@pytest.mark.parametrize("line", ["echo a\x00b", "echo \x01\x02", "echo \udcff"])
def test_binary_input_is_one_line_error(sh: Shell, line: str) -> None:
    result = sh.run_script(f"{line}\necho ok\n")
    assert result.stdout == "ok\n"
    assert result.stderr == "nodeport-trainer: line 1: binary data ignored (the console reads text only)\n"


def test_huge_line_is_one_line_error(sh: Shell) -> None:
    result = sh.run_script("echo " + "x" * (10 * 1024 * 1024) + "\necho ok\n")
    assert result.stdout == "ok\n"
    assert result.stderr == ("nodeport-trainer: line 1: input line too long (10485765 characters; "
                             "the limit is 131072); it was ignored\n")


def test_deep_nesting_is_an_error_not_a_crash(sh: Shell) -> None:
    result = sh.run_line("echo " + "$(" * 100 + "x" + ")" * 100)
    assert result.stderr == "nodeport-trainer: command substitutions are nested too deeply\n"


def test_parse_reports_what_it_waits_for() -> None:
    assert parse("cat <<EOF\n", eof=False).waiting == "heredoc"
    assert parse("echo 'a\n", eof=False).waiting == "'"
    assert parse("echo a \\\n", eof=False).waiting == "\\"
    assert parse("echo a |\n", eof=False).waiting == "eof"
    assert parse("echo a\n", eof=False).waiting is None


# ------------------------------------------------------------------ builtins

def test_echo_options(sh: Shell) -> None:
    assert out(sh, "echo -n a; echo -e 'b\\tc'; echo -ne 'd\\ce'; echo -- -n -x\n") == "ab\tc\nd-- -n -x\n"


def test_printf(sh: Shell) -> None:
    text = "printf '%s-%s\\n' a b c\nprintf '%5s|%-3s|%03d|%x\\n' ab c 7 255\nprintf '%d\\n' abc\n"
    result = sh.run_script(text)
    assert result.stdout == "a-b\nc-\n   ab|c  |007|ff\n0\n"
    assert result.stderr == "bash: printf: abc: invalid number\n"


def test_cat(sh: Shell, session: Session) -> None:
    (session.workspace / "a").write_text("A\n")
    result = sh.run_line("cat a nope - a")
    assert (result.stdout, result.stderr, result.status) == ("A\nA\n", "cat: nope: No such file or directory\n", 1)
    result = sh.run_line("cat -z")
    assert result.stderr == "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n"


def test_ls(sh: Shell, session: Session) -> None:
    for name in ("b.yaml", "a.yaml", ".hidden"):
        (session.workspace / name).write_text("")
    (session.workspace / "dir").mkdir()
    assert out(sh, "ls\nls -A dir\n") == "a.yaml\nb.yaml\ndir\n"
    result = sh.run_line("ls nope")
    assert (result.stderr, result.status) == ("ls: cannot access 'nope': No such file or directory\n", 2)


def test_ls_columns_on_a_terminal(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import shutil

    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=None: os.terminal_size((40, 24)))
    for i in range(7):
        (session.workspace / f"file-{i}.yaml").write_text("")
    session.script = False
    # What GNU ls prints with COLUMNS=40, tabs included.
    assert Shell(session).run_line("ls").stdout == ("file-0.yaml  file-3.yaml  file-6.yaml\n"
                                                    "file-1.yaml  file-4.yaml\n"
                                                    "file-2.yaml  file-5.yaml\n")
    assert Shell(session).run_line("ls | cat").stdout == "".join(f"file-{i}.yaml\n" for i in range(7))


def test_sed_in_place_and_to_stdout(sh: Shell, session: Session) -> None:
    (session.workspace / "svc.yaml").write_text("nodePort: 30080\nport: 80\n")
    text = ("sed -i 's/30080/31000/' svc.yaml\ncat svc.yaml\nsed 's|port: \\(8\\)0|&-\\1|g' svc.yaml\n"
            "sed -n '/node/p' svc.yaml\necho aaa | sed 's/a/b/2g'\n")
    assert out(sh, text) == "nodePort: 31000\nport: 80\nnodePort: 31000\nport: 80-8\nnodePort: 31000\nabb\n"


@pytest.mark.parametrize(("script", "message"), [
    ("s/a/b", "sed: -e expression #1, char 5: unterminated `s' command"),
    ("s/a/b/x", "sed: -e expression #1, char 7: unknown option to `s'"),
    ("k", "sed: -e expression #1, char 1: unknown command: `k'"),
    ("s/\\(a/b/", "sed: -e expression #1, char 8: Unmatched ( or \\("),
    ("s/a/\\1/", "sed: -e expression #1, char 7: invalid reference \\1 on `s' command's RHS"),
    ("s/a/b/gg", "sed: -e expression #1, char 8: multiple `g' options to `s' command"),
    ("/x", "sed: -e expression #1, char 2: unterminated address regex"),
])
def test_sed_errors_are_gnu_seds(sh: Shell, session: Session, script: str, message: str) -> None:
    (session.workspace / "f").write_text("a\n")
    result = sh.run_line(f"sed '{script}' f")
    assert (result.stdout, result.stderr, result.status) == ("", message + "\n", 1)


def test_sed_missing_file(sh: Shell) -> None:
    result = sh.run_line("sed -i 's/a/b/' x.yaml")
    assert (result.stderr, result.status) == ("sed: can't read x.yaml: No such file or directory\n", 2)
    assert sh.run_line("sed -i 's/a/b/'").stderr == "sed: no input files\n"


def test_grep_head_tail_wc(sh: Shell, session: Session) -> None:
    (session.workspace / "r").write_text("-A KUBE-NODEPORTS --dport 31000\n-A KUBE-SVC\nother\n")
    text = "grep -c KUBE r\ngrep -n 31000 r\nhead -n 1 r\ntail -1 r\nwc -l r\ncat r | wc -l\n"
    assert out(sh, text) == "2\n1:-A KUBE-NODEPORTS --dport 31000\n-A KUBE-NODEPORTS --dport 31000\nother\n3 r\n3\n"
    assert sh.run_line("grep nothing r").status == 1


def test_pwd_and_cd_stay_in_the_workspace(sh: Shell, session: Session) -> None:
    (session.workspace / "sub").mkdir()
    (session.workspace / "sub" / "f").write_text("in sub\n")
    (session.workspace / "g").write_text("")
    result = sh.run_script("cd sub\npwd\ncat f\ncd ..\ncd ..\ncd nope\ncd g\ncd sub; cd -\ncd\npwd\n")
    assert result.stdout == f"{session.workspace}/sub\nin sub\n{session.workspace}\n{session.workspace}\n"
    assert result.stderr == ("bash: cd: ..: Permission denied\nbash: cd: nope: No such file or directory\n"
                             "bash: cd: g: Not a directory\n")


def test_true_false_and_unknown_commands(sh: Shell) -> None:
    assert sh.run_line("true").status == 0
    assert sh.run_line("false").status == 1
    result = sh.run_line("nosuchcmd arg")
    assert (result.stderr, result.status) == ("bash: nosuchcmd: command not found\n", 127)
    assert sh.run_line("./run.sh").stderr == "bash: ./run.sh: No such file or directory\n"


def test_export_lists_variables(sh: Shell, session: Session) -> None:
    session.env.clear()
    result = sh.run_script("export B='x\"y' A=1\nexport\nexport 1X=2\n")
    assert result.stdout == 'declare -x A="1"\ndeclare -x B="x\\"y"\n'
    assert result.stderr == "bash: export: `1X=2': not a valid identifier\n"


def test_history_and_clear(sh: Shell) -> None:
    assert out(sh, "echo a\n\nclear\nhistory\n") == "a\n\x1b[H\x1b[2J\x1b[3J    1  echo a\n    2  clear\n    3  history\n"


def test_help_lists_what_can_run_here(sh: Shell, calls: list) -> None:
    text = out(sh, "help\n")
    assert text.startswith("Commands on the workstation:\n  kubectl  talk to the cluster's API server\n")
    assert "  aws      the security groups in front of the nodes (aws ec2 ...)\n" in text
    assert "Shell builtins and tools:\n  cat cd clear echo exit export false grep head help history" in text


def test_exit_on_the_workstation_ends_the_session(sh: Shell) -> None:
    result = sh.run_script("echo a\nexit 3\necho never\n")
    assert (result.stdout, result.stderr, result.status, sh.exited) == ("a\n", "", 3, 3)


def test_exit_errors(sh: Shell) -> None:
    assert sh.run_line("exit 1 2").stderr == "bash: exit: too many arguments\n" and sh.exited is None
    result = sh.run_line("exit abc")
    assert (result.stderr, sh.exited) == ("bash: exit: abc: numeric argument required\n", 2)


def test_exit_inside_a_substitution_ends_only_it(sh: Shell) -> None:
    assert out(sh, "X=$(exit 5); echo $?\n") == "5\n" and sh.exited is None


def test_interactive_exit_says_exit(session: Session) -> None:
    session.script = False
    result = Shell(session).run_line("exit")
    assert (result.stderr, result.status) == ("exit\n", 0)
    assert Shell(session).run_line("logout").stderr == "bash: logout: not login shell: use `exit'\n"


# ------------------------------------------------------------------ node shells

def test_ssh_to_a_node_and_back(sh: Shell, session: Session, calls: list) -> None:
    session.node_files["controlplane"] = {MANIFEST: "    - --service-node-port-range=30000-32767\n"}
    text = ("X=ws\nssh controlplane\necho \"[$X]\" $PWD\niptables-save\nkubectl get pods\n"
            "cd /etc/kubernetes/manifests; ls\n"
            "sed -i 's/--service-node-port-range=.*/--service-node-port-range=20000-40000/' kube-apiserver.yaml\n"
            "exit 4\necho $? $X\nkubectl get pods\n")
    result = sh.run_script(text)
    assert result.stdout == ("[] /root\niptables-save: \nnode-kubectl: get pods\nkube-apiserver.yaml\n4 ws\n"
                             "kubectl: get pods\n")
    assert result.stderr == "logout\nConnection to controlplane closed.\n"
    assert session.host is None and sh.exited is None
    assert session.node_files["controlplane"][MANIFEST] == "    - --service-node-port-range=20000-40000\n"
    assert [c[3] for c in calls] == [None, "controlplane", "controlplane", None]


def test_help_on_a_node(sh: Shell, session: Session, calls: list) -> None:
    session.host = "node01"
    text = out(sh, "help\n")
    assert text.startswith("Commands on node01:\n  iptables-save  print the node's iptables rules")
    assert text.endswith("`exit` returns to the workstation.\n")


def test_end_of_input_on_a_node_logs_out(session: Session, calls: list) -> None:
    shell = Shell(session)
    shell.run_line("ssh node01")
    result = shell.end_of_input()
    assert (result.stderr, session.host, shell.exited) == ("logout\nConnection to node01 closed.\n", None, None)


# ------------------------------------------------------------------ the registry

def test_a_missing_module_is_command_not_found(sh: Shell, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trainer.sandbox.aws", None)  # importing it raises ImportError
    result = sh.run_line("aws ec2 describe-security-groups")
    assert (result.stderr, result.status) == ("bash: aws: command not found\n", 127)


def test_a_crashing_command_is_an_internal_error(sh: Shell, calls: list) -> None:
    def boom(session: Session, argv: list[str], stdin: str) -> Result:
        raise ValueError("boom")

    sys.modules["trainer.sandbox.curl"].main = boom
    result = sh.run_script("curl http://x; echo after $?\n")
    assert result.stderr == "nodeport-trainer: internal error in curl: ValueError: boom\n"
    assert result.stdout == "after 1\n"


def test_a_broken_module_is_an_internal_error(sh: Shell, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def broken(name: str, *args):
        if name == "trainer.sandbox.aws":
            raise SyntaxError("invalid syntax")
        return real(name, *args)

    monkeypatch.delitem(sys.modules, "trainer.sandbox.aws", raising=False)
    monkeypatch.setattr(importlib, "import_module", broken)
    assert sh.run_line("aws").stderr == "nodeport-trainer: internal error in aws: SyntaxError: invalid syntax\n"


def test_lookup_prefers_builtins_then_host_commands(session: Session, calls: list) -> None:
    from trainer.sandbox import builtins, commands

    assert commands.lookup(session, "echo") is builtins.echo
    assert commands.lookup(session, "trace") is sys.modules["trainer.sandbox.curl"].trace_main
    assert commands.lookup(session, "iptables-save") is None
    session.host = "node01"
    assert commands.lookup(session, "iptables-save") is sys.modules["trainer.sandbox.node"].NODE_COMMANDS[
        "iptables-save"]
    assert commands.lookup(session, "cat") is builtins.cat
    assert commands.lookup(session, "aws") is None


# ------------------------------------------------------------------ after each line

def test_hooks_notices_and_the_clock(sh: Shell, session: Session) -> None:
    seen = []
    session.after_command.append(lambda s: (seen.append(s.cluster.clock.now), s.notices.append("kubelet: restarted")))
    start = session.cluster.clock.now
    result = sh.run_script("echo a; echo b\n\n# only a comment\ncat <<EOF\nx\nEOF\n")
    assert result.stdout == "a\nb\nx\n"
    assert result.stderr == "kubelet: restarted\nkubelet: restarted\n"
    assert seen == [start, start + 1]
    assert session.cluster.clock.now == start + 2


def test_a_failing_hook_is_reported(sh: Shell, session: Session) -> None:
    def kubelet(s: Session) -> None:
        raise RuntimeError("manifest unreadable")

    session.after_command.append(kubelet)
    result = sh.run_line("true")
    assert result.stderr == "nodeport-trainer: internal error in kubelet: RuntimeError: manifest unreadable\n"


def test_sleep_advances_the_clock(sh: Shell, session: Session) -> None:
    start = session.cluster.clock.now
    sh.run_line("sleep 30")
    assert session.cluster.clock.now == start + 31
    assert sh.run_line("sleep x").stderr == ("sleep: invalid time interval \u2018x\u2019\n"
                                             "Try 'sleep --help' for more information.\n")


def test_ssh_with_a_command_runs_it_through_this_shell(sh: Shell, session: Session, calls: list) -> None:
    from trainer.sandbox import commands

    node = sys.modules["trainer.sandbox.node"]
    node.REMOTE_RUNNER = None
    commands.node_commands()
    assert node.REMOTE_RUNNER is not None
    session.env["X"] = "ws"
    session.host = "node01"  # as ssh's run_on sets it around the call
    result = node.REMOTE_RUNNER(session, "echo [$X] $HOSTNAME; iptables-save | grep -c rules; nosuch; exit 3", "")
    assert (result.stdout, result.stderr, result.status) == (
        "[] node01\n0\n", "bash: line 1: nosuch: command not found\n", 3)
    assert session.env["X"] == "ws" and sh.exited is None
    assert node.REMOTE_RUNNER(session, "| x", "").stderr == "bash: -c: line 1: syntax error near unexpected token `|'\n"
