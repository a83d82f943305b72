"""`cowriter models pull NAME`: fetch a model from the curated list into the Hugging Face cache.

    catalog entry ─▶ HEAD resolve/REVISION/FILE (huggingface_hub: commit, sha256, size, download URL)
        ─▶ blobs/SHA256.incomplete, resumed with a Range request when a partial download is there
        ─▶ sha256 of the whole file == the hub's (and the entry's, when pinned) ─▶ blobs/SHA256
        ─▶ hf_hub_download links snapshots/COMMIT/FILE to it (the cache as every tool expects it)

huggingface_hub does the talking to the hub (endpoint from HF_ENDPOINT, token, headers, redirects) and
the byte transfer (`http_get`, with its progress bar and its retries within a run); cowriter keeps the
partial file between runs, so an interrupted pull (Ctrl-C, a dropped connection, a full disk) resumes
where it stopped, and checks the checksum, which huggingface_hub does not for files in its cache.
Every failure is one `PullError` line that says what happened and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cowriter.errors import CowriterError
from cowriter.model.catalog import CatalogEntry, installed

CHUNK = 1 << 20


class PullError(CowriterError):
    """A pull that did not finish; the message is the one line the writer sees."""


@dataclass(frozen=True, slots=True)
class Pulled:
    path: Path  # the snapshot path (what `--model` loads)
    size: int
    seconds: float  # the transfer, not the checksum
    downloaded: int  # bytes fetched in this run (less than size when resumed)
    resumed_from: int  # bytes already there when this run started
    sha256: str
    already: bool = False


def megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n < 1e9 else f"{n / 1e9:,.2f} GB"


def _hub() -> Any:
    try:
        import huggingface_hub
    except ImportError:  # pragma: no cover - a broken install
        raise PullError(
            "huggingface_hub is not installed", hint="pip install huggingface_hub (cowriter depends on it)"
        ) from None
    return huggingface_hub


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _is_sha1(text: str) -> bool:
    return len(text) == 40 and all(c in "0123456789abcdef" for c in text)


def _failure(exc: BaseException, entry: CatalogEntry, endpoint: str) -> PullError:
    """One clear line for what went wrong talking to the hub."""
    hub = _hub()
    where = f"{entry.repo}/{entry.file}"
    names = {c.__name__ for c in type(exc).__mro__}
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if "OfflineModeIsEnabled" in names:
        return PullError(f"cannot fetch {entry.name}: HF_HUB_OFFLINE is set", hint="unset it to download")
    if "GatedRepoError" in names or (status in (401, 403) and "RepositoryNotFoundError" not in names):
        return PullError(
            f"{where}: the hub refused access ({status}): the model's licence must be accepted first",
            hint="accept it on the model's page, then `hf auth login` (or set HF_TOKEN) and pull again",
        )
    if "RepositoryNotFoundError" in names:
        return PullError(
            f"{entry.repo}: no such repository on {endpoint} (404)", hint="the model list is out of date"
        )
    if "RevisionNotFoundError" in names:
        return PullError(f"{entry.repo}: no revision {entry.revision!r} on {endpoint} (404)")
    if "EntryNotFoundError" in names or "RemoteEntryNotFoundError" in names or status == 404:
        return PullError(f"{where}: not found on {endpoint} (404)", hint="the model list is out of date")
    if isinstance(exc, hub.errors.HfHubHTTPError) and status is not None:
        return PullError(f"{where}: the hub answered {status}", hint="try again later")
    if any(
        n in names for n in ("ConnectError", "ConnectionError", "TimeoutException", "Timeout", "NetworkError")
    ):
        return PullError(
            f"cannot reach {endpoint} (offline?): {type(exc).__name__}",
            hint="check the network (or HF_ENDPOINT), then run the same command again",
        )
    return PullError(f"{where}: {type(exc).__name__}: {exc}".splitlines()[0])


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[BinaryIO]:
    """The partial file, opened to append, locked against a second pull of the same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    f = path.open("ab")
    try:
        try:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX: no lock
            pass
        except OSError:
            raise PullError(
                f"{path.name}: another pull of this model is running", hint="wait for it"
            ) from None
        yield f
    finally:
        f.close()


