"""The session store: each song a session with its versions (a tree), credits, chat and UI state.

Public API (see store.py and session.py)::

    from cowriter.session import SessionStore, default_store
    store = SessionStore(default_store(args.sessions))
    session = store.create(name, text, author="human")   # or store.open(name, readonly=False)
    session.save_version(text, "model:smollm2", message="chorus", prompt="...")
    session.versions(), session.version(id_or_name), session.current, session.text(id)
    session.branch_from(id), session.name_version(id, name), session.diff(a, b)
    session.credits(version).report() / .format()
    session.add_message(role, text, model), session.messages()
    session.set_state(key, value), session.get_state(key, default)
    session.refresh(), session.try_upgrade(), session.readonly, session.notice, session.close()

Notes for callers:
- Authors are "human" or "model:NAME"; pass the prompt text behind a model's version as `prompt=`
  (the credits report lists prompts with the lines they produced). A human changing a model's words
  makes the line "edited" (`LineCredit.origin` keeps the model).
- `save_version`, `branch_from`, `name_version` and `add_message` are durable when they return (SQLite
  WAL with a full fsync, and song.cho replaced atomically): a few ms, more on a busy disk, so call them
  from a worker thread. `set_state` is cheap (not fsynced on its own). All methods are thread-safe.
- When another process writes the session, `open()` returns it read-only with `notice` saying who writes;
  poll `refresh()` to follow that writer live and `try_upgrade()` to take over when it has gone. Writes
  on a read-only session raise CowriterError.
- Errors the user should see are CowriterError (one line); a damaged or newer database is refused after
  a backup copy is made, never overwritten.
"""

from cowriter.session.credits import EDITED, HUMAN, ChordCredit, LineCredit, check_author
from cowriter.session.names import check_name
from cowriter.session.paths import default_store
from cowriter.session.records import Credits, Message, Version
from cowriter.session.session import Session
from cowriter.session.store import SessionStore

__all__ = [
    "EDITED",
    "HUMAN",
    "ChordCredit",
    "Credits",
    "LineCredit",
    "Message",
    "Session",
    "SessionStore",
    "Version",
    "check_author",
    "check_name",
    "default_store",
]
