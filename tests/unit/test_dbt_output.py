"""dbt's console during a refresh: its log to a file, only warnings and errors shown, a bar."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from etl import progress, transform


def _event(name: str, level: str = "info", msg: str = "", **data: object) -> SimpleNamespace:
    return SimpleNamespace(info=SimpleNamespace(name=name, level=level, msg=msg),
                           data=SimpleNamespace(**data))


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def start(self, description: str, total: float | None) -> object:
        self.calls.append(("start", description))
        return "h"

    def advance(self, handle: object, amount: float) -> None:
        self.calls.append(("advance", amount))

    def set_total(self, handle: object, total: float) -> None:
        self.calls.append(("total", total))

    def finish(self, handle: object) -> None:
        self.calls.append(("finish", None))


def test_piped_output_has_no_colours_and_no_log_unless_verbose(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    quiet = transform._console_flags(verbose=False)
    assert "--no-use-colors" in quiet and "--no-use-colors-file" in quiet
    assert quiet[quiet.index("--log-level") + 1] == "none"
    # the file keeps each node's result; every query only when verbose
    assert quiet[quiet.index("--log-level-file") + 1] == "info"
    verbose = transform._console_flags(verbose=True)
    assert "--log-level" not in verbose
    assert verbose[verbose.index("--log-level-file") + 1] == "debug"


def test_events_drive_the_bar_and_only_news_is_printed(
        capsys: pytest.CaptureFixture[str]) -> None:
    recorder = _Recorder()
    progress.set_reporter(recorder)
    try:
        with progress.step("dbt build") as advance:
            events = transform._DbtEvents(advance, show_warnings=True)
            events(_event("LogStartLine", total=3, index=1))
            events(_event("LogStartLine", total=3, index=2))  # the total is set once
            for _ in range(3):
                events(_event("NodeFinished", level="debug"))
            events(_event("NothingToDo", level="warn", msg="Nothing to do."))
            events(_event("LogTestResult", level="warn", msg="WARN 1 some_test"))
            events(_event("RunResultError", level="error", msg="Database Error in model m"))
            events(_event("LogModelResult", level="info", msg="OK created model m"))
    finally:
        progress.set_reporter(None)
    assert recorder.calls == [("start", "dbt build"), ("total", 3), ("advance", 1),
                              ("advance", 1), ("advance", 1), ("finish", None)]
    err = capsys.readouterr().err
    assert "WARN 1 some_test" in err and "Database Error in model m" in err
    assert "Nothing to do" not in err and "OK created" not in err
    assert events.messages == ["WARN 1 some_test", "Database Error in model m"]


def test_the_log_file_lives_under_the_warehouse(tmp_path, monkeypatch) -> None:
    from etl.config import Settings

    monkeypatch.setenv("ALLIANCES_WAREHOUSE_DIR", str(tmp_path))
    path = transform.dbt_log_file(Settings(_env_file=None))
    assert path == tmp_path / "dbt" / "logs" / "dbt.log"
