"""Find or download the source files the warehouse reads.

Developers point the warehouse at a source directory laid out like ``../shared/data``; users
download from the publishers (or a mirror serving that layout) into a cache. ``resolve_sources``
decides, per catalog entry, which of the three to use; ``fetch`` is the one place that talks HTTP.

Downloads stream into a temporary file beside the destination, are checked, and only then renamed
into place, so a destination path never holds a partial file. Connection errors, timeouts,
HTTP 429/5xx, truncated bodies and checksum mismatches are retried with exponential backoff;
any other HTTP error fails at once.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    before_sleep_log,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from etl import __version__
from etl.errors import WarehouseError
from etl.sources import catalog
from etl.sources.catalog import CatalogEntry

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0  # seconds to connect, and between two chunks of the body
DEFAULT_RETRIES = 3  # tries after the first one
DEFAULT_BACKOFF = 1.0  # first wait in seconds; doubles after each failed try
DEFAULT_MAX_BACKOFF = 30.0
CHUNK_SIZE = 1 << 16
USER_AGENT = f"alliance-warehouse/{__version__} (+source catalog download)"

#: Called with bytes received so far and the expected total (None when the server does not say).
ByteProgress = Callable[[int, int | None], None]
#: Called with the catalog name, bytes received so far and the expected total.
SourceProgress = Callable[[str, int, int | None], None]


class DownloadError(WarehouseError):
    """A source file could not be found or downloaded; the message names the URL or the paths."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(message)


class _Retryable(Exception):
    """A failure worth another try: network trouble, HTTP 429/5xx, a bad or short body."""

    def __init__(self, detail: str, *, retry_after: float | None = None) -> None:
        self.detail = detail
        self.retry_after = retry_after
        super().__init__(detail)


# --- checksums ------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file as lower-case hex, read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    """Where the downloader records the checksum and URL of a file it fetched unverified."""
    return path.with_name(path.name + ".sha256")


def _write_sidecar(path: Path, digest: str, url: str) -> None:
    """Record ``digest`` and ``url`` beside ``path`` (``sha256sum`` format plus the URL)."""
    _atomic_write_text(_sidecar(path), f"{digest}  {path.name}  {url}\n")


def _read_sidecar(path: Path) -> tuple[str, str] | None:
    """The (digest, url) recorded beside ``path``, or None when absent or unreadable."""
    try:
        digest, _name, url = _sidecar(path).read_text(encoding="utf-8").strip().split("  ", 2)
    except (OSError, ValueError):
        return None
    return digest, url


# --- files ----------------------------------------------------------------------------------