def _checksum(path: Path, git: bool = False) -> str:
    digest = hashlib.sha1() if git else hashlib.sha256()
    if git:
        digest.update(f"blob {path.stat().st_size}\0".encode())
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _disk_room(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise PullError(
            f"not enough disk space in {folder}: {megabytes(needed)} more needed, {megabytes(free)} free",
            hint="free some space (or set HF_HOME to a bigger disk) and run the same command again",
        )


Progress = Callable[[int, int], None]  # (bytes in the file so far, total)


class _Metered:
    """The partial file as http_get sees it: writes are counted for the progress callback; seeking,
    truncating and the rest are the file's own (http_get rewinds when a server ignores Range)."""

    def __init__(self, f: BinaryIO, total: int, on_progress: Progress | None) -> None:
        self._f = f
        self._total = total
        self._on_progress = on_progress

    def write(self, data: bytes) -> int:
        n = self._f.write(data)
        if self._on_progress is not None:
            self._on_progress(self._f.tell(), self._total)
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


def pull(entry: CatalogEntry, *, on_progress: Progress | None = None) -> Pulled:
    """Fetch `entry` into the hub cache (see the module doc); return where it is."""
    hub = _hub()
    from huggingface_hub import constants

    endpoint = constants.ENDPOINT
    url = hub.hf_hub_url(entry.repo, entry.file, revision=entry.revision)
    try:
        meta = hub.get_hf_file_metadata(url)
    except Exception as exc:  # huggingface_hub raises its own and its HTTP client's errors
        have = installed(entry)
        if have is not None:  # offline (or the hub is down), and the model is here already
            return Pulled(have, have.stat().st_size, 0.0, 0, 0, "", already=True)
        raise _failure(exc, entry, endpoint) from None
    etag, commit, size = (meta.etag or "").lower(), meta.commit_hash, meta.size
    if not etag or not commit or size is None:
        raise PullError(
            f"{endpoint} did not answer as the Hugging Face hub does (no commit, checksum or size)"
        )
    cache = Path(constants.HF_HUB_CACHE)
    folder = cache / entry.cache_folder
    pointer = folder / "snapshots" / commit / entry.file
    blob = folder / "blobs" / etag
    if pointer.is_file():
        return Pulled(pointer, size, 0.0, 0, size, etag, already=True)
    partial = blob.with_name(etag + ".incomplete")
    started = time.perf_counter()
    resumed = downloaded = 0
    if not blob.is_file():
        folder.joinpath("blobs").mkdir(parents=True, exist_ok=True)
        resumed, downloaded = _download(entry, meta.location or url, partial, size, on_progress)
    seconds = time.perf_counter() - started
    source = blob if blob.is_file() else partial
    _verify(entry, source, etag)
    if source is partial:
        os.replace(partial, blob)
    try:
        path = Path(hub.hf_hub_download(entry.repo, entry.file, revision=entry.revision))
    except Exception as exc:
        raise _failure(exc, entry, endpoint) from None
    return Pulled(path, size, seconds, downloaded, resumed, etag)


def _download(
    entry: CatalogEntry, url: str, partial: Path, size: int, on_progress: Progress | None
) -> tuple[int, int]:
    """Fetch into `partial`, resuming what is there; return (bytes there before, bytes fetched now).
    huggingface_hub's own bar is off: `on_progress` draws cowriter's (its output passes the safe filter)."""
    from huggingface_hub.file_download import http_get

    hub = _hub()

    have = partial.stat().st_size if partial.exists() else 0
    if have > size:
        partial.unlink()
        have = 0
    _disk_room(partial.parent, size - have)
    headers = hub.utils.build_hf_headers()
    if not _same_origin(url, entry):
        headers.pop("authorization", None)  # a signed CDN address: the token stays on the hub
    hub.utils.disable_progress_bars()
    with _locked(partial) as f:
        if on_progress is not None:
            on_progress(have, size)
        try:
            metered: Any = _Metered(f, size, on_progress)
            http_get(url, metered, resume_size=have, headers=headers, expected_size=size)
        except KeyboardInterrupt:
            f.flush()
            got = partial.stat().st_size
            raise PullError(
                f"interrupted at {megabytes(got)} of {megabytes(size)}",
                hint="run the same command to resume",
                exit_code=130,
            ) from None
        except OSError as exc:
            f.flush()
            got = partial.stat().st_size if partial.exists() else 0
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise PullError(
                    f"disk full after {megabytes(got)} of {megabytes(size)} in {partial.parent}",
                    hint="free some space, then run the same command to resume",
                ) from None
            raise PullError(
                f"download of {entry.file} stopped at {megabytes(got)} of {megabytes(size)} ({_reason(exc)})",
                hint="run the same command to resume",
            ) from None
        except Exception as exc:
            got = partial.stat().st_size if partial.exists() else 0
            failure = _failure(exc, entry, url)
            raise PullError(
                f"{failure.message} after {megabytes(got)} of {megabytes(size)}",
                hint="run the same command to resume",
            ) from None
    return have, partial.stat().st_size - have


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).splitlines()[0]


def _same_origin(url: str, entry: CatalogEntry) -> bool:
    from urllib.parse import urlparse

    from huggingface_hub import constants

    a, b = urlparse(url), urlparse(constants.ENDPOINT)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _verify(entry: CatalogEntry, path: Path, etag: str) -> None:
    """The file's checksum against the hub's (sha256 for LFS files, git's blob id otherwise) and the
    entry's pin; a mismatch removes the file (it cannot be resumed into a good one)."""
    expected = [etag] if _is_sha256(etag) else []
    if entry.sha256:
        expected.append(entry.sha256)
    actual = _checksum(path) if expected else ""
    if not expected and _is_sha1(etag):
        actual, expected = _checksum(path, git=True), [etag]
    for wanted in expected:
        if actual != wanted:
            path.unlink(missing_ok=True)
            whose = "the model list" if wanted == entry.sha256 and wanted != etag else "the hub"
            raise PullError(
                f"checksum mismatch for {entry.file}: {whose} says sha256 {wanted[:12]}…, the download is "
                f"{actual[:12]}…; the bad file was removed",
                hint="run the same command to fetch it again",
            )


__all__ = ["PullError", "Pulled", "megabytes", "pull"]
