"""The embedded server's stale lock file: a SIGKILLed postmaster that its init has not reaped
yet (a zombie, common in containers) must not count as a running server."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from etl.db import EmbeddedPostgres


def _pgdata(tmp_path: Path, pid: int) -> EmbeddedPostgres:
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("18\n")
    (pgdata / "postmaster.pid").write_text(f"{pid}\n{pgdata}\n")
    return EmbeddedPostgres(pgdata)


def test_a_zombie_postmaster_is_not_running_and_its_pid_file_goes(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    stat = Path(f"/proc/{child.pid}/stat")
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)  # exited, not yet waited for: a zombie
    server = _pgdata(tmp_path, child.pid)
    try:
        assert server.is_running() is False
        assert not (server.pgdata / "postmaster.pid").exists()
    finally:
        child.wait()


def test_a_live_postmaster_keeps_its_pid_file(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        server = _pgdata(tmp_path, live.pid)
        assert server._remove_stale_pid_file() is False
        assert (server.pgdata / "postmaster.pid").exists()
    finally:
        live.kill()
        live.wait()
