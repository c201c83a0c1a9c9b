"""Whether the dbt models need a build at all: a fingerprint of the code and vars last built.

A refresh that loads no file and finds the dbt project as it was at the last successful build
has nothing for dbt to do. Asking dbt (``state:modified``) costs a parse of the whole project,
several seconds; this module answers from a SHA-256 over the project's files (models, macros,
seeds, analyses, tests, ``dbt_project.yml``, the profile), the dbt vars that shape the tables
and the dbt version, kept beside the saved manifest of the database it was built on
(:func:`etl.transform.build_state_dir`). Vars that only describe a build (the git commit, the
tool versions of ``marts.build_info``) are left out: they change with every commit.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import metadata
from pathlib import Path

from etl.config import PROJECT_ROOT, Settings, get_settings

# dbt vars that describe a build rather than shape its tables (see etl.transform.dbt_vars)
VOLATILE_VARS = frozenset({"models_git_commit", "tool_versions"})
_SKIPPED_DIRS = {"target", "logs", "dbt_packages", "__pycache__"}
FINGERPRINT_FILE = "fingerprint.sha256"
VARS_FILE = "vars.json"


def project_files(project_dir: Path) -> list[Path]:
    """Every file dbt reads from the project, in a stable order."""
    files = []
    for path in sorted(project_dir.rglob("*")):
        rel = path.relative_to(project_dir)
        if path.is_file() and not (_SKIPPED_DIRS & set(rel.parts[:-1])) and \
                not rel.name.startswith("."):
            files.append(path)
    return files


def stable_vars(settings: Settings | None = None) -> dict[str, object]:
    """The dbt vars that shape the tables (the hegemons, the windows, ...), from the settings."""
    from etl.transform import dbt_vars

    return {k: v for k, v in dbt_vars(settings or get_settings()).items()
            if k not in VOLATILE_VARS}


def fingerprint(settings: Settings | None = None, vars_: dict[str, object] | None = None) -> str:
    """SHA-256 of the dbt project's files, its table-shaping vars and the dbt version."""
    settings = settings or get_settings()
    project_dir = settings.dbt_project_dir
    stable = ({k: v for k, v in vars_.items() if k not in VOLATILE_VARS} if vars_ is not None
              else stable_vars(settings))
    digest = hashlib.sha256()
    for path in project_files(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(json.dumps(stable, sort_keys=True).encode())
    digest.update(metadata.version("dbt-core").encode())
    return digest.hexdigest()


def _state_dir(settings: Settings) -> Path:
    from etl.transform import build_state_dir

    return build_state_dir(settings)


def is_current(settings: Settings | None = None) -> bool:
    """True when the last successful build of this database was of exactly this code and vars."""
    settings = settings or get_settings()
    state = _state_dir(settings)
    saved = state / FINGERPRINT_FILE
    if not (state / "manifest.json").exists() or not saved.exists():
        return False
    return saved.read_text(encoding="utf-8").strip() == fingerprint(settings)


def vars_changed(settings: Settings | None = None) -> bool:
    """True when the table-shaping vars differ from those of the last successful build of this
    database (a changed hegemon setting, say). dbt's ``state:modified`` does not see a var that
    only a model's SQL reads, so the refresh then rebuilds every model from scratch. False when
    no vars were saved (a build from before they were: dbt's state decides, as it did)."""
    settings = settings or get_settings()
    saved = _state_dir(settings) / VARS_FILE
    if not saved.exists():
        return False
    current = json.loads(json.dumps(stable_vars(settings), sort_keys=True))
    return json.loads(saved.read_text(encoding="utf-8")) != current


def record(settings: Settings | None = None) -> None:
    """Remember the fingerprint of the code just built successfully on this database, and the
    vars it was built with."""
    settings = settings or get_settings()
    state = _state_dir(settings)
    state.mkdir(parents=True, exist_ok=True)
    (state / FINGERPRINT_FILE).write_text(fingerprint(settings) + "\n", encoding="utf-8")
    (state / VARS_FILE).write_text(json.dumps(stable_vars(settings), sort_keys=True) + "\n",
                                   encoding="utf-8")


def forget(settings: Settings | None = None) -> None:
    """Drop the fingerprint (a failed build: the next refresh asks dbt again)."""
    settings = settings or get_settings()
    (_state_dir(settings) / FINGERPRINT_FILE).unlink(missing_ok=True)


_REVISION = re.compile(r"^revision(?:: str)? = [\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (?:None|[\"']([^\"']+)[\"'])", re.M)


def migration_head(versions_dir: Path = PROJECT_ROOT / "migrations" / "versions") -> str | None:
    """The one head revision of the migration scripts (read as text, without importing
    Alembic: a second on a busy machine); None when it is not one plain line of each file."""
    revisions, parents = set(), set()
    for path in versions_dir.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if not rev or not down:
            return None
        revisions.add(rev.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def migrations_at_head(settings: Settings | None = None) -> bool:
    """True when the database's raw.alembic_version is the scripts' one head (then ``alembic
    upgrade head`` has nothing to do); False when unsure (Alembic then decides)."""
    from etl.db import connect

    head = migration_head()
    if head is None:
        return False
    with connect(settings or get_settings()) as conn:
        row = conn.execute("select to_regclass('raw.alembic_version') is not null").fetchone()
        if not row or not row[0]:
            return False
        versions = [r[0] for r in conn.execute("select version_num from raw.alembic_version")]
    return versions == [head]
