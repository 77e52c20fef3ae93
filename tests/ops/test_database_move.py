"""The move documented for operators: ``ims backup`` on SQLite, ``ims migrate`` + ``ims restore`` on PostgreSQL."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql

from tests.ops.ims_command import ims, operator_env

POSTGRES = os.environ.get("IMS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/ims")
HEAD = re.compile(r"Audit trail intact: (\d+) entries verified\. Head hash ([0-9a-f]{64})\n")


def maintenance_connection() -> psycopg.Connection:
    """Autocommit connection to the server's `postgres` database, or skip (fail on CI) when unreachable."""
    config = dj_database_url.parse(POSTGRES)
    try:
        return psycopg.connect(
            host=config.get("HOST") or "127.0.0.1",
            port=int(config.get("PORT") or 5432),
            user=config.get("USER") or "postgres",
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.Error as exc:
        reason = f"PostgreSQL at {POSTGRES} (IMS_TEST_POSTGRES) is not reachable: {exc}".strip()
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI requires it.")
        pytest.skip(reason)


def url_for_database(name: str) -> str:
    parts = urlsplit(POSTGRES)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test only; dropped afterwards."""
    name = f"ims_move_{uuid.uuid4().hex[:12]}"
    with maintenance_connection() as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield url_for_database(name)
        finally:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_an_installation_moves_from_sqlite_to_postgresql(tmp_path: Path, fresh_postgres_database: str):
    sqlite_env = operator_env(tmp_path / "old", f"sqlite:///{tmp_path / 'old' / 'ims.sqlite3'}")
    (tmp_path / "old" / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "old" / "media" / "evidence" / "permit.pdf").write_bytes(b"%PDF permit 2026")
    archive = tmp_path / "move.zip"

    ims("migrate", "--noinput", "-v", "0", env=sqlite_env)
    ims("demo", env=sqlite_env)
    source = HEAD.fullmatch(ims("verify-audit", env=sqlite_env).stdout)
    written = ims("backup", str(archive), env=sqlite_env).stdout
    assert source, "the source trail must verify"
    rows = int(re.search(r": (\d+) rows in \d+ tables, 1 files\.$", written.strip()).group(1))

    pg_env = operator_env(tmp_path / "new", fresh_postgres_database)
    ims("migrate", "--noinput", "-v", "0", env=pg_env)
    restored = ims("restore", str(archive), env=pg_env).stdout
    target = HEAD.fullmatch(ims("verify-audit", env=pg_env).stdout)

    assert restored.startswith(f"Restored {rows} rows in ")
    assert target, "the moved trail must verify on PostgreSQL"
    assert target.groups() == source.groups()  # same entries, same head hash
    assert (tmp_path / "new" / "media" / "evidence" / "permit.pdf").read_bytes() == b"%PDF permit 2026"

    with psycopg.connect(fresh_postgres_database) as db:
        assert db.execute("SELECT count(*) FROM org_site").fetchone() == (2,)
        assert db.execute("SELECT username FROM accounts_user ORDER BY id LIMIT 1").fetchone() == ("admin",)

    again = ims("restore", str(archive), env=pg_env, check=False)
    assert again.returncode == 1
    assert "Nothing restored: Restore needs an empty database" in again.stderr

    # The moved installation keeps working: ids continue after the restored rows and the chain grows.
    ims(
        "shell",
        "-c",
        "from ims.accounts.models import User; from ims.org.services import site_create; "
        "site_create(by=User.objects.get(username='admin'), code='VIE', name='Vienna office', "
        "country='AT', time_zone='Europe/Vienna')",
        env=pg_env,
    )
    grown = HEAD.fullmatch(ims("verify-audit", env=pg_env).stdout)
    assert grown, "the trail must still verify after a new change"
    assert int(grown.group(1)) == int(source.group(1)) + 1
