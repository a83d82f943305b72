"""`cowriter play FILE [--section NAME] [--loop] [--style S] [--out WAV]`: hear the song now.

Over SSH, with `cowriter listen` running on the writer's laptop, it plays there (see `remote_find`); with
a device it plays here (Ctrl-C stops); with none (PortAudio missing, no output, an SSH session without a
listener, or `--audio wav`) it writes a WAV and says where in one line, exiting 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cowriter.errors import CowriterError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "play",
        help="play a song (with no audio device, write a WAV and say where)",
        description="Arrange a song and play it on the speakers; without a device, write a WAV instead.",
    )
    p.add_argument("file", metavar="FILE", help="a ChordPro or chords-over-lyrics file (- for stdin)")
    p.add_argument("--section", metavar="NAME", help="play only this section")
    p.add_argument("--loop", action="store_true", help="repeat until Ctrl-C (on a device)")
    p.add_argument("--style", metavar="S", help="play every section in this style (see `cowriter styles`)")
    p.add_argument("--bpm", type=float, metavar="N", help="tempo at the start")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="humanisation seed (default 0)")
    p.add_argument("--out", metavar="WAV", help="the WAV when there is no device (default ./SONG.wav)")
    p.set_defaults(func=run)


def _wav_path(args: argparse.Namespace) -> Path:
    if args.out:
        return Path(args.out)
    stem = "song" if args.file == "-" else Path(args.file).stem or "song"
    return Path.cwd() / f"{stem}.wav"


def _duration(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def run(args: argparse.Namespace) -> int:
    from cowriter.cli.common import read_song_reporting
    from cowriter.core.arrange import ArrangeError, arrange

    if args.bpm is not None and not 10 <= args.bpm <= 400:
        raise CowriterError(f"--bpm {args.bpm:g} is out of range", hint="use 10 to 400", exit_code=2)
    song = read_song_reporting(args.file)  # errors as `parse` shows them; what can be played still plays
    try:
        arrangement = arrange(
            song, style=args.style, bpm=args.bpm, seed=args.seed, section=args.section, count_in=not args.loop
        )
    except ArrangeError as exc:
        hint = "see `cowriter styles` and the song's sections"
        raise CowriterError(f"{args.file}: {exc}", hint=hint) from exc

    from cowriter.render import remote_find
    from cowriter.render.audio import NoDevice, open_output
    from cowriter.render.sounds import resolve
    from cowriter.render.synth import render_wav

    sound = resolve(getattr(args, "sound", None)).path

    wav = _wav_path(args)
    laptop = ""  # why the laptop's listener, expected, was not used
    if remote_find.wanted(args.audio):
        try:
            opened = remote_find.connect(pcm=sound is not None)  # a SoundFont: the laptop gets its sound
        except remote_find.NoListener as exc:
            laptop = str(exc) if exc.found else ""
        else:
            return _play_on_laptop(args, song, arrangement, opened, wav, sound)
    try:
        output, why = open_output(args.audio, wav_path=wav)
    except ValueError as exc:
        raise CowriterError(str(exc), exit_code=2) from exc
    if output.kind == "none":
        print(f"audio is off (--audio none): nothing played ({_duration(arrangement.seconds)} of music)")
        return 0
    if output.kind == "device":
        from cowriter.cli.output import write_control
        from cowriter.render.player import Player, Position, bar_beat

        bars = bar_beat(arrangement, arrangement.beats)[0] - 1
        tty = sys.stdout.isatty()

        def show(pos: Position) -> None:  # a live play head on a terminal, nothing when piped
            write_control(f"\r  bar {pos.bar:>3}/{bars}  beat {int(pos.beat)}")

        player = Player(arrangement, output, on_position=show if tty else None, sound=sound)
        try:
            player.start(loop=args.loop)
        except NoDevice as exc:
            why = str(exc)
        else:
            what = f"{song.title or Path(args.file).name}"
            extra = ", looping; Ctrl-C stops" if args.loop else "; Ctrl-C stops"
            print(f"playing {what} ({_duration(arrangement.seconds)}) on {player.route}{extra}", flush=True)
            try:
                while not player.wait(0.25):
                    pass
            except KeyboardInterrupt:
                pass
            finally:
                player.stop()
                if tty:
                    print()
            return 0
    try:
        render_wav(arrangement, wav, sound=sound)
    except OSError as exc:
        raise CowriterError(f"cannot write {wav}: {exc.strerror or exc}", hint="pass --out PATH") from exc
    reason = f"laptop: {laptop}; " if laptop else f"no audio device: {why}; " if why else ""
    print(f"{reason}wrote {wav} ({_duration(arrangement.seconds)}) — play it where there are speakers")
    return 0


def _play_on_laptop(
    args: argparse.Namespace, song: Any, arrangement: Any, opened: Any, wav: Path, sound: Path | None
) -> int:
    """Play through `cowriter listen` on the writer's laptop; if it goes away mid-song, the song is
    written to `wav` instead and one line says so."""
    from cowriter.cli.output import write_control
    from cowriter.render.player import Position, bar_beat
    from cowriter.render.remote_find import ROUTE
    from cowriter.render.remote_player import RemotePlayer

    bars = bar_beat(arrangement, arrangement.beats)[0] - 1
    tty = sys.stdout.isatty()

    def show(pos: Position) -> None:  # what the laptop is sounding, as it reports it
        write_control(f"\r  bar {pos.bar:>3}/{bars}  beat {int(pos.beat)}")

    player = RemotePlayer(
        arrangement, opened, on_position=show if tty else None, fallback_wav=wav, sound=sound
    )
    player.start(loop=args.loop)
    what = song.title or Path(args.file).name
    extra = ", looping; Ctrl-C stops" if args.loop else "; Ctrl-C stops"
    print(f"playing {what} ({_duration(arrangement.seconds)}) on your {ROUTE}{extra}", flush=True)
    cut = False
    try:
        while not player.wait(0.25):
            pass
    except KeyboardInterrupt:
        cut = True
    finally:
        player.stop()
        if tty:
            print()
    if player.dropped:
        done = "stopped writing" if cut else "wrote"
        length = _duration(arrangement.seconds)
        print(f"{player.dropped}; {done} {wav} ({length}) — play it where there are speakers")
    return 0
