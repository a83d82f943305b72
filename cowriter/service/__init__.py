"""Headless orchestration used by both the TUI and the CLI (edit, validate, propose, accept, arrange,
render, play, save). One module per job; the TUI and CLI import from here, never the reverse."""
