"""`cowriter sessions list|show|versions|new|save|export`: the session store from the command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from cowriter.cli.common import say
from cowriter.errors import CowriterError

if TYPE_CHECKING:
    from cowriter.session import Session, SessionStore

SAVE_WAIT_SECONDS = 3.0  # how long `save` waits for another writer to finish


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sessions", help="the session store: songs with their versions, chat and credits")
    p.set_defaults(func=_usage(p))
    ss = p.add_subparsers(dest="sessions_command", metavar="ACTION")

    q = ss.add_parser("list", help="the sessions in the store")
    q.add_argument("--json", action="store_true", help="a JSON list of {name, versions, current, updated}")
    q.set_defaults(func=run_list)

    q = ss.add_parser("show", help="one session: versions, branches, credits in short")
    q.add_argument("name")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=run_show)

    q = ss.add_parser("versions", help="a session's versions, oldest first")
    q.add_argument("name")
    q.add_argument(
        "--json", action="store_true", help='a list of {"id","parent","author","message","created"}'
    )
    q.set_defaults(func=run_versions)

    q = ss.add_parser("new", help="a new session")
    q.add_argument("name")
    q.add_argument("--from", dest="source", metavar="FILE", help="the first version's text (- for stdin)")
    q.set_defaults(func=run_new)

    q = ss.add_parser("save", help="record FILE as the next version, crediting changed lines")
    q.add_argument("name")
    q.add_argument("file", help="the song file (- for stdin)")
    q.add_argument("--author", default="human", help="human or model:NAME (default human)")
    q.add_argument("--message", default="", help="what changed")
    q.add_argument(
        "--transposed",
        action="store_true",
        help="FILE is the current version transposed: every line and chord keeps its credit (found by "
        "itself when FILE is exactly what `cowriter transpose` writes)",
    )
    q.add_argument(
        "--wait",
        type=_seconds,
        default=SAVE_WAIT_SECONDS,
        metavar="SECONDS",
        help="for another writer to finish",
    )
    q.set_defaults(func=run_save)

    q = ss.add_parser("export", help="the song, or its credits report")
    q.add_argument("name")
    q.add_argument("--credits", action="store_true", help="the credits report instead of the song")
    q.add_argument("--json", action="store_true")
    q.add_argument(
        "--version", dest="version_ref", metavar="ID|NAME", help="a version other than the current"
    )
    q.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    q.set_defaults(func=run_export)


def _usage(parser: argparse.ArgumentParser) -> Any:
    def run(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return run


MAX_WAIT_SECONDS = 3600.0


def _seconds(value: str) -> float:
    """`--wait`: a number of seconds from 0 to an hour (`nan`, `inf` and negatives are refused)."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_WAIT_SECONDS:  # false for nan too
        most = f"{MAX_WAIT_SECONDS:.0f}"
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of seconds from 0 to {most}")
    return seconds


def _store(args: argparse.Namespace) -> SessionStore:
    from cowriter.session import SessionStore, default_store

    return SessionStore(default_store(getattr(args, "sessions", None)))


def _read(path: str) -> str:
    """The song file as `parse` and `play` read it: any common encoding (a Latin-1 or UTF-16 sheet is
    stored as UTF-8), `\\n` line ends; a missing, binary or folder path is one clear error."""
    from cowriter.songio import read_text

    return read_text(path)


def _emit(text: str, output: str | None, *, song: bool = False) -> None:
    """`text` to `output`, or to stdout: a song as `write_song` puts it (the writer's bytes into a file
    or a pipe), a report through the safe stream."""
    if output is None:
        if song:
            from cowriter.cli.output import write_song

            write_song(text)
        else:
            sys.stdout.write(text)
        return
    from pathlib import Path

    from cowriter.session.files import write_atomic
    from cowriter.umask import export_mode

    try:  # an export follows the umask, as the user's other files do (the store itself stays private)
        write_atomic(Path(output), text.encode("utf-8"), mode=export_mode())
    except OSError as exc:
        raise CowriterError(f"{output}: {exc.strerror or exc}") from exc


def _note(session: Session) -> None:
    if session.notice:
        say(f"{session.name}: {session.notice}")


def _summary(session: Session) -> dict[str, Any]:
    versions = session.versions()
    parents = {v.parent for v in versions}
    report = session.credits().report()
    return {
        "name": session.name,
        "folder": str(session.folder),
        "song": str(session.song_path),
        "versions": len(versions),
        "branches": sum(1 for v in versions if v.id not in parents),
        "current": session.current.to_json(),
        "created": versions[0].created,
        "updated": max(v.created for v in versions),
        "named": {v.name: v.id for v in versions if v.name},
        "messages": len(session.messages()),
        "authors": report["authors"],
        "models": report["models"],
        "writer": session.writer() or None,
    }


