"""The TUI's last line of defence: no control character from a song, a model or a server reaches the
terminal, whichever widget draws it (the editor, the chat, a toast, an input, Textual's own widgets).

`ShowControls` is a Textual line filter (the hook Textual's own NO_COLOR and dimming use): it sees every
row of every widget after layout, and passes each segment's text through `textsafe.safe_cells` (a
control becomes one visible cell, `␛` for ESC; hiding bidi controls are dropped). Rich counts a
control as no cell, so a row that held controls would grow by one cell per control: it is cut back to
the width the layout gave it. The widgets that show untrusted text also call `textsafe.safe` on it
first (notices, chat, status, proposal, dialogs), where the layout can then count the visible form;
this filter is what makes the rule hold for everything else, the editor's own rendering included.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from cowriter.textsafe import safe_cells

__all__ = ["ShowControls"]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class ShowControls(LineFilter):
    """Every control in a row shown as a visible cell; the row keeps its width."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        search = _CONTROL.search
        if not any(not seg.control and search(seg.text) for seg in segments):
            return segments
        width = Segment.get_line_length(segments)
        shown = [seg if seg.control else Segment(safe_cells(seg.text), seg.style) for seg in segments]
        return Segment.adjust_line_length([seg for seg in shown if seg.text or seg.control], width)
