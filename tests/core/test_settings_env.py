"""Settings refuse a bad environment, naming the variable and the value at fault.

Settings are read at import, so each case starts Django in a child process with a
minimal environment (PATH, HOME, IMS_VAR_DIR in a temporary directory).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import pytest

from ims.core import env as ims_env
from tests.core.procs import django_setup, ims, minimal_env

PROD_KEY = secrets.token_urlsafe(48)  # 64 characters

BAD_ENVIRONMENTS = [
    pytest.param({"IMS_DEBUG": "maybe"}, "IMS_DEBUG", "'maybe'", id="debug-not-a-boolean"),
    pytest.param({"IMS_DEBUG": "false"}, "IMS_SECRET_KEY", "must be set", id="secret-key-missing-in-production"),
    pytest.param(
        {"IMS_DEBUG": "false", "IMS_SECRET_KEY": PROD_KEY}, "IMS_ALLOWED_HOSTS", "must list", id="hosts-missing"
    ),
    pytest.param({"IMS_DEBUG": "true", "IMS_ALLOWED_HOSTS": "a,,b"}, "IMS_ALLOWED_HOSTS", "'a,,b'", id="hosts-empty"),
    pytest.param(
        {"IMS_DEBUG": "true", "IMS_ALLOWED_HOSTS": "ims.example.com,https://x"},
        "IMS_ALLOWED_HOSTS",
        "'https://x'",
        id="hosts-url",
    ),
    pytest.param({"IMS_DEBUG": "true", "IMS_MEDIA_ROOT": "var/media"}, "IMS_MEDIA_ROOT", "'var/media'", id="media"),
    pytest.param({"IMS_DEBUG": "true", "IMS_VAR_DIR": "relative/var"}, "IMS_VAR_DIR", "'relative/var'", id="var-dir"),
    pytest.param(
        {"IMS_DEBUG": "true", "DATABASE_URL": "mysql://ims@db.example.com/ims"},
        "DATABASE_URL",
        "mysql://ims@db.example.com/ims",
        id="database-scheme",
    ),
    pytest.param({"IMS_DEBUG": "true", "IMS_LOCKOUT_THRESHOLD": "abc"}, "IMS_LOCKOUT_THRESHOLD", "'abc'", id="int"),
    pytest.param({"IMS_DEBUG": "true", "IMS_LOCKOUT_THRESHOLD": "0"}, "IMS_LOCKOUT_THRESHOLD", "got 0", id="int-min"),
    pytest.param({"IMS_DEBUG": "true", "IMS_TIME_ZONE": "Mars/Base"}, "IMS_TIME_ZONE", "'Mars/Base'", id="tz"),
]


@pytest.mark.parametrize(("variables", "name", "value"), BAD_ENVIRONMENTS)
def test_a_bad_value_stops_the_start_naming_variable_and_value(tmp_path: Path, variables, name, value):
    env = minimal_env(tmp_path, **variables)
    result = django_setup(env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert f"{name}:" in message
    assert value in message


@pytest.mark.parametrize("key", ["short-key", "a" * 64], ids=["too-short", "too-few-distinct-characters"])
def test_a_weak_secret_key_is_refused_without_echoing_it(tmp_path: Path, key: str):
    result = django_setup(minimal_env(tmp_path, IMS_DEBUG="false", IMS_SECRET_KEY=key), tmp_path)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "IMS_SECRET_KEY: too weak" in message
    assert key not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "mysql://ims:s3cret@db.example.com/ims",
        "foo://user:s3cret@host/db",
        "postgres://user:s3cret@host:notaport/db",  # parse error
        "postgres://user:s3cret@host/",  # no database name
        "postgres//user:s3cret@host/db",  # typo: no "://" at all
        "user:s3cret@host/db",  # scheme forgotten
    ],
)
def test_a_bad_database_url_never_shows_the_password(tmp_path: Path, url: str):
    result = django_setup(minimal_env(tmp_path, IMS_DEBUG="true", DATABASE_URL=url), tmp_path)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "DATABASE_URL:" in message
    assert "s3cret" not in result.stderr


def test_dev_mode_generates_a_private_secret_key_and_keeps_it(tmp_path: Path):
    env = minimal_env(tmp_path, IMS_DEBUG="true")
    show_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = django_setup(env, tmp_path, then=show_key)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key_file.read_text().strip() == key

    second = django_setup(env, tmp_path, then=show_key)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == key


def test_the_dev_secret_key_is_never_readable_by_others_even_briefly(tmp_path: Path, monkeypatch):
    """The key must be created 0600, not written under the umask and narrowed afterwards."""
    exposed: list[int] = []
    original_write = Path.write_text
    original_chmod = Path.chmod

    def write_text(self: Path, *args, **kwargs):
        written = original_write(self, *args, **kwargs)
        exposed.append(stat.S_IMODE(self.stat().st_mode))
        return written

    def chmod(self: Path, *args, **kwargs):
        if self.exists():
            exposed.append(stat.S_IMODE(self.stat().st_mode))
        return original_chmod(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr(Path, "chmod", chmod)
    old_umask = os.umask(0o022)
    try:
        key = ims_env.local_secret_key(tmp_path / "var" / "secret_key")
    finally:
        os.umask(old_umask)
    assert len(key) >= 50
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600
    assert all(mode & 0o077 == 0 for mode in exposed), f"key file was mode {[oct(m) for m in exposed]} meanwhile"


def test_a_production_configuration_passes_the_deploy_checks(tmp_path: Path):
    env = minimal_env(
        tmp_path,
        IMS_DEBUG="false",
        IMS_SECRET_KEY=PROD_KEY,
        IMS_ALLOWED_HOSTS="ims.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'ims.sqlite3'}",
    )
    result = ims("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr
    assert not (tmp_path / "secret_key").exists()  # production never invents a key
