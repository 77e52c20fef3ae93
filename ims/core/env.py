"""Typed readers for environment variables.

A misconfigured deployment must refuse to start, naming the variable at fault,
rather than run half-working. Every helper raises ``ImproperlyConfigured`` with
the variable name and the offending value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected a boolean (true/false, 1/0, yes/no, on/off), got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}: expected a comma-separated list with no empty items, got {value!r}.")
    for item in items:
        if any(ch.isspace() for ch in item) or "/" in item:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a host name (no scheme, path or spaces).")
    return items


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    if value is None:
        return default
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name}: expected an absolute path, got {value!r}.")
    if path.exists() and not path.is_dir():
        raise ImproperlyConfigured(f"{name}: {value!r} exists and is not a directory.")
    return path


def env_timezone(name: str, default: str) -> str:
    value = _raw(name) or default
    if value not in available_timezones():
        raise ImproperlyConfigured(f"{name}: {value!r} is not an IANA time zone name.")
    return value


_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def env_database(name: str, default_sqlite: Path) -> dict[str, Any]:
    """Parse ``DATABASE_URL`` into Django's DATABASES entry (SQLite or PostgreSQL)."""
    value = _raw(name)
    if value is None:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        value = f"sqlite:///{default_sqlite}"
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: unsupported or missing scheme in {_redact(value)!r}; "
            "use sqlite:////absolute/path.sqlite3 or postgres://user@host:port/dbname."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(value, conn_max_age=60))
    except Exception as exc:  # the parser raises several types; all mean the same to an operator
        raise ImproperlyConfigured(f"{name}: cannot parse {_redact(value)!r}: {exc}.") from None
    if scheme == "sqlite":
        if not config.get("NAME") or config["NAME"] == ":memory:":
            raise ImproperlyConfigured(f"{name}: SQLite needs a file path, got {value!r}.")
        # Persistent connections: opening one costs ~1 ms (PRAGMAs, schema read) per request.
        config["CONN_MAX_AGE"] = None
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
            # busy timeout instead of failing when a read transaction upgrades.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
        }
    else:
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}: no database name in {_redact(value)!r}.")
        config.setdefault("OPTIONS", {})
    config["CONN_HEALTH_CHECKS"] = True
    config["TEST"] = {"NAME": _test_name(config)}
    return config


def _test_name(config: dict[str, Any]) -> str | None:
    if "sqlite" in config["ENGINE"]:
        return None  # in-memory test database
    return f"test_{config['NAME']}"


def _redact(url: str) -> str:
    """Hide a password in a URL before it appears in an error message (also in malformed ones)."""
    if "@" not in url:
        return url
    before, host = url.rsplit("@", 1)
    prefix, sep, creds = before.partition("://")
    if not sep:
        prefix, creds = "", before
    else:
        prefix += sep
    user, colon, _ = creds.partition(":")
    return f"{prefix}{user}:***@{host}" if colon else url


def local_secret_key(path: Path) -> str:
    """The development secret key, generated once and kept under var/."""
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 50:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    # Created 0600 from the start: never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode on O_TRUNC
        handle.write(key)
    return key
