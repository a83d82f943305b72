"""The transport actions of the main screen: play and stop, pause, play from the cursor, the play head,
loop a section, tempo, style and key (the last two heard at once while the song plays). Arranging and
starting the player happen in a worker; the play head arrives as messages.

When the sound cannot be heard here (SSH, `--audio wav`, no device) it is written to a WAV file, faster
than it would play: the transport says "writing", then "written" with the file, no play head moves, and a
notification says where the sound is, how long it is and how to hear it. Over SSH with `cowriter listen`
on the laptop, the laptop plays it and its play head comes back; if it goes away mid-song, a notice says
so and the take is written to the WAV instead."""

from __future__ import annotations

import os

from cowriter.errors import CowriterError, explain
from cowriter.service.workspace import PlayPosition, Proposal, SoundFile
from cowriter.service.workspace.diff import section_at
from cowriter.tui import messages as m
from cowriter.tui.screens.base import SongScreen
from cowriter.tui.widgets.status import tilde


class PlaybackActions(SongScreen):
    _route = ""  # where sound goes, as the probe or the last player said ("": not known yet)
    _until_bar = 0  # stop after this bar (0: play on)
    _take = ""  # what the play request plays, when it is not the song ("melody 2 for line 6")
    _armed = False  # the player asked for has started (its play head, not an older one's)
    # the last transposition's song text, the proposal open when it began, and that proposal transposed
    _transposing: tuple[str, Proposal | None, Proposal | None] = ("", None, None)
    _transposed_from = ""  # the song text the last transposition started from

    def _probe_route(self) -> None:
        """Find out where sound will go (is there a device?) in a worker, so the status line says it from
        the start, not after the first play."""
        ws = self.ws

        def work() -> None:
            try:
                route = ws.probe_route()
            except Exception:  # not knowing is no reason to stop: the settings' word stands
                route = ws.audio_label
            self.app.call_from_thread(self._probed, route)

        self.run_worker(work, thread=True, group="route", exit_on_error=False)

    def _probed(self, route: str) -> None:
        if not self._route:  # a play that started meanwhile said it first, from its player
            self._route = route
            self.status.route = route

    def action_play(self) -> None:
        if self.transport.playing:
            if self.transport.file:
                self.notify("Stopped writing: the WAV holds only the part written so far.")
                self.transport.file = ""
            self.run_worker(self.ws.stop, thread=True, group="stop", exit_on_error=False)
            self._stopped()
            self._stopped_by_writer()
            return
        self._play()

    def _play(
        self,
        text: str | None = None,
        *,
        section: str | None = None,
        bar: int | None = None,
        until_bar: int = 0,
        what: str = "",
    ) -> None:
        """Play the song (or `text`): the looped section, else `section` once, else from `bar`; with
        `until_bar`, stop once the play head is past that bar (then `_played_out`). `what` names the take
        for the writer ("melody 2 for line 6"), where it is not the song."""
        if text is None:
            self._catch_up()
        self._playing_song = text is None
        ws = self.ws
        loop = bool(self.transport.loop) and section is None and bar is None
        section = self.transport.loop if loop else section
        # what a WAV written instead holds, said when it is written (never the loop for another take)
        self._take = what or (f"{section} once (looping needs speakers)" if loop else "")
        self._until_bar = until_bar
        self._armed = False  # play heads of the player being replaced may still be queued

        def moved(pos: PlayPosition) -> None:
            self.post_message(m.PlayheadMoved(pos))

        def work() -> None:
            try:
                route = ws.play(
                    moved,
                    text=text,
                    section=section,
                    loop=loop,
                    bar=bar,
                    until_bar=until_bar or None,
                    take=what,
                )
            except CowriterError as exc:
                self.post_message(m.PlaybackStopped(str(exc)))
            except Exception as exc:
                self.post_message(m.PlaybackStopped(explain(exc)))
            else:
                self.post_message(m.PlaybackStarted(route))

        # a WAV route says so from the start (the file is named once the player has opened it)
        self.transport.file = "WAV file" if (self._route or ws.audio_label).startswith("WAV") else ""
        self.transport.playing = True  # (paused stays: a take restarted while paused starts paused)
        if self._watch_timer is not None:  # a restart (loop, style, key): the player being replaced is
            self._watch_timer.stop()  # not "played out", and must not stop the new one as it starts
            self._watch_timer = None
        self.run_worker(work, thread=True, group="play", exclusive=True, exit_on_error=False)

    def on_playback_started(self, message: m.PlaybackStarted) -> None:
        if not self.transport.playing:  # the writer stopped it while it was being arranged
            self.run_worker(self.ws.stop, thread=True, group="stop", exit_on_error=False)
            return
        if message.route:
            self._route = self.status.route = message.route
        self._tell_notes()
        self._armed = True
        if self.transport.paused:  # paused while this take was being arranged, or restarted while paused
            self.ws.pause()
        sound = self.ws.sound_file
        self.transport.file = str(sound.path) if sound is not None else ""
        if self._watch_timer is None:
            self._watch_timer = self.set_interval(0.25, self._watch_playback)

    def _tell_notes(self) -> bool:
        """Say where the sound went when it is not where the writer expected (the laptop's listener was
        not there, or went away mid-song: then the take is written to a file, shown as such)."""
        notes = self.ws.take_notes()
        for note in notes:
            self.notify(note, title="Sound", severity="warning", timeout=10)
        sound = self.ws.sound_file if notes else None
        if sound is not None:  # (it may be written already: a file is written faster than it plays)
            self.transport.file = str(sound.path)
            self._route = self.status.route = self.ws.route or self.status.route
            self.editor.set_play_line(None)
        return bool(notes)

    def _watch_playback(self) -> None:
        self._tell_notes()
        if not self.ws.playing:
            sound = self.ws.sound_file if self.transport.file else None
            self._stopped()
            if sound is not None:
                self.transport.file = str(sound.path) if sound.complete else ""
                self._tell_written(sound)
            self._played_out()

    def _tell_written(self, sound: SoundFile) -> None:
        """Where the sound went, how much of it, and how to hear it."""
        if not sound.complete:
            self.notify(f"The WAV at {sound.path} is incomplete.", title="Playback", severity="warning")
            return
        minutes, seconds = divmod(round(sound.seconds), 60)
        what = f"{minutes}:{seconds:02d} of sound"
        if self._take:
            what += f", {self._take}"
        home = os.path.expanduser("~")
        path = str(sound.path)
        inside = home not in ("", "/") and path.startswith(home + os.sep)
        fetch = path[len(home) + 1 :] if inside else path  # scp and players take it relative to home
        ssh = os.environ.get("SSH_CONNECTION", "").split()
        if len(ssh) == 4:  # client address, client port, this host's address, its port
            how = f"No speakers over SSH: on your computer, scp {ssh[2]}:{fetch} ."
        else:
            how = "Play it with any player."
        shown = tilde(path)
        self.notify(f"{shown}: {what}. {how}", title="Sound written", timeout=12)

    def on_playback_stopped(self, message: m.PlaybackStopped) -> None:
        self.transport.file = ""
        self._stopped()
        self._stopped_by_writer()
        if message.error:
            self.notify(message.error, title="Playback", severity="error", timeout=8)

    def _stopped(self) -> None:
        if self._watch_timer is not None:
            self._watch_timer.stop()
            self._watch_timer = None
        self.transport.playing = False
        self.transport.paused = False
        self.editor.set_play_line(None)

    def on_playhead_moved(self, message: m.PlayheadMoved) -> None:
        if not self.transport.playing or self.transport.file:
            return
        pos = message.position
        if self._until_bar and self._armed and pos.bar > self._until_bar:
            self.run_worker(self.ws.stop, thread=True, group="stop", exit_on_error=False)
            self._stopped()
            self._played_out()
            return
        self.transport.bar = pos.bar
        self.transport.beat = pos.beat
        if self._playing_song and pos.line:
            self.editor.set_play_line(pos.line - 1)

    def _played_out(self) -> None:
        """Playback ended by itself (the end, or `until_bar`): what plays next, if anything."""

    def _stopped_by_writer(self) -> None:
        """The writer stopped playback."""

    def _keep_settings(self) -> None:
        """The transport's settings go with the song's session (a reopen finds them as they were)."""
        ws = self.ws

        def work() -> None:
            try:
                ws.remember_settings()
            except CowriterError as exc:  # settings not kept are worth a word, never a crash
                self.post_message(m.Saved("", ws.text, str(exc)))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def _show_settings(self) -> None:
        """The transport as the workspace's settings say (after a session brought them back)."""
        settings = self.ws.settings
        self.transport.style = settings.style or ""
        self.transport.transpose = settings.transpose
        self.transport.loop = settings.loop_section or ""
        if settings.bpm is not None:
            self.transport.bpm = settings.bpm

    def action_loop_section(self) -> None:
        if self.transport.loop:
            self.transport.loop = ""
            self.ws.settings.loop_section = None
            self._keep_settings()
            self.notify("Loop off.")
            return
        name = section_at(self.ws.lines, self.editor.cursor_location[0])
        if not name:
            self.notify("Put the cursor inside a section to loop it.", severity="warning")
            return
        self.transport.loop = name
        self.ws.settings.loop_section = name
        self._keep_settings()
        self.notify(f"Looping {name} (F5 plays).")
        if self.transport.playing:
            self._play()

    def action_tempo(self, delta: int) -> None:
        current = self.ws.settings.bpm or self.transport.bpm or 100.0
        bpm = max(30.0, min(300.0, current + delta))
        self.ws.set_tempo(bpm)  # queued to the player's thread: returns at once
        self.transport.bpm = bpm
        self._keep_settings()

    def action_next_style(self) -> None:
        """The song's own style, then each style in turn."""
        choices: list[str | None] = [None, *self.ws.styles()]
        current = self.ws.settings.style
        nxt = choices[(choices.index(current) + 1) % len(choices)] if current in choices else None
        self.ws.settings.style = nxt
        self.transport.style = nxt or ""
        self._keep_settings()
        if self._play_again():
            self.notify(f"Style: {nxt or 'as the song says'}, from this bar.")
        else:
            self.notify(f"Style: {nxt or 'as the song says'} (F5 plays).")

    def _play_again(self) -> bool:
        """While the song is heard, hear a change (style, key) at once: play again from the bar sounding
        (the looped section from its start). False when nothing is heard now."""
        if not (self.transport.playing and self._playing_song and not self.transport.file and self._armed):
            return False
        if self.transport.loop:
            self._play()
        else:
            self._play(bar=max(1, self.transport.bar))
        return True

    def action_pause(self) -> None:
        """Hold the sound where it is; again: go on from there."""
        if not self.transport.playing or self.transport.file:
            self.notify("Nothing is playing to pause (F5 plays).")
            return
        self.transport.paused = not self.transport.paused
        if not self._armed:  # the take is still being arranged: it starts as the transport says
            return
        if self.transport.paused:
            self.ws.pause()
        else:
            self.ws.resume()

    def action_play_from_cursor(self) -> None:
        """Play from the bar of the line under the cursor (while playing: jump there)."""
        bar = self.ws.bar_of_line(self.editor.cursor_location[0] + 1)
        if bar is None:
            self.notify("No bar on this line: put the cursor on a line with chords.", severity="warning")
            return
        if self.transport.playing and self._playing_song and not self.transport.file and self.ws.seek(bar):
            if self.ws.paused:
                self.ws.resume()
                self.transport.paused = False
            return
        self.transport.loop = ""
        self._play(bar=bar)

    def action_transpose(self, semitones: int) -> None:
        self._catch_up()
        ws = self.ws
        text = ws.text
        proposal = self.proposal

        def work() -> None:
            try:
                new = ws.transposed(semitones, text)
            except CowriterError as exc:
                self.post_message(m.SongReplaced("", str(exc)))
                return
            # the open proposal goes to the new key with the song (None: it cannot)
            moved = ws.transposed_proposal(proposal, semitones) if proposal is not None else None
            self._transposing = (new, proposal, moved)
            self._transposed_from = text
            self.post_message(m.SongReplaced(new, f"{semitones:+d}"))

        self.run_worker(work, thread=True, group="transpose", exit_on_error=False)

    def on_song_replaced(self, message: m.SongReplaced) -> None:
        if not message.text:
            self.notify(message.note, title="Transpose", severity="error")
            return
        semitones = int(message.note or 0)
        self._catch_up()
        if self._transposed_from != self.ws.text:  # the writer typed meanwhile: their song, transposed
            try:
                message = m.SongReplaced(self.ws.transposed(semitones), message.note)
            except CowriterError as exc:
                self.notify(str(exc), title="Transpose", severity="error")
                return
        self.ws.replace_text(message.text)
        self.ws.settings.transpose += semitones
        self.transport.transpose = self.ws.settings.transpose
        self._keep_settings()
        self._replace_text(message.text)
        self._play_again()  # heard in the new key from this bar
        text, before, moved = self._transposing
        self._transposing = ("", None, None)
        if self.proposal is not None:
            transposed = text == message.text and before is self.proposal
            self._follow_song(message.text, moved if transposed else None, transposed=transposed)
        self._schedule_save()

    def _follow_song(self, text: str, moved: Proposal | None, *, transposed: bool) -> None:
        """The song's text was replaced under the open proposal: show `moved` (the proposal transposed
        with it), else what of the proposal still fits (the main screen decides)."""
