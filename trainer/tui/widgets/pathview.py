"""The last curl or trace drawn hop by hop: client, node, chains, DNAT, the next node, SNAT, the Pod."""

from __future__ import annotations

from fractions import Fraction

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

#: Hops that only pass the packet along (base-chain jumps, marks, policies); shown with `a`.
_PLUMBING = ("jump KUBE-SERVICES", "jump KUBE-NODEPORTS", "jump KUBE-POSTROUTING", "jump KUBE-FORWARD",
             "jump KUBE-PROXY-FIREWALL", "jump KUBE-EXTERNAL-SERVICES", "jump KUBE-FIREWALL", "policy ", "RETURN",
             "MARK ")


def _short(chain: str) -> str:
    """KUBE-SVC-IA3S3BGRF2FRVHAM -> KUBE-SVC-IA3S…: the hash is long and the prefix says what it is."""
    for prefix in ("KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-SEP-", "KUBE-FW-"):
        if chain.startswith(prefix):
            return chain[: len(prefix) + 4] + "…"
    return chain


def _step(hop) -> tuple[str, str]:
    """(label, words) for one hop; the label names the kind of step in words."""
    where = f"{hop.table}/{_short(hop.chain)}" if hop.chain else hop.table
    action = hop.action
    if action.startswith("DNAT"):
        return "DNAT", f"{where}: destination rewritten {action[5:].strip()}"
    if action.startswith("MASQUERADE") or action.startswith("SNAT"):
        return "SNAT", f"{where}: {action.split()[0]} (the source becomes this node's address)"
    if action.startswith("jump KUBE-MARK-MASQ"):
        return "mark", f"{where}: marked for SNAT (KUBE-MARK-MASQ)"
    if hop.table == "routing":
        return "route", f"{hop.rule} ({action})"
    if action.startswith("jump "):
        target = _short(action[5:])
        if "--dport" in hop.rule:
            port = hop.rule.split("--dport", 1)[1].split()[0]
            return "match", f"{where}: --dport {port} matches, to {target}"
        if "statistic" in hop.rule or hop.chain.startswith(("KUBE-SVC-", "KUBE-SVL-")):
            return "pick", f"{where}: endpoint chosen, to {target}"
        return "jump", f"{where}: to {target}"
    if action.startswith(("DROP", "REJECT")):
        return action.split()[0], f"{where}: {hop.rule}"
    return "rule", f"{where}: {action}"


def render(last, show_all: bool = False) -> Text:
    """The drawing for a curl.LastTrace (or a message when there is none yet)."""
    if last is None:
        return Text("No connection yet. Run curl http://NODE_IP:NODEPORT or trace SRC DST:PORT in the console,\n"
                    "and its path through kube-proxy's rules is drawn here.", style="italic")
    report = last.report
    if report is None or not report.outcomes:
        return Text(f"No path to draw: {last.reason or 'the connection was not traced'}.", style="italic")
    outcome = last.chosen or report.outcomes[0]
    out = Text()
    n = report.outcomes.index(outcome) + 1 if outcome in report.outcomes else 1
    who = "curl drew" if last.chosen is not None else "trace shows"
    share = Fraction(outcome.probability)
    out.append(f"{report.src} -> {report.dst}:{report.port}/{report.protocol}: {who} path {n} of "
               f"{len(report.outcomes)} (probability {float(share):.0%}). Result: {outcome.verdict.upper()}\n",
               style="bold")
    out.append(f"CLIENT {report.src} ({report.origin})\n", style="bold")
    out.append(f"  │ to {report.dst}:{report.port}\n  ▼\n")
    node = None
    for hop in outcome.hops:
        if hop.table == "pod":
            continue
        if hop.node != node:
            node = hop.node
            out.append(f"NODE {node}\n", style="bold")
        label, words = _step(hop)
        plumbing = any(hop.action.startswith(p) or p in hop.action for p in _PLUMBING) and label in ("jump", "rule")
        if plumbing and not show_all:
            continue
        style = {"DNAT": "bold", "SNAT": "bold", "DROP": "bold", "REJECT": "bold"}.get(label, "")
        out.append(f"  ├ {label:<6} {words}\n", style=style)
        if show_all:
            out.append(f"  │        {hop.rule}\n", style="dim")
        if label == "route":
            out.append("  ▼\n")
    if outcome.pod:
        port = (outcome.target or "").rpartition(":")[2]
        out.append(f"  ▼\nPOD {outcome.pod} on {outcome.node}, port {port}\n", style="bold")
    if outcome.source_seen:
        out.append(f"  the receiver sees source {outcome.source_seen}"
                   f"{' (SNAT: not the client)' if outcome.source_seen != report.src else ' (the client itself)'}\n")
    if outcome.detail:
        out.append(f"  {outcome.detail}\n", style="italic")
    if len(report.outcomes) > 1:
        others = ", ".join(f"{float(o.probability):.0%} {o.verdict} via {o.pod or o.node}"
                           for o in report.outcomes if o is not outcome)
        out.append(f"Other paths: {others}\n", style="dim")
    out.append("(a: every rule on the path)", style="dim")
    return out


class PathView(VerticalScroll):
    """Draws the session's last traced connection; `a` toggles every rule on the path."""

    BINDINGS = [Binding("a", "toggle_all", "All rules", id="path-all", tooltip="Show every rule the packet met")]

    class Back(Message):
        """Esc in the path view: the owner takes the focus back."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.last = None
        self.show_all = False

    def key_escape(self, event) -> None:
        event.stop()
        self.post_message(self.Back())

    def compose(self):
        yield Static(render(None), id="path-text")

    def show(self, last) -> None:
        """Draw a connection (curl.LastTrace)."""
        self.last = last
        self.query_one("#path-text", Static).update(render(last, self.show_all))

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.show(self.last)
