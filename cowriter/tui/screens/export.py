"""Ask where to export the song; the extension chooses the format (`service.workspace.export`).

The screen only checks the name (a known extension, a folder that exists) and asks before overwriting
(Enter a second time on the same name); the writing is the caller's, in a worker.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from cowriter.errors import CowriterError
from cowriter.service.workspace.export import CHOICES, ExportExists, check_export, export_kind
from cowriter.textsafe import safe


class ExportScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 70; max-width: 95%; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    ExportScreen #export-note { height: auto; color: $text-muted; }
    ExportScreen #export-note.-problem { color: $error; }
    ExportScreen #export-note.-confirm { color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion
        self._confirm: str | None = None  # the existing file a second Enter overwrites

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export the song to (Enter writes, Esc cancels):")
            yield Input(self.suggestion, id="export-path")
            yield Static(self._describe(self.suggestion), id="export-note", markup=False)

    @property
    def note(self) -> Static:
        return self.query_one("#export-note", Static)

    def _show(self, text: str, kind: str = "") -> None:
        note = self.note
        note.update(safe(text))
        note.set_class(kind == "problem", "-problem")
        note.set_class(kind == "confirm", "-confirm")

    @staticmethod
    def _describe(value: str) -> str:
        try:
            _, what = export_kind(value.strip())
        except CowriterError:
            return f"The extension chooses: {CHOICES}"
        return f"Writes {what}."

    def on_input_changed(self, event: Input.Changed) -> None:
        self._confirm = None
        self._show(self._describe(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self._show(f"Type a file name; the extension chooses: {CHOICES}", "problem")
            return
        try:
            check_export(value, overwrite=self._confirm == value)
        except ExportExists as exc:
            self._confirm = value
            self._show(f"{exc.path} exists: Enter again to overwrite it, Esc to cancel.", "confirm")
            return
        except CowriterError as exc:
            self._confirm = None
            self._show(str(exc), "problem")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
