"""Home: the packs, their lessons and items, continue where you left off, and broken packs' problems."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from rich.markdown import Markdown as RichMarkdown
from textual.widgets import Footer, Header, Static, Tree

from ..labels import KIND_GROUPS, KIND_LABELS
from ..messages import OpenItem, OpenLesson
from .base import ModeScreen



class HomeScreen(ModeScreen):
    """The packs as a tree of lessons and items; Enter opens one."""

    HELP = """
# Home

The packs installed, each with its **lessons** (read beside a live sandbox cluster) and its
**practice items** (quizzes, predictions, drills, troubleshooting tasks, commands and the
mock interview). Every answer is checked by running it through the simulated cluster.

Move with the arrow keys (or j/k), open a lesson or an item with **Enter**, and press **c**
to continue where you left off. A pack with problems is listed with each problem's file
and line; the other packs still work.

The side panel says how many items are **due for review** today (spaced review: each item you
answered comes back when you are about to forget it). Press **r** to review them one after the
other in Practice. F6 shows your progress.
"""
    BINDINGS = [
        Binding("c", "continue", "Continue", id="home-continue", tooltip="Open the last lesson or item you used"),
        Binding("r", "app.review", "Review", id="home-review", tooltip="Review the items due today, in Practice"),
        Binding("j", "cursor('down')", "Down", show=False, id="home-down", tooltip="Move down the tree"),
        Binding("k", "cursor('up')", "Up", show=False, id="home-up", tooltip="Move up the tree"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield Tree("Packs", id="home-tree")
            with VerticalScroll(id="home-side"):
                # Rich's Markdown in a Static paints faster than the Markdown widget: Home is the first screen.
                yield Static(id="home-details")
        yield Footer(compact=True)

    #: Items due for review today, or None until the progress store is open.
    due: int | None = None

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.show_root = False
        for entry in self.state.packs:
            if entry.pack is None or not entry.sound:
                name = entry.pack.title if entry.pack else entry.path.name
                tree.root.add_leaf(f"✗ {name} (has problems)", data=("broken", entry))
                continue
            pack = entry.pack
            node = tree.root.add(f"{pack.title}", data=("pack", pack), expand=True)
            lessons = node.add(f"Lessons ({len(pack.lessons)})", data=("pack", pack), expand=True)
            for n, lesson in enumerate(pack.lessons, 1):
                lessons.add_leaf(f"{n}. {lesson.title}", data=("lesson", pack, lesson))
            kinds = Counter(i.kind for i in pack.items if not i.broken)
            for kind, label in KIND_GROUPS.items():
                if not kinds[kind]:
                    continue
                group = node.add(f"{label} ({kinds[kind]})", data=("pack", pack))
                for item in pack.items:
                    if item.kind == kind and not item.broken:
                        group.add_leaf(item.title, data=("item", pack, item))
        tree.focus()
        self._details(None)

    def _details(self, data) -> None:
        md = self.query_one("#home-details", Static)
        parts = []
        last = self.state.last
        if last:
            found = (self.state.lesson(last.get("pack", ""), last.get("id", "")) if last.get("kind") == "lesson"
                     else self.state.item(last.get("pack", ""), last.get("id", "")))
            if found is not None:
                parts.append(f"**Continue** (press c): {found.title}\n")
        if self.due:
            parts.append(f"**Review** (press r): {self.due} item{'s' * (self.due != 1)} due for review today.\n")
        elif self.due == 0:
            parts.append("Nothing is due for review today.\n")
        if data is None or data[0] == "pack":
            pack = data[1] if data else (self.state.sound[0] if self.state.sound else None)
            if pack is not None:
                kinds = Counter(i.kind for i in pack.items)
                parts.append(f"# {pack.title}\n\nVersion {pack.version}, for Kubernetes {pack.kubernetes}. "
                             f"{len(pack.lessons)} lessons, {len(pack.items)} items: "
                             + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + ".\n\n"
                             "Topics: " + "; ".join(pack.topics.values()) + ".")
            elif not self.state.packs:
                parts.append("# No packs\n\nNo content packs were found. Run `nodeport-trainer pack new DIR` to "
                             "write one, then start the app with `--content DIR`.")
        elif data[0] == "lesson":
            lesson = data[2]
            parts.append(f"# {lesson.title}\n\nTopics: {', '.join(lesson.topics)}. {len(lesson.snippets)} "
                         "commands to try in the sandbox.\n\nPress **Enter** to open it beside the sandbox.")
        elif data[0] == "item":
            item = data[2]
            parts.append(f"# {item.title}\n\n{KIND_LABELS.get(item.kind, item.kind)}, difficulty "
                         f"{item.difficulty}/5, about {int(item.time // 60) or 1} min. Topics: "
                         f"{', '.join(item.topics)}.\n\nPress **Enter** to start it.")
        elif data[0] == "broken":
            entry = data[1]
            lines = "\n".join(f"- `{p}`" for p in entry.problems[:40])
            more = f"\n\n…and {len(entry.problems) - 40} more." if len(entry.problems) > 40 else ""
            parts.append(f"# {entry.path.name}: not loaded\n\nThis pack has problems; the other packs still "
                         f"work. Check it with `nodeport-trainer pack lint {entry.path}`.\n\n{lines}{more}")
        broken = [e for e in self.state.packs if not e.sound]
        if broken and (data is None or data[0] != "broken"):
            parts.append(f"\n\n*{len(broken)} pack(s) have problems and are not loaded; select them for details.*")
        md.update(RichMarkdown("\n\n".join(parts)))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._details(event.node.data)

    def progress_changed(self) -> None:
        """Count the items due again (the app calls this once the store is open, and after answers)."""
        progress = self.app.progress
        self.due = len(progress.due(self.state.sound)[0]) if progress.is_open else None
        node = self.query_one(Tree).cursor_node
        self._details(node.data if node is not None else None)

    def on_screen_resume(self) -> None:
        if self.app.progress.is_open:  # never opened from here: Home must paint without the store
            self.progress_changed()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if not data:
            return
        if data[0] == "lesson":
            self.app.post_message(OpenLesson(data[1].id, data[2].id))
        elif data[0] == "item":
            self.app.post_message(OpenItem(data[1].id, data[2].id))

    def action_cursor(self, direction: str) -> None:
        tree = self.query_one(Tree)
        tree.action_cursor_down() if direction == "down" else tree.action_cursor_up()

    def action_continue(self) -> None:
        """Open the last lesson or item, or the first lesson when there is none yet."""
        last = self.state.last
        if last.get("kind") == "lesson" and self.state.lesson(last.get("pack", ""), last.get("id", "")):
            self.app.post_message(OpenLesson(last["pack"], last["id"]))
        elif last.get("kind") == "item" and self.state.item(last.get("pack", ""), last.get("id", "")):
            self.app.post_message(OpenItem(last["pack"], last["id"]))
        elif self.state.sound and self.state.sound[0].lessons:
            pack = self.state.sound[0]
            self.app.post_message(OpenLesson(pack.id, pack.lessons[0].id))
