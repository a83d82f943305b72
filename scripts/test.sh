#!/usr/bin/env bash
# Install everything cowriter's checks need on a fresh Debian machine, then run them all:
# ruff, mypy, import-linter and pytest. `.ci/run` calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(pulseaudio pulseaudio-utils libasound2-plugins libportaudio2 alsa-utils sox tmux
              fluidsynth fluid-soundfont-gm portaudio19-dev
              musescore3 lilypond  # the lead sheet's readers (tests/render/test_musicxml_clients.py)
              abcmidi abcm2ps timidity  # the melody's and the MIDI's readers (tests/render/test_abc_clients.py)
              openssh-server openssh-client)  # a real sshd and ssh -R (tests/render/test_remote_ssh.py)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# ChordSheetJS reads our ChordPro and text back (tests/cli/test_chordsheetjs_clients.py): into tests/js
if command -v npm >/dev/null 2>&1; then
  (cd tests/js && npm install --no-package-lock --no-audit --no-fund --silent) ||
    echo "npm install in tests/js failed: the ChordSheetJS tests will skip"
fi

PY=${PYTHON:-python3}
# llama-cpp-python compiles llama.cpp from source the first time (about 7 minutes on 2 cores).
$PY -m pip install --quiet --progress-bar off -e '.[dev]'

$PY -m ruff check cowriter tests benchmarks
$PY -m mypy cowriter
$PY -c "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
exec $PY -m pytest -q "$@"
