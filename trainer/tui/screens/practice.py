"""Practice: a pack's items by kind on the left, the open item's panel on the right."""

from __future__ import annotations

from collections import Counter

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from ...content.model import Item, Pack
from ..labels import KIND_GROUPS, KIND_LABELS
from ..widgets.items import ItemPanel, panel_for
from ..widgets.review_bar import ReviewBar
from .practice_review import ReviewingScreen

#: Kinds in the order a learner meets them, and their group names.
#: Below this width the item list folds away while an item has the focus (Esc brings it back).
_NARROW = 100

_INTRO = """
# Practice

Pick an item on the left: **↑/↓** or **j/k** move, **Enter** opens it, **/** filters the list
(by words in the title, a kind such as `drill`, or a topic such as `traffic-policy`).

Every answer is checked by the engine on a simulated cluster. Press **F1** for the keys.
"""


class ItemList(OptionList):
    """The items, grouped by kind; j/k/g/G move as in k9s and vi."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="practice-list-down", tooltip="Next item"),
        Binding("k", "cursor_up", "Up", show=False, id="practice-list-up", tooltip="Previous item"),
        Binding("g", "first", "First", show=False, id="practice-list-first", tooltip="First item"),
        Binding("G", "last", "Last", show=False, id="practice-list-last", tooltip="Last item"),
        Binding("slash", "screen.filter", "Filter", id="practice-filter",
                tooltip="Filter items by words in the title, kind or topic"),
    ]


def matches(item: Item, pack: Pack, words: list[str]) -> bool:
    """Whether every word of a filter is in the item's title, id, kind or topics."""
    haystack = " ".join([item.title, item.id, item.kind, KIND_LABELS.get(item.kind, ""), *item.topics,
                         *(pack.topics.get(t, "") for t in item.topics)]).casefold()
    return all(word in haystack for word in words)


def _has(listing: OptionList, option_id: str) -> bool:
    return any(option.id == option_id for option in listing.options)


