"""The source catalog and the downloader, against a scripted HTTP server on 127.0.0.1.

Nothing here touches the internet: every URL is the local server's. Files served are the real
ones in ../shared/data (the tests skip when it is absent) or small files the tests make.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.download import (
    DownloadError,
    fetch,
    fetch_entry,
    resolve_sources,
    sha256_file,
)
from etl.errors import WarehouseError
from etl.sources import catalog
from tests.utils.http_server import Reply, ScriptedServer

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"shared data not found at {SHARED_DATA}"
)

# Quick retries: four tries, waits of milliseconds.
FAST = {"retries": 3, "backoff": 0.001, "timeout": 2.0}
MAJORS = "cow_majors"  # the smallest real file: 461 bytes


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _leftovers(directory: Path) -> list[str]:
    """Every file under ``directory`` (temp files included), as relative paths."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer(SHARED_DATA if SHARED_DATA.is_dir() else None) as running:
        yield running


@pytest.fixture
def payload() -> bytes:
    return b"ccode,year,cinc\n2,1816,0.0397\n200,1816,0.3317\n" * 50


# --- the catalog ----------------------------------------------------------------------------


def test_catalog_names_are_unique_and_cover_each_source_system() -> None:
    names = [entry.name for entry in catalog.entries()]
    assert len(names) == len(set(names)) == 15
    by_source = {s: {e.name for e in catalog.for_source(s)} for s in catalog.SOURCE_SYSTEMS}
    assert set().union(*by_source.values()) == set(names)
    assert by_source["atop"] == {"atop_alliances", "atop_members"}
    assert by_source["troops"] == {"troops_country_years", "troops_bases"}
    assert catalog.get("cow_nmc").relpath == "cow/NMC-70-abridged.csv"


def test_catalog_rejects_unknown_names_with_a_project_error() -> None:
    with pytest.raises(WarehouseError, match="no source file called 'cow_nmcc'.*cow_nmc"):
        catalog.get("cow_nmcc")
    with pytest.raises(LookupError, match="no source system called 'icow'"):
        catalog.for_source("icow")


