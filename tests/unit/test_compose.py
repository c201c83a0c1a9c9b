"""docker-compose.yml and .env.example hold together, without a Docker engine.

The structure is checked in Python (services, healthchecks, start order, named volumes, every
variable documented in .env.example, no secret written in the file). When a Compose binary is
on the machine (`docker-compose`, e.g. Debian's package, or the `docker compose` plugin), the
file is also validated by `config -q` with .env.example as its environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from etl.config import PROJECT_ROOT, Settings

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
# ${NAME}, ${NAME:-default}, ${NAME:?error}; "$${NAME}" is an escaped literal for the container
_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
REQUIRED_SERVICES = {"postgres", "prefect-server", "scheduler", "metabase"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_the_team_services_are_there(compose: dict[str, Any]) -> None:
    assert REQUIRED_SERVICES <= set(compose["services"])
    assert compose["services"]["scheduler"]["command"] == ["schedule"]


def test_every_long_running_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if service.get("profiles"):  # one-off tools (`docker compose run --rm etl ...`)
            continue
        check = service.get("healthcheck")
        assert check and check.get("test"), f"service {name} has no healthcheck"


def test_dependencies_wait_for_healthy_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions, not a list"
        for target, spec in depends.items():
            assert target in services, f"{name} depends on unknown service {target}"
            assert spec.get("condition") == "service_healthy", f"{name} -> {target}"
            assert services[target].get("healthcheck"), f"{name} waits on {target}'s healthcheck"
    assert set(services["scheduler"]["depends_on"]) == {"postgres", "prefect-server"}
    assert "postgres" in services["metabase"]["depends_on"]


def test_volumes_are_named_and_declared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0]
            if not source.startswith(("/", ".", "$", "~")):
                used.add(source)
    assert used, "no named volume"
    assert used == declared, f"used {sorted(used)} but declared {sorted(declared)}"
    mounts = compose["services"]["postgres"]["volumes"]
    assert any(m.endswith(":/var/lib/postgresql/data") for m in mounts)


def test_every_variable_is_documented_in_env_example(
    compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    used = set(_VARIABLE.findall(COMPOSE_FILE.read_text(encoding="utf-8")))
    assert used - set(env_example) == set(), "variables missing from .env.example"
    settings_vars = {f"ALLIANCES_{name.upper()}" for name in Settings.model_fields}
    unused = set(env_example) - used - settings_vars - {"COMPOSE_PROJECT_NAME"}
    assert unused == set(), ".env.example documents variables nothing reads"


def test_project_settings_passed_to_containers_exist(compose: dict[str, Any]) -> None:
    settings_vars = {f"ALLIANCES_{name.upper()}" for name in Settings.model_fields}
    for name, service in compose["services"].items():
        for key in _environment(service):
            if key.startswith("ALLIANCES_"):
                assert key in settings_vars, f"{name}: {key} is not a setting of etl/config.py"


def test_no_secret_is_written_in_the_file(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            if re.search(r"PASS|SECRET|TOKEN", key) or key == "DATABASE_URL":
                assert "${" in value, f"{name}: {key} must come from .env, not the file"


def test_metabase_keeps_its_database_in_the_warehouse_server(compose: dict[str, Any]) -> None:
    metabase = _environment(compose["services"]["metabase"])
    assert metabase["MB_DB_TYPE"] == "postgres" and metabase["MB_DB_HOST"] == "postgres"
    assert "METABASE_DB_NAME" in metabase["MB_DB_DBNAME"]
    mounts = compose["services"]["postgres"]["volumes"]
    init = [m.split(":")[0] for m in mounts if ":/docker-entrypoint-initdb.d" in m]
    assert init, "postgres mounts no init scripts"
    scripts = sorted((PROJECT_ROOT / init[0]).glob("*.sh"))
    assert scripts and all(os.access(s, os.X_OK) for s in scripts)
    text = "\n".join(s.read_text() for s in scripts)
    assert 'create database :"mb_db"' in text and "METABASE_DB_PASSWORD" in text


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return None


def _compose_config(env_file: Path) -> subprocess.CompletedProcess[str]:
    command = _compose_command()
    if command is None:
        pytest.skip("no docker-compose binary or `docker compose` plugin on this machine")
    clean_env = {k: v for k, v in os.environ.items()
                 if k not in set(_VARIABLE.findall(COMPOSE_FILE.read_text()))}
    return subprocess.run(
        [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=clean_env, timeout=60,
    )


# a password with the characters that broke the assembled URL
AWKWARD_PASSWORD = "p/a@s:s%w"


def _filled_env(tmp_path: Path, drop: str | None = None) -> Path:
    """.env.example with every (empty) password set, as a user fills it in."""
    lines = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        key = line.partition("=")[0]
        if drop and key == drop:
            continue
        if key.endswith("_PASSWORD") and line.endswith("="):
            line += AWKWARD_PASSWORD
        lines.append(line)
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(lines) + "\n")
    return env_file


def test_env_example_holds_no_password(env_example: dict[str, str]) -> None:
    passwords = {k: v for k, v in env_example.items() if "PASSWORD" in k}
    assert passwords and all(v == "" for v in passwords.values()), passwords


def test_compose_config_accepts_the_file_with_env_example(tmp_path: Path) -> None:
    result = _compose_config(_filled_env(tmp_path))
    assert result.returncode == 0, result.stderr


def test_compose_config_refuses_an_unset_password() -> None:
    result = _compose_config(ENV_EXAMPLE)  # as copied, before the passwords are filled in
    assert result.returncode != 0
    assert "PASSWORD" in result.stderr


def test_compose_config_refuses_a_missing_password(tmp_path: Path) -> None:
    result = _compose_config(_filled_env(tmp_path, drop="POSTGRES_PASSWORD"))
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def test_published_ports_listen_on_loopback_by_default(compose: dict[str, Any],
                                                       env_example: dict[str, str]) -> None:
    published = 0
    for name, service in compose["services"].items():
        for port in service.get("ports") or []:
            published += 1
            assert str(port).startswith("${BIND_ADDRESS:-127.0.0.1}:"), f"{name}: {port}"
    assert published >= 3
    assert env_example["BIND_ADDRESS"] == "127.0.0.1"


def test_credentials_are_separate_variables_not_a_url(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        env = _environment(service)
        if "DATABASE_URL" in env:
            assert "@" not in env["DATABASE_URL"] and "PASSWORD" not in env["DATABASE_URL"]
            assert "POSTGRES_PASSWORD" in env["PGPASSWORD"], name
            assert "POSTGRES_USER" in env["PGUSER"], name


def test_prefect_ui_api_url_comes_from_env(compose: dict[str, Any]) -> None:
    env = _environment(compose["services"]["prefect-server"])
    assert env["PREFECT_UI_API_URL"].startswith("${PREFECT_UI_API_URL")
    assert "localhost" not in env["PREFECT_UI_API_URL"]


def test_images_are_pinned_to_versions(compose: dict[str, Any],
                                       env_example: dict[str, str]) -> None:
    pinned = re.compile(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?([-\w.]*)$")
    for name, service in compose["services"].items():
        image = service.get("image")
        if image is None:
            continue
        default = re.sub(r"^\$\{\w+:-(.*)\}$", r"\1", image)
        assert pinned.match(default), f"{name}: {image} floats"
        var = re.match(r"^\$\{(\w+):-", image)
        if var:
            assert env_example[var.group(1)] == default, f"{name}: .env.example disagrees"
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", dockerfile, re.M)
    assert base and pinned.match(base.group(1)), base


def test_dbt_takes_credentials_from_libpq_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.transform import dbt_env

    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:5432/alliances")
    monkeypatch.setenv("PGUSER", "owner")
    monkeypatch.setenv("PGPASSWORD", AWKWARD_PASSWORD)
    env = dbt_env(Settings(_env_file=None))
    assert env["ALLIANCES_DBT_USER"] == "owner"
    assert env["DBT_ENV_SECRET_ALLIANCES_PASSWORD"] == AWKWARD_PASSWORD
    assert env["ALLIANCES_DBT_HOST"] == "postgres"
