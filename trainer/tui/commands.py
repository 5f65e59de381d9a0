"""Command palette providers: jump to any lesson or item, or run a line in the current sandbox."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .labels import KIND_LABELS
from .messages import OpenItem, OpenLesson



class PackCommands(Provider):
    """Every lesson and item of the sound packs, by title, id and topic."""

    def _entries(self):
        for pack in self.app.state.sound:
            for lesson in pack.lessons:
                yield (f"Lesson: {lesson.title}", f"{lesson.id} {' '.join(lesson.topics)}",
                       OpenLesson(pack.id, lesson.id))
            for item in pack.items:
                if not item.broken:
                    yield (f"{KIND_LABELS.get(item.kind, item.kind)}: {item.title}",
                           f"{item.id} {' '.join(item.topics)}", OpenItem(pack.id, item.id))

    async def discover(self) -> Hits:
        for title, help_text, message in list(self._entries())[:40]:
            yield DiscoveryHit(title, partial(self.app.post_message, message), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, message in self._entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.post_message, message), help=help_text)


class SandboxCommands(Provider):
    """On a screen with a sandbox console: run what was typed there."""

    async def search(self, query: str) -> Hits:
        from .widgets.console import SandboxConsole

        consoles = list(self.screen.query(SandboxConsole)) if self.screen is not None else []
        if not consoles or not query.strip():
            return
        console = consoles[0]
        yield Hit(0.5, f"Run in the sandbox: {query}", partial(console.run_command, query),
                  help="the console on this screen runs it")
