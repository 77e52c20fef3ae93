"""The ``ims`` console script: hyphenated command names, configuration errors, help."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.procs import IMS, ims, minimal_env


@pytest.fixture
def dev_env(tmp_path: Path) -> dict[str, str]:
    return minimal_env(tmp_path, IMS_DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")


def test_the_console_script_is_installed():
    assert IMS.is_file(), f"{IMS} missing: run `pip install -e .` in the virtualenv"


def test_verify_audit_with_a_hyphen_runs_the_verify_audit_command(dev_env, tmp_path: Path):
    migrated = ims("migrate", "--noinput", "-v", "0", env=dev_env, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "x.sqlite3").is_file()

    hyphen = ims("verify-audit", env=dev_env, cwd=tmp_path)
    assert hyphen.returncode == 0, hyphen.stderr
    assert "Audit trail intact" in hyphen.stdout

    underscore = ims("verify_audit", env=dev_env, cwd=tmp_path)
    assert underscore.returncode == 0, underscore.stderr
    assert underscore.stdout == hyphen.stdout


def test_only_the_command_name_is_rewritten_not_its_options(dev_env, tmp_path: Path):
    result = ims("check", "--fail-level", "WARNING", env=dev_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["check", "verify-audit", "migrate"])
def test_a_bad_environment_value_is_a_configuration_error_with_exit_code_2(tmp_path: Path, command: str):
    result = ims(command, env=minimal_env(tmp_path, IMS_DEBUG="maybe"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("ims: configuration error: IMS_DEBUG:")
    assert "'maybe'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_configuration_error_never_prints_the_database_password(tmp_path: Path):
    env = minimal_env(tmp_path, IMS_DEBUG="true", DATABASE_URL="mysql://ims:s3cret@db.example.com/ims")
    result = ims("check", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("ims: configuration error: DATABASE_URL:")
    assert "s3cret" not in result.stdout + result.stderr


def test_help_lists_the_ims_commands(dev_env, tmp_path: Path):
    result = ims("help", env=dev_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = {line.strip() for line in result.stdout.splitlines()}
    assert {"serve", "demo", "verify_audit", "backup", "restore", "reset_password"} <= listed