def test_catalog_entries_are_immutable() -> None:
    entry = catalog.get(MAJORS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.sha256 = "0" * 64  # type: ignore[misc]


def test_catalog_entry_rejects_a_path_that_escapes_the_source_dir() -> None:
    with pytest.raises(ValueError, match="must stay inside"):
        dataclasses.replace(catalog.get(MAJORS), relpath="../etc/passwd")


@needs_shared_data
@pytest.mark.parametrize("entry", catalog.entries(), ids=lambda e: e.name)
def test_catalog_sha256_matches_the_shared_data(entry: catalog.CatalogEntry) -> None:
    assert sha256_file(SHARED_DATA / entry.relpath) == entry.sha256


@needs_shared_data
def test_catalog_lists_every_data_file_in_the_shared_data() -> None:
    on_disk = {p for p in _leftovers(SHARED_DATA) if p != "README.md"}
    assert on_disk == {entry.relpath for entry in catalog.entries()}


# --- fetch ----------------------------------------------------------------------------------


def test_sha256_file_streams_a_file(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(payload)
    assert sha256_file(path) == _sha(payload)


def test_fetch_reports_progress_up_to_the_total(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/x.csv", Reply(body=payload))
    calls: list[tuple[int, int | None]] = []
    fetch(f"{server.url}/x.csv", tmp_path / "x.csv", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (len(payload), len(payload))


def test_slow_response_times_out_then_retries_and_succeeds(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/x.csv", Reply(body=payload, delay=0.6), Reply(body=payload))
    dest = fetch(
        f"{server.url}/x.csv",
        tmp_path / "x.csv",
        sha256=_sha(payload),
        timeout=0.2,
        retries=2,
        backoff=0.001,
    )
    assert dest.read_bytes() == payload
    assert server.hits("/x.csv") == 2


def test_server_error_then_success_is_retried(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/x.csv", Reply(status=500), Reply(status=503), Reply(body=payload))
    dest = fetch(f"{server.url}/x.csv", tmp_path / "x.csv", sha256=_sha(payload), **FAST)
    assert dest.read_bytes() == payload
    assert server.hits("/x.csv") == 3


def test_too_many_requests_is_retried(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/x.csv", Reply(status=429, headers={"Retry-After": "0"}), Reply(body=payload))
    fetch(f"{server.url}/x.csv", tmp_path / "x.csv", **FAST)
    assert server.hits("/x.csv") == 2


@pytest.mark.parametrize("status", [404, 403])
def test_client_error_fails_at_once_naming_the_url(
    server: ScriptedServer, tmp_path: Path, status: int
) -> None:
    server.script("/gone.csv", Reply(status=status))
    url = f"{server.url}/gone.csv"
    with pytest.raises(DownloadError, match=f"{url}: expected HTTP 200, found HTTP {status}"):
        fetch(url, tmp_path / "gone.csv", **FAST)
    assert server.hits("/gone.csv") == 1
    assert _leftovers(tmp_path) == []


def test_persistent_server_error_gives_up_after_the_last_try(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.script("/x.csv", *[Reply(status=502)] * 10)
    with pytest.raises(DownloadError, match=r"found HTTP 502.*gave up after 4 tries"):
        fetch(f"{server.url}/x.csv", tmp_path / "x.csv", **FAST)
    assert server.hits("/x.csv") == 4


def test_corrupt_body_fails_the_checksum_after_retries_and_leaves_no_file(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    corrupt = payload.replace(b"0.0397", b"0.9999")
    server.script("/x.csv", *[Reply(body=corrupt)] * 10)
    dest = tmp_path / "cache" / "x.csv"
    with pytest.raises(DownloadError) as caught:
        fetch(f"{server.url}/x.csv", dest, sha256=_sha(payload), **FAST)
    message = str(caught.value)
    assert f"{server.url}/x.csv" in message
    assert f"expected sha256 {_sha(payload)}, found {_sha(corrupt)}" in message
    assert server.hits("/x.csv") == 4
    assert not dest.exists()
    assert _leftovers(tmp_path) == []


def test_corrupt_then_good_body_is_retried(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/x.csv", Reply(body=b"garbage"), Reply(body=payload))
    dest = fetch(f"{server.url}/x.csv", tmp_path / "x.csv", sha256=_sha(payload), **FAST)
    assert dest.read_bytes() == payload


def test_truncated_body_is_retried(server: ScriptedServer, tmp_path: Path, payload: bytes) -> None:
    server.script("/x.csv", Reply(body=payload, truncate_to=100), Reply(body=payload))
    dest = fetch(f"{server.url}/x.csv", tmp_path / "x.csv", **FAST)  # no checksum: length alone
    assert dest.read_bytes() == payload
    assert server.hits("/x.csv") == 2


def test_always_truncated_body_fails_and_leaves_no_file(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/x.csv", *[Reply(body=payload, truncate_to=100)] * 10)
    dest = tmp_path / "x.csv"
    with pytest.raises(DownloadError, match=r"x\.csv: transfer failed .*gave up after 4 tries"):
        fetch(f"{server.url}/x.csv", dest, **FAST)
    assert _leftovers(tmp_path) == []


def test_a_failed_download_keeps_the_previous_file_at_dest(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    dest = tmp_path / "x.csv"
    dest.write_bytes(b"the old copy")
    server.script("/x.csv", *[Reply(body=b"bad")] * 10)
    with pytest.raises(DownloadError):
        fetch(f"{server.url}/x.csv", dest, sha256=_sha(payload), **FAST)
    assert dest.read_bytes() == b"the old copy"
    assert _leftovers(tmp_path) == ["x.csv"]


# --- zip members ----------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_zip_member_is_extracted_and_verified(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    archive = _zip({"Data (csv)/readme.txt": b"codebook", "Data (csv)/x.csv": payload})
    server.script("/bundle.zip", Reply(body=archive))
    dest = fetch(
        f"{server.url}/bundle.zip",
        tmp_path / "x.csv",
        sha256=_sha(payload),
        archive_member="Data (csv)/x.csv",
        **FAST,
    )
    assert dest.read_bytes() == payload
    assert _leftovers(tmp_path) == ["x.csv"]


def test_nested_zip_member_is_extracted(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    inner = _zip({"NMC-70-abridged.csv": payload})
    server.script("/NMCv7.zip", Reply(body=_zip({"NMCv7/NMC-v7-abridged.zip": inner})))
    dest = fetch(
        f"{server.url}/NMCv7.zip",
        tmp_path / "nmc.csv",
        sha256=_sha(payload),
        archive_member=("NMCv7/NMC-v7-abridged.zip", "NMC-70-abridged.csv"),
        **FAST,
    )
    assert dest.read_bytes() == payload
    assert _leftovers(tmp_path) == ["nmc.csv"]


def test_missing_zip_member_fails_at_once_listing_the_members(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script("/bundle.zip", *[Reply(body=_zip({"other.csv": payload}))] * 4)
    with pytest.raises(DownloadError, match=r"no member 'x\.csv'; it holds: other\.csv"):
        fetch(f"{server.url}/bundle.zip", tmp_path / "x.csv", archive_member="x.csv", **FAST)
    assert server.hits("/bundle.zip") == 1
    assert _leftovers(tmp_path) == []


def test_a_body_that_is_not_a_zip_is_retried(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    server.script(
        "/bundle.zip", Reply(body=b"<html>maintenance</html>"), Reply(body=_zip({"x.csv": payload}))
    )
    dest = fetch(f"{server.url}/bundle.zip", tmp_path / "x.csv", archive_member="x.csv", **FAST)
    assert dest.read_bytes() == payload
    assert server.hits("/bundle.zip") == 2


# --- resolve_sources and fetch_entry --------------------------------------------------------


@needs_shared_data
def test_download_from_a_mirror_verifies_and_lands_in_the_cache(
    server: ScriptedServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    paths = resolve_sources(
        source_dir=None,
        cache_dir=cache,
        names=[MAJORS],
        download=True,
        base_url=server.url,
        **FAST,
    )
    entry = catalog.get(MAJORS)
    assert paths == {MAJORS: cache / entry.relpath}
    assert paths[MAJORS].read_bytes() == (SHARED_DATA / entry.relpath).read_bytes()
    assert server.hits(f"/{entry.relpath}") == 1
    assert _leftovers(cache) == [entry.relpath]  # no temp files, no sidecar for a verified copy


@needs_shared_data
def test_second_resolve_uses_the_cache_without_a_request(
    server: ScriptedServer, tmp_path: Path
) -> None:
    kwargs = dict(
        source_dir=None,
        cache_dir=tmp_path,
        names=[MAJORS, "cow_states"],
        download=True,
        base_url=server.url,
        **FAST,
    )
    first = resolve_sources(**kwargs)
    assert server.hits() == 2
    second = resolve_sources(**kwargs)
    assert second == first
    assert server.hits() == 2


@needs_shared_data
def test_a_corrupt_cached_copy_is_downloaded_again(server: ScriptedServer, tmp_path: Path) -> None:
    entry = catalog.get(MAJORS)
    cached = tmp_path / entry.relpath
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"ccode,styear\n2,1898\n")
    paths = resolve_sources(
        source_dir=None,
        cache_dir=tmp_path,
        names=[MAJORS],
        download=True,
        base_url=server.url,
        **FAST,
    )
    assert sha256_file(paths[MAJORS]) == entry.sha256
    assert server.hits() == 1


@needs_shared_data
def test_mirror_serving_wrong_bytes_fails_the_checksum(
    server: ScriptedServer, tmp_path: Path
) -> None:
    entry = catalog.get(MAJORS)
    server.script(f"/{entry.relpath}", *[Reply(body=b"ccode\n2\n")] * 4)
    with pytest.raises(DownloadError, match=f"expected sha256 {entry.sha256}"):
        resolve_sources(
            source_dir=None,
            cache_dir=tmp_path,
            names=[MAJORS],
            download=True,
            base_url=server.url,
            **FAST,
        )
    assert _leftovers(tmp_path) == []


@needs_shared_data
def test_source_dir_takes_precedence_and_no_request_is_made(
    server: ScriptedServer, tmp_path: Path
) -> None:
    paths = resolve_sources(
        source_dir=SHARED_DATA, cache_dir=tmp_path, download=True, base_url=server.url, **FAST
    )
    assert paths == {e.name: SHARED_DATA / e.relpath for e in catalog.entries()}
    assert server.hits() == 0
    assert _leftovers(tmp_path) == []  # used in place, nothing copied


def test_missing_files_without_downloads_are_reported_with_where_it_looked(
    tmp_path: Path,
) -> None:
    empty_source = tmp_path / "src"
    empty_source.mkdir()
    with pytest.raises(DownloadError) as caught:
        resolve_sources(
            source_dir=empty_source,
            cache_dir=tmp_path / "cache",
            names=["cow_states", "atop_members"],
            download=False,
        )
    message = str(caught.value)
    for relpath in ("cow/states2016.csv", "atop/atop4_01m.csv"):
        assert f"source dir: {empty_source / relpath} (absent)" in message
        assert f"cache: {tmp_path / 'cache' / relpath} (absent)" in message
    assert "Downloads are off" in message


def test_a_file_the_publisher_does_not_ship_asks_for_a_source_dir_or_mirror(
    tmp_path: Path,
) -> None:
    with pytest.raises(DownloadError, match=r"unga_voeten_votes.*pass base_url of a mirror"):
        resolve_sources(
            source_dir=None, cache_dir=tmp_path, names=["unga_voeten_votes"], download=True
        )


def test_unknown_names_are_refused_before_any_download(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no source file called 'votes'"):
        resolve_sources(source_dir=None, cache_dir=tmp_path, names=["votes"], download=True)


def test_publisher_download_is_gzipped_and_recognised_by_the_cache(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    entry = dataclasses.replace(
        catalog.get("unvotes_roll_call_issues"), url=f"{server.url}/issues.csv"
    )
    server.script("/issues.csv", Reply(body=payload))
    path = fetch_entry(entry, tmp_path, **FAST)
    assert path == tmp_path / entry.relpath
    assert gzip.decompress(path.read_bytes()) == payload
    sidecar = path.with_name(path.name + ".sha256")
    assert sidecar.read_text().split() == [sha256_file(path), path.name, entry.url]
    assert _leftovers(tmp_path) == sorted([entry.relpath, entry.relpath + ".sha256"])


def test_publisher_zip_is_checked_against_the_publisher_checksum(
    server: ScriptedServer, tmp_path: Path, payload: bytes
) -> None:
    entry = dataclasses.replace(
        catalog.get("atop_alliances"),
        url=f"{server.url}/atop.zip",
        publisher_sha256=_sha(payload + b"x"),
    )
    server.script("/atop.zip", *[Reply(body=_zip({entry.archive_member[0]: payload}))] * 4)
    with pytest.raises(DownloadError, match=f"expected sha256 {_sha(payload + b'x')}"):
        fetch_entry(entry, tmp_path, **FAST)
    assert _leftovers(tmp_path) == []
