"""The conversation with the model: what the writer asked, the reply streaming in, and an input line.

Streaming redraws are bounded: tokens only update a buffer, and a timer repaints the reply at most
`FPS` times a second, so a fast model over a slow SSH link costs a handful of small repaints. Old
messages beyond `KEEP` are dropped from the screen (the session store keeps the chat)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

FPS = 12
KEEP = 60
LEAVE_HINT = "Tab: back to song"  # on the input's border (Enter asks)


class ChatEntry(Static):
    """One message: the writer's or the model's."""


class ChatView(Vertical):
    DEFAULT_CSS = """
    ChatView { height: 1fr; }
    ChatView > VerticalScroll { height: 1fr; }
    ChatView ChatEntry { margin: 0 0 1 0; }
    ChatView ChatEntry.-writer { color: $text; text-style: bold; }
    ChatView ChatEntry.-model { color: $text-muted; }
    ChatView ChatEntry.-error { color: $error; }
    ChatView Input { height: 3; border-subtitle-color: $text-muted; }
    """

    @dataclass
    class Submitted(Message):
        prompt: str

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending: str | None = None
        self._current: ChatEntry | None = None
        self.repaints = 0  # how many times the streaming reply was redrawn

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="chat-log")
        field = Input(placeholder="Ask your co-writer…", id="chat-input")
        field.border_subtitle = LEAVE_HINT
        yield field

    def on_mount(self) -> None:
        # Anchored: the log stays at its newest line as entries grow, after layout, not before it (a
        # scroll_end right after a mount can land one line short when the frame comes late).
        self.log_view.anchor()
        self.set_interval(1 / FPS, self._flush, name="chat-flush")

    @property
    def log_view(self) -> VerticalScroll:
        return self.query_one("#chat-log", VerticalScroll)

    @property
    def input(self) -> Input:
        return self.query_one("#chat-input", Input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        prompt = event.value.strip()
        if prompt:
            event.input.value = ""
            self.post_message(self.Submitted(prompt))

    # -- called by the screen ----------------------------------------------------------------------------

    def add(self, who: str, text: str) -> ChatEntry:
        label = {"writer": "you", "model": "co-writer", "error": "!"}.get(who, who)
        entry = ChatEntry(Text.assemble((f"{label}: ", "bold"), text), classes=f"-{who}")
        log = self.log_view
        log.mount(entry)
        extra = len(log.children) - KEEP
        for old in list(log.children)[: max(extra, 0)]:
            old.remove()
        log.scroll_end(animate=False)
        return entry

    def begin_reply(self) -> None:
        self._flush()
        self._current = self.add("model", "…")
        self._pending = None

    def stream(self, text: str) -> None:
        """The reply so far; painted at the next tick, not now."""
        self._pending = text

    def end_reply(self, text: str | None = None, note: str = "") -> None:
        if text is not None:
            self._pending = text
        self._flush()
        if note and self._current is not None:
            self.add("error", note)
        self._current = None

    @property
    def streaming(self) -> bool:
        return self._current is not None

    def _flush(self) -> None:
        if self._pending is None or self._current is None:
            return
        text, self._pending = self._pending, None
        self._current.update(Text.assemble(("co-writer: ", "bold"), text.strip() or "…"))
        self.repaints += 1
        self.log_view.scroll_end(animate=False)
