"""The conversation with the model: what the writer asked, the reply streaming in, and an input line.

Streaming redraws are bounded: tokens only update a buffer, and a timer repaints the reply at most
`FPS` times a second, so a fast model over a slow SSH link costs a handful of small repaints. Old
messages beyond `KEEP` are dropped from the screen (the session store keeps the chat)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from cowriter.textsafe import safe
from cowriter.tui.widgets.keyorder import InOrder

FPS = 12
KEEP = 60
LEAVE_HINT = "Esc: back to song"  # on the input's border (Enter asks; Tab goes there too)


class ChatEntry(Static):
    """One message: the writer's or the model's."""


class ChatInput(InOrder, Input):
    """The input line. Esc is its own (the screen's Esc would only cancel): while a reply streams in it
    cancels it, and the writer stays to ask again; otherwise it goes back to the song."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back to the song", show=False)]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key == "escape" or super().check_consume_key(key, character)

    async def action_leave(self) -> None:
        chat = self.parent
        if isinstance(chat, ChatView) and chat.streaming:
            await self.run_action("screen.cancel")
            return
        song = self.screen.query("SheetEditor")  # by name: the chat needs no import of the editor
        if song:
            song.first().focus()
        else:
            self.screen.focus_next()


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
        field = ChatInput(placeholder="Ask your co-writer…", id="chat-input")
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
        if prompt:  # the text stays until the screen takes the request (`taken`): a refused one is kept
            self.post_message(self.Submitted(prompt))

    def taken(self, prompt: str) -> None:
        """The screen took the request `prompt`: the input empties (unless the writer typed on)."""
        if self.input.value.strip() == prompt:
            self.input.value = ""

    # -- called by the screen ----------------------------------------------------------------------------

    def add(self, who: str, text: str) -> ChatEntry:
        label = {"writer": "you", "model": "co-writer", "error": "!"}.get(who, who)
        entry = ChatEntry(Text.assemble((f"{label}: ", "bold"), safe(text)), classes=f"-{who}")
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
        self._current.update(Text.assemble(("co-writer: ", "bold"), safe(text.strip()) or "…"))
        self.repaints += 1
        self.log_view.scroll_end(animate=False)