class PracticeScreen(ReviewingScreen):
    """Every item kind from the packs, answered here and checked by the engine."""

    HELP = """
# Practice

The left column lists the pack's items by kind; the right shows the open item. A mark before each
title says how it went in this session: **✓** passed, **✗** tried and not passed yet, **·** not tried.

- **Quiz**: choose (Space or Enter; several may be right when the prompt says so) or type an
  answer, then **Ctrl+S**. The choices are shuffled on every try.
- **Predict the outcome**: commit to what will happen first (**Ctrl+S**); only then does the
  engine run the scenario and show what really happened.
- **Drill**: edit the YAML in the editor (tabs when there are several files), then **Ctrl+S**
  applies it to a fresh copy of the cluster and runs the checks. **F7** first tries your files
  in a sandbox of the drill's cluster, with a console for `kubectl` and `curl` (checking never
  uses that sandbox). **Esc** leaves the editor.
- **Troubleshooting**: a broken cluster in a live console. Investigate and fix it, then
  **Ctrl+S** checks the cluster as it stands.
- **Command**: type one command; **Enter** runs it on a fresh copy of the cluster (and on other
  clusters, so that it must read what it prints rather than hard-code it).

A check result says PASS or FAIL (with ✓ or ✗) for each check, what it expected and observed,
why it matters, and for a failed connection the hop where the path broke. The explanation
follows every answer; after a pass, the reference solution (as a diff against your files for
a drill).

## Keys in the item list

| key | does |
|---|---|
| ↑/↓ or j/k, g/G | move; first, last |
| Enter | open the item |
| / | filter by words in the title, a kind (`drill`) or a topic (`traffic-policy`) |

Below 100 columns the list folds away while you work on an item; **Esc** brings it back.

## Keys in an item

| key | does |
|---|---|
| Ctrl+S (or F9) | submit, commit, check or run |
| Ctrl+T (or F8) | the next hint, after a confirm that names its cost (a share of the score) |
| Ctrl+R | try again: reshuffle a quiz, reset a drill's files, restart a broken cluster |
| Esc | back to the item list |
""" + ReviewingScreen.REVIEW_HELP
    BINDINGS = [
        Binding("escape", "browse", "Items", id="practice-browse", tooltip="Back to the list of items"),
        *ReviewingScreen.BINDINGS,  # listed here too, so that the help (F1) shows them
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pack: Pack | None = None
        self.item: Item | None = None
        self._pending: tuple[str, str] | None = None
        self._ready = False
        #: Per item id: True once passed, False while only failed (this session).
        self._marks: dict[str, bool] = {}
        #: Per item id: the latest grade this session (the score after hints is `.score`).
        self.grades: dict[str, ItemPanel.Graded] = {}
        #: How often each item was opened: the next panel's attempt number.
        self._opened: Counter[str] = Counter()
        #: Hints taken per item, across reopenings (a hint's cost cannot be dodged by reopening).
        self.hints_used: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="practice-body"):
            with Vertical(id="practice-side"):
                yield Input(placeholder="/ filter", id="practice-filter", compact=True)
                yield ItemList(id="practice-list")
            with Vertical(id="practice-main"):
                with Vertical(id="practice-item"):
                    yield Markdown(_INTRO, id="practice-intro", open_links=False)
                yield ReviewBar(id="practice-review")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._ready = True
        pending, self._pending = self._pending, None
        last = self.state.last
        pack_id = pending[0] if pending else last.get("pack", "") if last.get("kind") == "item" else ""
        self.pack = self.state.pack(pack_id) or (self.state.sound[0] if self.state.sound else None)
        self._fill()
        self.show_review()
        if pending:
            self.call_later(self.open_item, *pending)
        elif self.pack is None:
            self.query_one("#practice-intro", Markdown).update(
                "# Practice\n\nNo content pack is loaded, so there is nothing to practise. Home (F2) lists "
                "the packs found and their problems.")
        else:
            self.query_one(ItemList).focus()

    # ----------------------------------------------------------------- the list

    def _fill(self) -> None:
        """List the pack's items that match the filter, grouped by kind."""
        listing = self.query_one(ItemList)
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        if self.pack is None:
            return
        words = self.query_one("#practice-filter", Input).value.casefold().split()
        usable = [i for i in self.pack.items if not i.broken and matches(i, self.pack, words)]
        for kind, label in KIND_GROUPS.items():
            group = [i for i in usable if i.kind == kind]
            if group:
                listing.add_option(Option(f"── {label} ({len(group)})", id=f"kind:{kind}", disabled=True))
                listing.add_options(Option(self._label(i), id=i.id) for i in group)
        target = highlighted or (self.item.id if self.item else None)
        if target and _has(listing, target):
            listing.highlighted = listing.get_option_index(target)
        elif listing.option_count:
            listing.action_first()

    def _label(self, item: Item) -> str:
        mark = {True: "✓", False: "✗"}.get(self._marks.get(item.id), "·")
        return f"{mark} {item.title}"

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "practice-filter":
            self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "practice-filter":
            event.stop()
            self.query_one(ItemList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.pack is not None and event.option.id and not event.option.id.startswith("kind:"):
            self.state.remember("item", self.pack.id, event.option.id)
            self.call_later(self.open_item, self.pack.id, event.option.id)

    def action_filter(self) -> None:
        """Type a filter for the list."""
        self.query_one("#practice-filter", Input).focus()

    def action_browse(self) -> None:
        """Back to the list (Esc in the filter clears it first)."""
        box = self.query_one("#practice-filter", Input)
        if box.has_focus and box.value:
            box.value = ""
        self.query_one(ItemList).focus()

    # ----------------------------------------------------------------- the item

    def on_hint_box_shown(self, event) -> None:
        if self.item is not None:
            self.hints_used[self.item.id] = max(self.hints_used.get(self.item.id, 0), event.number)

    def show_item(self, pack_id: str, item_id: str) -> None:
        """Open an item; before the screen is mounted the request waits for on_mount."""
        if self._ready:
            self.call_later(self.open_item, pack_id, item_id)
        else:
            self._pending = (pack_id, item_id)

    async def open_item(self, pack_id: str, item_id: str) -> None:
        """Replace the right side with the item's panel and give it the focus.

        Args:
            pack_id: the pack (the list switches to it).
            item_id: the item; one that is not loaded gets a message instead.
        """
        pack = self.state.pack(pack_id)
        item = pack.item(item_id) if pack else None
        host = self.query_one("#practice-item")
        await host.remove_children()
        if pack is None or item is None:
            await host.mount(Static(f"✗ The item {item_id!r} is not in a loaded pack. Pick another on the left.",
                                    classes="fail", markup=False))
            return
        if pack is not self.pack:
            self.pack = pack
            self._fill()
        self.item = item
        try:
            panel = panel_for(item, pack, self._opened[item.id], self.hints_used.get(item.id, 0))
            self._opened[item.id] += 1
            await host.mount(panel)
        except Exception as exc:  # a pack the loader let through must never crash the app
            await host.remove_children()
            await host.mount(Static(f"✗ This item cannot be shown: {type(exc).__name__}: {exc}\nIt is a problem "
                                    "in the content pack, not yours.", classes="fail", markup=False))
            return
        listing = self.query_one(ItemList)
        if _has(listing, item.id):
            listing.highlighted = listing.get_option_index(item.id)
        self.item_opened()
        panel.focus_answer()
        # Focusing the answer scrolls it into view; the task above it must be what the learner sees first.
        self.call_after_refresh(panel.scroll_home, animate=False)
        self._fold()

    @property
    def panel(self) -> ItemPanel | None:
        """The open item's panel."""
        return next(iter(self.query_one("#practice-item").query_children(ItemPanel)), None)

    def on_item_panel_graded(self, event: ItemPanel.Graded) -> None:
        event.stop()
        self.grades[event.item.id] = event
        self._marks[event.item.id] = self._marks.get(event.item.id, False) or event.result.passed
        listing = self.query_one(ItemList)
        if _has(listing, event.item.id):
            listing.replace_option_prompt(event.item.id, self._label(event.item))
        self.record_graded(event)

    # ----------------------------------------------------------------- narrow terminals

    def _fold(self) -> None:
        """At 80 columns the list folds away while the item has the focus, so the item gets the width."""
        side = self.query_one("#practice-side")
        focused = self.focused
        in_side = focused is not None and side in focused.ancestors_with_self
        side.display = self.size.width >= _NARROW or self.panel is None or in_side

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._fold()
        self.show_review()  # a retry gives the answer the focus again: the confidence can be asked anew

    def on_resize(self, event: events.Resize) -> None:
        self._fold()
