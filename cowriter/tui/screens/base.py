"""What every part of the main screen shares: the workspace, the widgets, keeping the gutter and the
problems up to date, and saving after a pause. Workers here, as everywhere, only post messages."""

from __future__ import annotations

import gc
import threading
import time
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.timer import Timer

from cowriter.core.diagnostics import Diagnostic, Severity
from cowriter.errors import CowriterError
from cowriter.service.workspace import Proposal, Workspace
from cowriter.tui import messages as m
from cowriter.tui.widgets.chat import ChatView
from cowriter.tui.widgets.sheet_editor import SheetEditor
from cowriter.tui.widgets.status import StatusBar
from cowriter.tui.widgets.transport import Transport

if TYPE_CHECKING:  # mounted with the first proposal, and imported then (a lighter first frame)
    from cowriter.tui.widgets.proposal import ProposalView

SAVE_DELAY = 2.0  # seconds of quiet typing before an automatic save
SAVE_EVERY = 10.0  # ... and at least this often while the writer types on without a pause


class SongScreen(Screen[None]):
    """The state and widgets of the main screen (see `MainScreen`)."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.ws = workspace
        self.proposal: Proposal | None = None
        self.waiting: list[Proposal] = []  # proposals ready behind the open one, oldest first
        self._request = 0
        self._last_prompt = ""
        self._cancel: threading.Event | None = None
        self._check_timer: Timer | None = None
        self._save_timer: Timer | None = None
        self._save_since = 0.0  # when the pending save was first scheduled
        self._watch_timer: Timer | None = None
        self._playing_song = False
        self._settled = False  # the first check (and the rhyme dictionary it loads) has come back

    @property
    def editor(self) -> SheetEditor:
        return self.query_one(SheetEditor)

    @property
    def chat(self) -> ChatView:
        return self.query_one(ChatView)

    @property
    def proposal_view(self) -> ProposalView:
        from cowriter.tui.widgets.proposal import ProposalView

        return self.query_one(ProposalView)

    @property
    def transport(self) -> Transport:
        return self.query_one(Transport)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    # -- sharing the width -------------------------------------------------------------------------------

    def _set_open(self, open_panel: bool) -> None:
        """A proposal or sketches are open in the side panel (it widens), or none is."""
        self.query_one("#side").set_class(open_panel, "-wide")
        self._fit_layout()

    def _fit_layout(self) -> None:
        """Share the width between the song and the side panel (`tui.layout`): the panel beside the song,
        or below it when the song keeps its columns and its widest line would not fit beside it."""
        from rich.cells import cell_len

        from cowriter.tui.layout import side_width, stacks

        width = self.app.size.width
        side = self.query_one("#side")
        open_panel = side.has_class("-wide")
        editor = self.editor
        stacked = False
        if not editor.soft_wrap:
            widest = max((cell_len(line) for line in editor.document.lines), default=0)
            stacked = stacks(width, open_panel, widest, editor.gutter_width)
        self.query_one("#body").set_class(stacked, "-stacked")
        side.styles.width = "100%" if stacked else side_width(width, open_panel)

    def on_resize(self) -> None:
        self._fit_layout()

    def _schedule_check(self, delay: float) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(delay, self._start_check) if delay else None
        if not delay:
            self._start_check()

    def _start_check(self) -> None:
        text = self.ws.text
        ws = self.ws

        def work() -> None:
            self.post_message(m.Checked(text, ws.check(text)))

        self.run_worker(work, thread=True, group="check", exclusive=True, exit_on_error=False)

    def on_checked(self, message: m.Checked) -> None:
        if message.text != self.ws.text:
            return  # a newer check is on its way
        check = message.check
        self.editor.set_diagnostics(check.diagnostics)
        self.editor.set_lyrics(check.gutter)
        self._show_hint()
        errors = len(check.errors)
        self.status.problems = errors
        self.status.warnings = len(check.diagnostics) - errors
        self.transport.key, self.transport.key_guessed = check.key, check.key_guessed
        self.editor.soft_wrap = not check.columns  # chords over lyrics keep each chord over its syllable
        self._fit_layout()
        if check.song is not None and self.ws.settings.bpm is None and check.song.tempo:
            self.transport.bpm = check.song.tempo
        self.transport.bars = check.bars
        if not self._settled:
            # The first check loaded the parser and the rhyme dictionary (~165,000 objects), kept until the
            # app ends: frozen like the imports (see run.py), full collections stop walking them, which
            # otherwise take ~39 ms each here, landing on keystrokes.
            self._settled = True
            gc.freeze()

    def _show_hint(self) -> None:
        """The message of a problem on the cursor's line, in the status line: its errors before its
        warnings, then by column; how many more there are."""
        row = self.editor.cursor_location[0]
        found = sorted(self.editor.diagnostics_at(row), key=_problem_order)
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        self.status.hint = f"line {row + 1}: {found[0].message}{more}" if found else ""

    def action_next_problem(self) -> None:
        """Put the cursor on the next problem after it (errors and warnings alike), round to the top."""
        editor = self.editor
        here = editor.cursor_location
        spots = sorted(
            (d.line - 1, max(d.column - 1, 0))
            for row in editor.problem_lines()
            for d in editor.diagnostics_at(row)
        )
        if not spots:
            self.notify("No problems in the song.")
            return
        after = [spot for spot in spots if spot > here and spot[0] != here[0]]
        row, col = (after or spots)[0]
        row = min(max(row, 0), editor.document.line_count - 1)
        editor.cursor_location = (row, min(col, len(editor.document.get_line(row))))
        editor.scroll_cursor_visible(center=True)
        editor.focus()
        self._show_hint()

    def _catch_up(self) -> None:
        """The editor's text into the workspace now. Each keystroke reaches the workspace through a
        message of the editor's; one still on its way when the song is about to be replaced (an accept,
        a transposition) or read (asking, saving) would otherwise be lost or missed."""
        text = self.editor.text
        if text != self.ws.text:
            self._take_edit(text)

    def _take_edit(self, text: str) -> None:
        """The writer's text into the workspace (the main screen's)."""
        raise NotImplementedError

    def _replace_text(self, text: str) -> None:
        """Put `text` in the editor as one undoable edit (the workspace already holds it)."""
        editor = self.editor
        row, col = editor.cursor_location
        editor.replace(text, (0, 0), editor.document.end)
        last = editor.document.line_count - 1
        row = min(row, last)
        editor.cursor_location = (row, min(col, len(editor.document.get_line(row))))
        self.status.saved = self._saved_label()
        self._schedule_check(0)

    def _saved_label(self) -> str:
        if self.ws.read_only and self.ws.path is None:
            return "read-only: another writer has it (ctrl+o exports)"
        if self.ws.homeless and self.ws.scratch:
            return "not saved, kept for recovery (ctrl+s)"
        if not self.ws.can_save:
            return "not saved (ctrl+o exports)"
        return "modified" if self.ws.dirty else "saved"

    def _schedule_save(self) -> None:
        """Save (or keep a song with no home in the recovery store) once the writer pauses, and every
        `SAVE_EVERY` seconds while they type on."""
        if not (self.ws.can_save or self.ws.homeless):
            return
        now = time.monotonic()
        if self._save_timer is not None:
            if now - self._save_since < SAVE_EVERY - SAVE_DELAY:
                self._save_timer.stop()
            else:  # typing on for a while: the pending save goes as planned
                return
        else:
            self._save_since = now
        self._save_timer = self.set_timer(SAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._save_timer = None
        self._save(quiet=True)

    def _save(self, quiet: bool) -> None:
        self._catch_up()
        ws = self.ws
        text, revision = ws.text, ws.revision
        self.status.saved = "saving…"

        def work() -> None:
            try:
                if ws.homeless:  # no home yet: kept in the recovery store, still not saved
                    ws.keep_for_recovery(text, revision=revision)
                    where = ""
                else:
                    where = ws.save_text(text, revision=revision)
            except CowriterError as exc:
                self.post_message(m.Saved("", text, str(exc)))
            else:
                self.post_message(m.Saved("" if quiet else where, text))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def on_saved(self, message: m.Saved) -> None:
        if message.error:
            self.notify(message.error, title="Save", severity="error")
        elif message.where:
            self.notify(f"Saved to {message.where}.")
        self.status.saved = self._saved_label()


def _problem_order(d: Diagnostic) -> tuple[int, int]:
    return (0 if d.severity is Severity.ERROR else 1, d.column)
