"""Keys that come in one read act in the order typed.

Textual runs a widget's non-priority bindings only once the key has bubbled up to the app, while Input and
TextArea act on printable keys (and TextArea on Enter) at once in their own key handler. Keys that arrive
together, as quick typing over SSH does in one packet, were then done out of order: "End Enter" split a
line before its end, "ab Backspace c" lost the wrong letter (Textual issue #6605). A text widget that mixes
`InOrder` in runs its own bindings in its key handler instead. Priority bindings were checked before the key
reached the widget, and the widget is the first place the app would look for the rest, so which action
runs does not change: only when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object  # a plain mixin: a Widget class here would change how Textual merges CSS and classes


class InOrder(_Base):
    """Mix in before Input or TextArea: the widget's own bound keys act in its key handler."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