def _temp_beside(dest: Path, suffix: str = ".part") -> Path:
    """A new empty file in dest's directory, hidden, for writing before an atomic rename."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix, dir=dest.parent)
    os.close(fd)
    return Path(name)


def _atomic_write_text(dest: Path, text: str) -> None:
    """Write ``text`` to ``dest`` through a temporary file and a rename."""
    tmp = _temp_beside(dest)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _gzip_into(src: Path, dest: Path) -> None:
    """Compress ``src`` into ``dest`` atomically, reproducibly (no name, no timestamp)."""
    tmp = _temp_beside(dest)
    try:
        with open(src, "rb") as plain, open(tmp, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
                shutil.copyfileobj(plain, packed, CHUNK_SIZE)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _extract_member(archive: Path, members: Sequence[str], dest: Path, url: str) -> Path:
    """Copy ``members`` (nested archives, outermost first) out of ``archive`` to a temp file.

    A corrupt archive is retryable (the body was damaged); a missing member is not (the
    publisher's layout differs from the catalog's), and the error lists what the archive holds.
    """
    current = archive
    scratch: list[Path] = []
    try:
        for member in members:
            out = _temp_beside(dest, ".member")
            scratch.append(out)
            with zipfile.ZipFile(current) as zf:
                if member not in zf.namelist():
                    held = ", ".join(zf.namelist()[:20])
                    raise DownloadError(
                        f"{url}: the archive has no member {member!r}; it holds: {held}", url=url
                    )
                with zf.open(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK_SIZE)
            current = out
        scratch.remove(current)
        return current
    except zipfile.BadZipFile as exc:
        raise _Retryable(f"the body is not a readable zip archive ({exc})") from exc
    finally:
        for path in scratch:
            path.unlink(missing_ok=True)


# --- HTTP -----------------------------------------------------------------------------------


def _new_client(timeout: float) -> httpx.Client:
    """An HTTP client that follows redirects and asks for the bytes as stored (no re-encoding)."""
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
    )


def _check_status(response: httpx.Response, url: str) -> None:
    """Raise ``_Retryable`` for 429/5xx, ``DownloadError`` for any other non-2xx status."""
    status = response.status_code
    if status < 300:
        return
    found = f"HTTP {status} {response.reason_phrase}".strip()
    if status == 429 or status >= 500:
        raise _Retryable(f"expected HTTP 200, found {found}", retry_after=_retry_after(response))
    raise DownloadError(f"{url}: expected HTTP 200, found {found} (not retried)", url=url)


def _retry_after(response: httpx.Response) -> float | None:
    """The server's Retry-After in seconds, when given as a number."""
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _stream_to(
    client: httpx.Client, url: str, path: Path, timeout: float, progress: ByteProgress | None
) -> None:
    """GET ``url`` into ``path``; raise ``_Retryable`` for network trouble and short bodies."""
    try:
        with client.stream("GET", url, timeout=timeout) as response:
            _check_status(response, url)
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            received = 0
            with open(path, "wb") as fh:
                for chunk in response.iter_raw(CHUNK_SIZE):
                    fh.write(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(received, total)
    except httpx.TimeoutException as exc:
        raise _Retryable(f"no response within {timeout:g} s ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"transfer failed ({type(exc).__name__}: {exc})") from exc
    if total is not None and received != total:
        raise _Retryable(f"truncated body: expected {total} bytes, received {received}")


def _attempt(
    client: httpx.Client,
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    members: Sequence[str],
    timeout: float,
    progress: ByteProgress | None,
) -> None:
    """One try: download, extract, verify, rename into ``dest``; temp files never outlive it."""
    body = _temp_beside(dest)
    product = body
    try:
        _stream_to(client, url, body, timeout, progress)
        if members:
            product = _extract_member(body, members, dest, url)
        if sha256 is not None:
            found = sha256_file(product)
            if found != sha256:
                raise _Retryable(f"checksum mismatch: expected sha256 {sha256}, found {found}")
        os.replace(product, dest)
    finally:
        body.unlink(missing_ok=True)
        product.unlink(missing_ok=True)


def _wait(backoff: float, max_backoff: float) -> Callable[[RetryCallState], float]:
    """Exponential backoff from ``backoff`` seconds, stretched to honour Retry-After."""
    exponential = wait_exponential(multiplier=backoff, max=max_backoff)

    def wait(state: RetryCallState) -> float:
        seconds = exponential(state)
        failure = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failure, _Retryable) and failure.retry_after is not None:
            seconds = max(seconds, min(failure.retry_after, max_backoff))
        return seconds

    return wait


def _as_members(archive_member: str | Sequence[str] | None) -> tuple[str, ...]:
    """Normalise one member name or a chain of nested ones to a tuple."""
    if archive_member is None:
        return ()
    if isinstance(archive_member, str):
        return (archive_member,)
    return tuple(archive_member)


def fetch(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    archive_member: str | Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    max_backoff: float = DEFAULT_MAX_BACKOFF,
    progress: ByteProgress | None = None,
    client: httpx.Client | None = None,
) -> Path:
    """Download ``url`` to ``dest`` and return ``dest``; never leaves a partial file there.

    With ``archive_member`` the body is a zip and ``dest`` receives that member (a sequence names
    nested archives, outermost first). ``sha256`` is checked against what lands at ``dest``.
    ``timeout`` bounds connecting and each wait for the next chunk. Makes ``retries + 1`` tries;
    raises ``DownloadError`` naming the URL and what was expected and found.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    members = _as_members(archive_member)
    own_client = client is None
    http = _new_client(timeout) if client is None else client
    retrying = Retrying(
        stop=stop_after_attempt(retries + 1),
        wait=_wait(backoff, max_backoff),
        retry=retry_if_exception_type(_Retryable),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                _attempt(
                    http,
                    url,
                    dest,
                    sha256=sha256,
                    members=members,
                    timeout=timeout,
                    progress=progress,
                )
    except _Retryable as exc:
        tries = retries + 1
        raise DownloadError(f"{url}: {exc.detail} (gave up after {tries} tries)", url=url) from exc
    except OSError as exc:
        raise DownloadError(f"{url}: cannot write {dest}: {exc}", url=url) from exc
    finally:
        if own_client:
            http.close()
    return dest


# --- catalog entries ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where one entry would be downloaded from and what its bytes are checked against."""

    url: str
    sha256: str | None
    archive_member: tuple[str, ...] | None
    gzip: bool


def _origin(entry: CatalogEntry, base_url: str | None) -> _Origin | None:
    """A mirror serves the layout as is; a publisher may need unzipping, gzip, or be unusable."""
    if base_url is not None:
        url = f"{base_url.rstrip('/')}/{quote(entry.relpath)}"
        return _Origin(url=url, sha256=entry.sha256, archive_member=None, gzip=False)
    if not entry.downloadable or entry.url is None:
        return None
    return _Origin(
        url=entry.url,
        sha256=entry.publisher_sha256,
        archive_member=entry.archive_member,
        gzip=entry.gzip,
    )


def _cached(entry: CatalogEntry, path: Path, origin: _Origin | None) -> tuple[bool, str]:
    """Whether a cached file can be used, and if not, why (for the error message)."""
    if not path.is_file():
        return False, "absent"
    found = sha256_file(path)
    if found == entry.sha256:
        return True, "ok"
    recorded = _read_sidecar(path)
    if origin is not None and recorded == (found, origin.url):
        return True, "ok"
    return False, f"present but sha256 {found} is not the expected {entry.sha256}"


def fetch_entry(
    entry: CatalogEntry,
    cache_dir: Path,
    *,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    progress: ByteProgress | None = None,
    client: httpx.Client | None = None,
) -> Path:
    """Download one catalog entry into ``cache_dir / entry.relpath`` and return that path.

    From ``base_url`` (a mirror of the source-dir layout) the file is checked against
    ``entry.sha256``. From the publisher it is unzipped and gzip-compressed as the entry says,
    checked against ``entry.publisher_sha256`` when the catalog has one, and its checksum and URL
    are recorded beside it so the cache recognises it next time.
    """
    origin = _origin(entry, base_url)
    if origin is None:
        raise DownloadError(_not_downloadable(entry), url=entry.url)
    dest = Path(cache_dir) / entry.relpath
    dest.parent.mkdir(parents=True, exist_ok=True)
    target = _temp_beside(dest, ".plain") if origin.gzip else dest
    try:
        fetch(
            origin.url,
            target,
            sha256=origin.sha256,
            archive_member=origin.archive_member,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            progress=progress,
            client=client,
        )
        if origin.gzip:
            _gzip_into(target, dest)
    finally:
        if target != dest:
            target.unlink(missing_ok=True)
    digest = sha256_file(dest)
    if digest == entry.sha256:
        _sidecar(dest).unlink(missing_ok=True)  # the catalog checksum speaks for it
    else:
        if origin.sha256 is None:
            log.warning(
                "%s: downloaded from %s without a publisher checksum; recorded sha256 %s",
                entry.name,
                origin.url,
                digest,
            )
        _write_sidecar(dest, digest, origin.url)
    return dest


def _not_downloadable(entry: CatalogEntry) -> str:
    """Why an entry cannot come from its publisher, and what to do instead."""
    where = f" ({entry.url})" if entry.url else ""
    return (
        f"{entry.name}: the publisher{where} does not ship {entry.relpath} in the layout the "
        f"warehouse reads. {entry.note} Put the file in a source directory, or pass base_url "
        "of a mirror that serves the source-directory layout."
    )


# --- resolving the whole catalog ------------------------------------------------------------


def _select(names: Iterable[str] | None) -> tuple[CatalogEntry, ...]:
    """The catalog entries named (all when ``names`` is None), without duplicates."""
    if names is None:
        return catalog.entries()
    if isinstance(names, str):  # one name, not its letters
        names = [names]
    return tuple(catalog.get(name) for name in dict.fromkeys(names))


def _missing_report(
    entry: CatalogEntry,
    source_dir: Path | None,
    cache_path: Path,
    cache_state: str,
    reason: str,
) -> str:
    """One paragraph of the missing-files error: the file, where it looked, what to do."""
    looked = []
    if source_dir is not None:
        looked.append(f"source dir: {source_dir / entry.relpath} (absent)")
    looked.append(f"cache: {cache_path} ({cache_state})")
    return f"- {entry.name} ({entry.relpath}): " + "; ".join(looked) + f". {reason}"


def resolve_sources(
    *,
    source_dir: Path | None,
    cache_dir: Path,
    names: Iterable[str] | None = None,
    download: bool,
    base_url: str | None = None,
    progress: SourceProgress | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> dict[str, Path]:
    """Map each catalog name (all, or ``names``) to a readable local path, downloading if allowed.

    Per entry: the file at ``source_dir / relpath`` is used in place; else a cached copy at
    ``cache_dir / relpath`` whose checksum is right; else, with ``download``, it is fetched into
    the cache, from ``f"{base_url}/{relpath}"`` when ``base_url`` is given, otherwise from the
    publisher. Files that cannot be had are reported together in one ``DownloadError`` that names
    each file and every place looked, before anything is downloaded.
    """
    selected = _select(names)
    found: dict[str, Path] = {}
    wanted: list[CatalogEntry] = []
    problems: list[str] = []
    for entry in selected:
        if source_dir is not None and (Path(source_dir) / entry.relpath).is_file():
            found[entry.name] = Path(source_dir) / entry.relpath
            continue
        cache_path = Path(cache_dir) / entry.relpath
        origin = _origin(entry, base_url)
        usable, state = _cached(entry, cache_path, origin)
        if usable:
            found[entry.name] = cache_path
        elif not download:
            problems.append(
                _missing_report(
                    entry,
                    source_dir,
                    cache_path,
                    state,
                    "Downloads are off; allow them to fetch it.",
                )
            )
        elif origin is None:
            problems.append(
                _missing_report(entry, source_dir, cache_path, state, _not_downloadable(entry))
            )
        else:
            wanted.append(entry)
    if problems:
        raise DownloadError("source files missing:\n" + "\n".join(problems))
    if wanted:
        with _new_client(timeout) as client:
            for entry in wanted:
                found[entry.name] = fetch_entry(
                    entry,
                    cache_dir,
                    base_url=base_url,
                    timeout=timeout,
                    retries=retries,
                    backoff=backoff,
                    progress=_bind(progress, entry.name),
                    client=client,
                )
    return {entry.name: found[entry.name] for entry in selected}


def _bind(progress: SourceProgress | None, name: str) -> ByteProgress | None:
    """A byte-progress callback that reports under one catalog name."""
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)


@contextmanager
def rich_progress() -> Iterator[SourceProgress]:
    """A ``SourceProgress`` callback drawing one rich progress bar per file, for the CLI."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def update(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        yield update
