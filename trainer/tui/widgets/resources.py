"""A k9s-style live view of the sandbox's nodes, pods, services and endpoints, in kubectl's columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from rich.text import Text
from textual.containers import ScrollableContainer, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.message import Message
from textual.widgets import Input, Static

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


class TextModal(ModalScreen[None]):
    """A scrollable text (a YAML dump or a describe) over the screen; Esc closes it."""

    DEFAULT_CSS = """
    TextModal { align: center middle; }
    TextModal > VerticalScroll { width: 95%; height: 90%; border: thick $primary; background: $panel; }
    """
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="text-close", tooltip="Close this view")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = self.title_text
            yield Static(self.text, markup=False)


class KubectlTable(ScrollableContainer, can_focus=True):
    """kubectl's table as kubectl prints it, with a row cursor (▶ and reverse video).

    One Text instead of a DataTable: redrawing it after every command costs a fraction of a
    DataTable's per-cell rendering, and the columns stay exactly kubectl's.
    """

    DEFAULT_CSS = """
    KubectlTable { height: 1fr; overflow-x: auto; overflow-y: auto; }
    KubectlTable > Static { width: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.header = ""
        self.lines: list[str] = []
        self.cursor = 0

    def compose(self) -> ComposeResult:
        yield Static(id="kubectl-text", markup=False)

    @property
    def row_count(self) -> int:
        """How many rows are shown (after the filter)."""
        return len(self.lines)

    def selected(self) -> str | None:
        """The NAME of the row under the cursor."""
        return self.lines[self.cursor].split()[0] if self.lines else None

    def show(self, header: str, lines: list[str], message: str = "") -> None:
        """Show a header and rows (or a message when there are none)."""
        self.header, self.lines = header, lines
        self.cursor = min(self.cursor, max(len(lines) - 1, 0))
        self._draw(message)

    def move(self, row: int) -> None:
        """Put the cursor on a row and keep it in view."""
        if not self.lines:
            return
        self.cursor = max(0, min(len(self.lines) - 1, row))
        self._draw()
        self.scroll_to(y=max(0, self.cursor + 1 - self.size.height + 2), animate=False)

    def _draw(self, message: str = "") -> None:
        # no_wrap: wrapping would also drop the gutter's leading spaces and break kubectl's columns.
        text = Text(no_wrap=True, overflow="ignore")
        if message:
            text.append(message, style="italic")
        else:
            gutter = "  "
            text.append(gutter + self.header + "\n", style="bold")
            for i, line in enumerate(self.lines):
                selected = i == self.cursor and self.has_focus
                text.append(("▶ " if i == self.cursor else gutter) + line + "\n",
                            style="reverse" if selected else "")
        self.query_one(Static).update(text)

    def on_focus(self) -> None:
        self._draw()

    def on_blur(self) -> None:
        self._draw()


class ResourcesView(Vertical):
    """One kind at a time (`:svc`, `:po`, `:no`, `:ep`), filtered with `/`, refreshed after each command."""

    DEFAULT_CSS = """
    ResourcesView > #resources-title { height: 1; background: $panel; padding: 0 1; }
    ResourcesView > Input { dock: bottom; display: none; }
    ResourcesView > Input.-open { display: block; }
    """
    BINDINGS = [
        Binding("colon", "prompt(':')", "Kind", id="resources-kind", tooltip="Switch kind: :svc :po :no :ep"),
        Binding("slash", "prompt('/')", "Filter", id="resources-filter", tooltip="Show only rows containing text"),
        Binding("y", "yaml", "YAML", id="resources-yaml", tooltip="The selected object as YAML"),
        Binding("d", "describe", "Describe", id="resources-describe", tooltip="kubectl describe the selected object"),
        Binding("question_mark", "app.help", "Help", show=False, id="resources-help", tooltip="Help for this screen"),
        Binding("j,down", "move(1)", "Down", show=False, id="resources-down", tooltip="Next row"),
        Binding("k,up", "move(-1)", "Up", show=False, id="resources-up", tooltip="Previous row"),
        Binding("g,home", "jump('top')", "Top", show=False, id="resources-top", tooltip="First row"),
        Binding("G,end", "jump('bottom')", "Bottom", show=False, id="resources-bottom", tooltip="Last row"),
        Binding("1", "show('nodes')", "Nodes", show=False, id="resources-nodes", tooltip="Show nodes"),
        Binding("2", "show('pods')", "Pods", show=False, id="resources-pods", tooltip="Show pods"),
        Binding("3", "show('services')", "Services", show=False, id="resources-services", tooltip="Show services"),
        Binding("4", "show('endpoints')", "Endpoints", show=False, id="resources-endpoints",
                tooltip="Show endpoint slices"),
    ]

    def __init__(self, session: Session | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.view = "services"
        self.filter = ""
        self._mode = ""

    def compose(self) -> ComposeResult:
        yield Static(id="resources-title")
        yield KubectlTable(id="resources-table")
        yield Input(id="resources-input")

    def on_mount(self) -> None:
        self.refresh_view()

    def set_session(self, session: Session | None) -> None:
        """Show another sandbox (a filter set for the last one does not carry over)."""
        self.session = session
        self.filter = ""
        self.refresh_view()

    def refresh_view(self) -> None:
        """Re-read the cluster through kubectl's own printers and redraw the table."""
        if not self.children:
            return  # not composed yet; on_mount draws it
        title = self.query_one("#resources-title", Static)
        table = self.query_one(KubectlTable)
        shown = f"{self.view}" + (f" matching /{self.filter}" if self.filter else "")
        if self.session is None:
            title.update(f"{shown}: no sandbox")
            table.show("", [], "No sandbox here.")
            return
        result = kubectl(self.session, ["kubectl", *VIEWS[self.view][1]])
        if result.status != 0 or not result.stdout.strip():
            message = (result.stderr or "No resources found in default namespace.").strip().splitlines()[0]
            title.update(f"{shown}: none")
            table.show("", [], message)
            return
        header, *lines = [line for line in result.stdout.splitlines() if line.strip()]
        lines = [line for line in lines if not self.filter or self.filter.lower() in line.lower()]
        table.show(header, lines, "" if lines else f"No {self.view} match /{self.filter}.")
        title.update(f"{shown} ({len(lines)})  1 nodes 2 pods 3 svc 4 endpoints  / filter  y yaml  d describe")

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
        self.query_one(KubectlTable).focus()
        self.refresh_view()

    class Back(Message):
        """Esc in the table: the owner takes the focus back (the console, in Learn)."""

    def key_escape(self, event) -> None:
        event.stop()
        prompt = self.query_one(Input)
        if prompt.has_class("-open"):
            prompt.remove_class("-open")
            self.query_one(KubectlTable).focus()
        elif self.filter:
            self.filter = ""
            self.refresh_view()
        else:
            self.post_message(self.Back())

    def action_move(self, step: int) -> None:
        table = self.query_one(KubectlTable)
        table.move(table.cursor + step)

    def action_jump(self, where: str) -> None:
        table = self.query_one(KubectlTable)
        table.move(0 if where == "top" else table.row_count - 1)

    def _show(self, verb: list[str], title: str) -> None:
        name = self.query_one(KubectlTable).selected()
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