def run_list(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = []
    for name in store.list():
        try:
            with store.open(name, readonly=True) as s:
                versions = s.versions()
                rows.append(
                    {
                        "name": name,
                        "versions": len(versions),
                        "current": s.current.id,
                        "updated": max(v.created for v in versions),
                    }
                )
        except CowriterError as exc:
            say(exc)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    elif not rows:
        print(f"no sessions in {store.root}", file=sys.stderr)
    else:
        width = max(len(str(r["name"])) for r in rows)
        for r in rows:
            counts = f"{r['versions']:>5} versions  current {r['current']:>5}"
            print(f"{r['name']:<{width}}  {counts}  {r['updated']}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with _store(args).open(args.name, readonly=True) as s:
        data = _summary(s)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    cur = data["current"]
    print(f"{data['name']}  ({data['folder']})")
    print(f"  versions  {data['versions']} ({data['branches']} branch tips), created {data['created']}")
    print(f"  current   {cur['id']} by {cur['author']} at {cur['created']}  {cur['message']}")
    if data["named"]:
        print("  named     " + ", ".join(f"{k} = {v}" for k, v in sorted(data["named"].items())))
    print(f"  chat      {data['messages']} messages")
    if data["writer"]:
        print(f"  writer    {data['writer']}")
    shares = ", ".join(f"{a['author']} {a['share'] * 100:.0f}%" for a in data["authors"]) or "no lines"
    print(f"  credits   {shares}; models: {', '.join(data['models']) or 'none'}")
    return 0


def run_versions(args: argparse.Namespace) -> int:
    with _store(args).open(args.name, readonly=True) as s:
        versions = s.versions()
        current = s.current.id
    if args.json:
        print(json.dumps([v.to_json() for v in versions], ensure_ascii=False))
        return 0
    for v in versions:
        mark = "*" if v.id == current else " "
        parent = "-" if v.parent is None else str(v.parent)
        name = f" [{v.name}]" if v.name else ""
        print(f"{mark}{v.id:>5} <{parent:>5}  {v.created}  {v.author:<20} {v.message}{name}")
    return 0


def run_new(args: argparse.Namespace) -> int:
    store = _store(args)
    text = _read(args.source) if args.source else ""
    with store.create(args.name, text=text, author="human") as s:
        print(f"created session {s.name!r} in {s.folder}", file=sys.stderr)
    return 0


def run_save(args: argparse.Namespace) -> int:
    from cowriter.session import check_author

    author = check_author(args.author)
    text = _read(args.file)
    store = _store(args)
    s = store.open(args.name, wait=args.wait)
    try:
        if s.readonly:
            raise CowriterError(
                f"session {s.name!r} not saved: {s.notice.split(';')[0]}",
                hint="close the other cowriter or save from it",
            )
        _note(s)
        carry = args.transposed or _transposed(s.text(), text)
        message = args.message or ("transposed" if carry else "")
        version = s.save_version(text, author, message=message, carry=carry)
    except BaseException:
        with contextlib.suppress(CowriterError):
            s.close()
        raise
    if carry:
        say("recorded as a transposition: every line and chord keeps its credit")
    print(version.id, flush=True)  # durable in the database now: the exit status says so
    try:
        s.close()
    except CowriterError as exc:  # only the song.cho copy can fail past this point; the next open redoes it
        say(f"warning: {exc}")
    return 0


def _transposed(old: str, new: str) -> bool:
    """Whether `new` is `old` as `cowriter transpose` writes it (a transposition is nobody's authorship)."""
    from cowriter.core.transposition import transposition_between

    return transposition_between(old, new) is not None


def run_export(args: argparse.Namespace) -> int:
    with _store(args).open(args.name, readonly=True) as s:
        version = s.current if args.version_ref is None else s.version(args.version_ref)
        if args.credits:
            credits = s.credits(version.id)
            out = (
                json.dumps({"name": s.name, **credits.report()}, ensure_ascii=False) + "\n"
                if args.json
                else credits.format(s.name)
            )
        elif args.json:
            data = {"name": s.name, **version.to_json(), "text": s.text(version.id)}
            out = json.dumps(data, ensure_ascii=False) + "\n"
        else:
            out = s.text(version.id)
    _emit(out, args.output, song=not (args.credits or args.json))
    return 0
