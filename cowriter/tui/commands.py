"""Every action of the editor in one table: its key, its name in the footer, its palette entry and its line
on the help screen all come from here, so they cannot drift apart.

Keys stay clear of what sits between the writer and the editor over SSH: tmux's prefix (ctrl+b), screen's
(ctrl+a, also the editor's "line start"); ctrl+l redraws the screen, as in shells and editors. F6/F7
take over the text area's "select line"/"select all" (shift+arrows select)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True, slots=True)
class Action:
    key: str  # Textual key names, comma separated ("" for palette only)
    action: str  # an action of the main screen
    title: str  # short, for the footer and the palette
    help: str  # one line for the palette and the help screen
    footer: bool = False


ACTIONS: tuple[Action, ...] = (
    Action("f1", "help", "Help", "Show every key and what it does", footer=True),
    Action("f2", "ask", "Ask", "Ask the co-writer (focus the chat input)", footer=True),
    Action("f5", "play", "Play", "Play or stop the song (or the looped section)", footer=True),
    Action("shift+f5", "pause", "Pause", "Pause the playback; again: go on from there"),
    Action("ctrl+f5", "play_from_cursor", "Play from here",
           "Play from the line under the cursor (while playing: jump there)"),
    Action("f6", "loop_section", "Loop", "Loop the section under the cursor (again: stop)", footer=True),
    Action("f7", "transpose(-1)", "Key down", "Transpose the song down a semitone, spelled for the new key"),
    Action("f8", "transpose(1)", "Key up", "Transpose the song up a semitone, spelled for the new key"),
    Action("f9", "next_style", "Style", "Play in the next arrangement style"),
    Action("alt+up", "tempo(5)", "Faster", "Raise the tempo by 5 bpm"),
    Action("alt+down", "tempo(-5)", "Slower", "Lower the tempo by 5 bpm"),
    Action("shift+f2", "alternatives", "Alternatives", "Ask for other versions of the line under the cursor"),
    Action("ctrl+r", "regenerate", "Regenerate", "Ask the co-writer again, the same request"),
    Action("escape", "cancel", "Cancel",
           "Stop the reply or playback; close alternatives or sketches; back to the song"),
    Action("ctrl+n", "next_problem", "Next problem", "Go to the next error or warning"),
    Action("f3", "focus_proposal", "Proposal",
           "Go to the proposal or the melody sketches (again: the other)"),
    Action("", "accept_all", "Accept proposal", "Accept every line of the open proposal"),
    Action("", "reject_all", "Reject proposal", "Reject the open proposal; the song stays as it is"),
    Action("", "play_proposal", "Play proposal", "Hear the song with the proposal in it, before accepting"),
    Action("f4", "sketch_melody", "Melody", "Sketch melodies for the lyric line under the cursor"),
    Action("shift+f4", "sketch_melody(True)", "Melody (section)", "Sketch melodies for the whole section"),
    Action("", "focus_melody", "Melody sketches", "Go to the sketches: p play, n all, a accept, r dismiss"),
    Action("ctrl+s", "save", "Save", "Save now (the song also saves itself when you pause)", footer=True),
    Action("ctrl+o", "export", "Export", "Write the song to a file"),
    Action("ctrl+c", "copy_song", "Copy", "Copy the selection, or the whole song, to the clipboard (OSC 52)"),
    Action("ctrl+l", "app.redraw", "Redraw", "Draw the whole screen again (when other output garbled it)"),
    Action("ctrl+q", "app.quit", "Quit",
           "Quit, saving first (a song with no file or session is offered a session)"),
)


def bindings() -> list[Binding]:
    return [
        Binding(a.key, a.action, a.title, show=a.footer, priority=True)
        for a in ACTIONS
        if a.key and not a.action.startswith("app.")
    ]


class CowriterCommands(Provider):
    """The command palette's entries: every action in `ACTIONS`."""

    def _entries(self) -> list[tuple[str, str, str]]:
        return [(f"{a.title}", a.help, a.action) for a in ACTIONS]

    async def _run(self, action: str) -> None:
        target = action if action.startswith("app.") else f"screen.{action}"
        await self.app.run_action(target)

    async def discover(self) -> Hits:
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._entries():
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help_text)
