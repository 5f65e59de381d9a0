"""A k9s-style live view of the sandbox's nodes, pods, services and endpoints, in kubectl's columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from ...sandbox.kubectl.cli import main as kubectl
from ...sandbox.session import Session

#: The views, by the words `:` accepts, with the kubectl arguments that print them.
VIEWS = {
    "nodes": ("nodes", ["get", "nodes", "-o", "wide"]),
    "pods": ("pods", ["get", "pods", "-o", "wide"]),
    "services": ("services", ["get", "services"]),
    "endpoints": ("endpointslices", ["get", "endpointslices"]),
}
ALIASES = {"no": "nodes", "node": "nodes", "nodes": "nodes", "po": "pods", "pod": "pods", "pods": "pods",
           "svc": "services", "service": "services", "services": "services", "ep": "endpoints",
           "endpoints": "endpoints", "eps": "endpoints", "endpointslices": "endpoints"}


def parse_table(text: str) -> tuple[list[str], list[list[str]]]:
    """Split kubectl's table output into columns at the header's word starts (kubectl pads with spaces)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [], []
    header = lines[0]
    starts = [i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[i - 1] == " ")]
    names = [header[a:b].strip() for a, b in zip(starts, starts[1:] + [len(header) + 1000])]
    rows = []
    for line in lines[1:]:
        rows.append([line[a:b].strip() for a, b in zip(starts, starts[1:] + [len(line) + 1000])])
    return names, rows


class TextModal(ModalScreen[None]):
    """A scrollable text (a YAML dump or a describe) over the screen; Esc closes it."""

    DEFAULT_CSS = """
    TextModal { align: center middle; }
    TextModal > VerticalScroll { width: 95%; height: 90%; border: thick $primary; background: $panel; }
    """
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="text-close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = self.title_text
            yield Static(self.text, markup=False)


class ResourcesView(Vertical):
    """One kind at a time (`:svc`, `:po`, `:no`, `:ep`), filtered with `/`, refreshed after each command."""

    DEFAULT_CSS = """
    ResourcesView > #resources-title { height: 1; background: $panel; padding: 0 1; }
    ResourcesView > DataTable { height: 1fr; }
    ResourcesView > Input { dock: bottom; display: none; }
    ResourcesView > Input.-open { display: block; }
    """
    BINDINGS = [
        Binding("colon", "prompt(':')", "Kind", id="resources-kind", tooltip="Switch kind: :svc :po :no :ep"),
        Binding("slash", "prompt('/')", "Filter", id="resources-filter", tooltip="Show only rows containing text"),
        Binding("y", "yaml", "YAML", id="resources-yaml", tooltip="The selected object as YAML"),
        Binding("d", "describe", "Describe", id="resources-describe", tooltip="kubectl describe the selected object"),
        Binding("question_mark", "app.help", "Help", show=False, id="resources-help"),
        Binding("j", "move(1)", "Down", show=False, id="resources-down"),
        Binding("k", "move(-1)", "Up", show=False, id="resources-up"),
        Binding("g", "jump('top')", "Top", show=False, id="resources-top"),
        Binding("G", "jump('bottom')", "Bottom", show=False, id="resources-bottom"),
        Binding("1", "show('nodes')", "Nodes", show=False, id="resources-nodes"),
        Binding("2", "show('pods')", "Pods", show=False, id="resources-pods"),
        Binding("3", "show('services')", "Services", show=False, id="resources-services"),
        Binding("4", "show('endpoints')", "Endpoints", show=False, id="resources-endpoints"),
    ]

    def __init__(self, session: Session | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.view = "services"
        self.filter = ""
        self._mode = ""

    def compose(self) -> ComposeResult:
        yield Static(id="resources-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="resources-table")
        yield Input(id="resources-input")

    def on_mount(self) -> None:
        self.refresh_view()

    def set_session(self, session: Session | None) -> None:
        """Show another sandbox."""
        self.session = session
        self.refresh_view()

    def refresh_view(self) -> None:
        """Re-read the cluster through kubectl's own printers and redraw the table."""
        if not self.children:
            return  # not composed yet; on_mount draws it
        title = self.query_one("#resources-title", Static)
        table = self.query_one(DataTable)
        resource, args = VIEWS[self.view]
        shown = f"{self.view}" + (f" matching /{self.filter}" if self.filter else "")
        keys = "  1 nodes 2 pods 3 services 4 endpoints  / filter  y yaml  d describe"
        if self.session is None:
            title.update(f"{shown}: no sandbox")
            table.clear(columns=True)
            return
        result = kubectl(self.session, ["kubectl", *args])
        cursor = table.cursor_row
        table.clear(columns=True)
        if result.status != 0 or not result.stdout.strip():
            message = (result.stderr or "No resources found in default namespace.").strip().splitlines()[0]
            title.update(f"{shown}: {message}")
            return
        names, rows = parse_table(result.stdout)
        rows = [r for r in rows if not self.filter or any(self.filter.lower() in cell.lower() for cell in r)]
        table.add_columns(*names)
        for row in rows:
            table.add_row(*row, key=row[0])
        title.update(f"{shown} ({len(rows)}){keys}")
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.get_row_at(table.cursor_row)[0])

    def action_show(self, view: str) -> None:
        """Show another kind."""
        self.view, self.filter = view, ""
        self.refresh_view()

    def action_prompt(self, mode: str) -> None:
        """Open the `:` (kind) or `/` (filter) prompt."""
        prompt = self.query_one(Input)
        self._mode = mode
        prompt.placeholder = "kind: svc, po, no or ep" if mode == ":" else "filter text (empty shows all)"
        prompt.value = ""
        prompt.add_class("-open")
        prompt.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        prompt = self.query_one(Input)
        prompt.remove_class("-open")
        if self._mode == ":":
            word = event.value.strip().lstrip(":").lower()
            if word in ALIASES:
                self.view, self.filter = ALIASES[word], ""
            else:
                self.notify(f"unknown kind {word!r}: try svc, po, no or ep", severity="warning")
        else:
            self.filter = event.value.strip()
        self.query_one(DataTable).focus()
        self.refresh_view()

    def key_escape(self) -> None:
        prompt = self.query_one(Input)
        if prompt.has_class("-open"):
            prompt.remove_class("-open")
            self.query_one(DataTable).focus()

    def action_move(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.action_cursor_down() if step > 0 else table.action_cursor_up()

    def action_jump(self, where: str) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=0 if where == "top" else table.row_count - 1)

    def _show(self, verb: list[str], title: str) -> None:
        name = self._selected()
        if name is None or self.session is None:
            return
        resource = VIEWS[self.view][0]
        result = kubectl(self.session, ["kubectl", *verb[:1], resource, name, *verb[1:]])
        self.app.push_screen(TextModal(f"{title} {resource}/{name} (Esc closes)", result.stdout or result.stderr))

    def action_yaml(self) -> None:
        """Show the selected object as YAML."""
        self._show(["get", "-o", "yaml"], "kubectl get -o yaml")

    def action_describe(self) -> None:
        """Describe the selected object."""
        self._show(["describe"], "kubectl describe")
