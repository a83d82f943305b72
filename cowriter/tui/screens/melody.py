"""Melody sketches on the main screen: sketch the line or section under the cursor in a worker, list the
alternatives with their scores, play one (or each in turn) through the transport, accept one into the song
as an ABC block credited to the sketcher, or dismiss them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cowriter.errors import CowriterError, explain
from cowriter.service.workspace import Proposal
from cowriter.tui import messages as m
from cowriter.tui.screens.playback import PlaybackActions

if TYPE_CHECKING:  # imported with the first sketch (handlers below are found by name)
    from cowriter.service.workspace.melody import MelodySketch
    from cowriter.tui.widgets.melody import MelodyView


def review_key() -> str:
    """The key that goes to the open proposal or sketches, as the footer shows it ("F3")."""
    from cowriter.tui.commands import ACTIONS

    key = next((a.key for a in ACTIONS if a.action == "focus_proposal" and a.key), "")
    return key.split(",")[0].upper() if key else "the palette's Proposal"


class MelodyActions(PlaybackActions):
    _melody_request = 0
    _melody_asked: tuple[object, ...] = ()  # what the writer was doing when they asked for sketches
    _melody_queue: tuple[int, ...] = ()  # alternatives still to play, after the one sounding
    _melody_sketch: MelodySketch | None = None  # the sketch whose alternative is sounding

    @property
    def melody_view(self) -> MelodyView:
        from cowriter.tui.widgets.melody import MelodyView

        return self.query_one("#melody", MelodyView)

    @property
    def melody(self) -> MelodySketch | None:
        return self.melody_view.sketch if self.query("#melody") else None

    def action_sketch_melody(self, section: bool = False) -> None:
        self._catch_up()
        self._melody_request += 1
        request = self._melody_request
        self._melody_asked = self._attention()
        ws, row = self.ws, self.editor.cursor_location[0]

        def work() -> None:
            try:
                sketch = ws.sketch_melody(row, section=section)
            except CowriterError as exc:
                self.post_message(m.MelodySketched(request, None, str(exc)))
            except Exception as exc:  # a notification, never a crash
                self.post_message(m.MelodySketched(request, None, explain(exc)))
            else:
                self.post_message(m.MelodySketched(request, sketch))

        self.run_worker(work, thread=True, group="melody", exclusive=True, exit_on_error=False)

    async def on_melody_sketched(self, message: m.MelodySketched) -> None:
        if message.request != self._melody_request:
            return
        if message.sketch is None or not message.sketch.choices:
            self.notify(message.error or "No melody came out.", title="Melody", severity="error", timeout=8)
            return
        if not self.query("#melody"):
            from cowriter.tui.widgets.melody import MelodyView

            await self.query_one("#side").mount(MelodyView(id="melody"), before=0)
        self._show_melody(message.sketch)
        if self._waiting(self._melody_asked):
            self.melody_view.focus_list()
        else:
            self.notify(f"Melody sketches for {message.sketch.label} ready: {review_key()} to choose.",
                        title="Melody")

    # -- who has the keyboard ----------------------------------------------------------------------------

    def _attention(self) -> tuple[object, ...]:
        """What the writer is doing now: where the keys go, the song, the cursor."""
        return (self.focused, self.ws.text, self.editor.selection)

    def _waiting(self, asked: tuple[object, ...]) -> bool:
        """Whether the writer is waiting for what they asked for when `_attention` was `asked`: nothing
        typed, moved or focused since (or nothing focused, or an empty chat input). Only then may an
        answer take the keyboard: its panel binds bare letters (a accept, r reject…), and keys meant for
        the song must never become those."""
        focused = self.focused
        if focused is None or (focused is self.chat.input and not self.chat.input.value):
            return True
        return self._attention() == asked

    def _show_melody(self, sketch: MelodySketch | None) -> None:
        if sketch is not None or self.query("#melody"):
            self.melody_view.show(sketch)
        self._set_open(sketch is not None or self.proposal is not None)
        if sketch is None:
            self._melody_queue = ()
            if not self.editor.has_focus and not self.chat.input.has_focus:
                self.editor.focus()

    def action_focus_melody(self) -> None:
        if self.melody is None:
            self.notify("No melody sketch open (F4 sketches one).")
        else:
            self.melody_view.focus_list()

    # -- hearing them -------------------------------------------------------------------------------------

    def on_melody_view_play_requested(self, event: MelodyView.PlayRequested) -> None:
        if not event.indices:
            return
        self._melody_queue = event.indices[1:]
        self._play_melody(event.sketch, event.indices[0])

    def _play_melody(self, sketch: MelodySketch, index: int) -> None:
        self._melody_sketch = sketch
        if self.query("#melody"):
            self.melody_view.mark_playing(index)
        what = f"melody {index + 1} for {sketch.label}"
        text = sketch.choices[index].text
        if sketch.section is not None:  # the section once; the next sketch as soon as its last bar is over
            self._play(text=text, section=sketch.section, until_bar=sketch.end_bar, what=what)
        else:
            self._play(text=text, bar=sketch.bar, until_bar=sketch.end_bar, what=what)

    def _played_out(self) -> None:
        """An alternative finished (its section ended, or the line's last bar went by): the next one."""
        sketch, queue = self._melody_sketch, self._melody_queue
        if sketch is not None and queue and sketch is self.melody:
            self._melody_queue = queue[1:]
            self._play_melody(sketch, queue[0])
        else:
            self._melody_queue = ()

    def _stopped_by_writer(self) -> None:
        self._melody_queue = ()

    def _accepted(self, before: str, proposal: Proposal) -> None:
        """Show the accepted lines and record the credited version (the main screen's)."""
        raise NotImplementedError

    # -- deciding -------------------------------------------------------------------------------------------

    def on_melody_view_accepted(self, event: MelodyView.Accepted) -> None:
        proposal = event.sketch.proposal(event.index)
        self._catch_up()
        before = self.ws.text
        rest = self.ws.accept(proposal)
        if rest.changes:  # the writer edited those lines meanwhile: only part of it went in
            self.notify("The song changed under the sketch; part of the block was not placed.",
                        severity="warning")
        self._accepted(before, proposal)
        self.notify(f"Melody {event.index + 1} for {event.sketch.label} is in the song (ABC block).")
        self._show_melody(None)

    def on_melody_view_dismissed(self, event: MelodyView.Dismissed) -> None:
        self._show_melody(None)
