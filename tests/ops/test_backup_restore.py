"""``ims backup`` and ``ims restore``: a round trip gives back every row, the audit chain and the files.

These run on whatever database the suite runs on (SQLite in memory, or PostgreSQL).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.backends.base.base import BaseDatabaseWrapper

from ims.accounts.models import User
from ims.accounts.services import login_attempt, token_create
from ims.audit.chain import verify_chain
from ims.demo.loader import load_demo
from ims.ops import backup as backup_module
from ims.ops.backup import BackupError, backed_up_models, backup, restore
from ims.org import services
from ims.org.models import Site

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def snapshot_alias_allowed() -> Iterator[None]:
    """Let backup() open the database alias it adds for its SQLite snapshot.

    Django's test case refuses connections to any alias that did not exist when
    the test started ("Database threaded connections to 'ims_backup_snapshot'
    are not allowed"); outside tests there is no such guard. The guard is
    restored before the test case's own teardown.
    """
    guarded = BaseDatabaseWrapper.ensure_connection
    cells = dict(zip(guarded.__code__.co_freevars, guarded.__closure__ or (), strict=True))
    if "real_ensure_connection" not in cells:
        yield
        return
    BaseDatabaseWrapper.ensure_connection = cells["real_ensure_connection"].cell_contents  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseDatabaseWrapper.ensure_connection = guarded  # type: ignore[method-assign]


def take_backup(path: Path) -> backup_module.BackupSummary:
    with snapshot_alias_allowed():
        return backup(path)


AUTO_TIMESTAMPS = ("created_at", "updated_at")


def all_rows(*, ignore: tuple[str, ...] = ()) -> dict[str, list[dict[str, Any]]]:
    """Every backed-up row, column by column, in primary-key order."""
    return {
        m._meta.label_lower: [
            {k: v for k, v in row.items() if k not in ignore} for row in m._base_manager.order_by("pk").values()
        ]
        for m in backed_up_models()
    }


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


def empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert not any(row_counts().values())


@pytest.fixture
def media_file() -> Iterator[Path]:
    """An attached file under MEDIA_ROOT, removed again after the test."""
    folder = Path(settings.MEDIA_ROOT) / f"test-{uuid.uuid4().hex}"
    file = folder / "calibration certificate ü.pdf"
    folder.mkdir(parents=True)
    file.write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 64)
    yield file
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def demo(media_file):
    """The demo organisation plus an API token, more changes and an attached file."""
    ctx = load_demo()
    admin = ctx.admin
    token_create(user=admin, name="ERP export")
    site = services.site_update(by=admin, site=ctx.sites["LYO"], version=1, address="Quai Rambaud 5\n69002 Lyon")
    services.site_archive(by=admin, site=site, version=site.version)
    return ctx


@pytest.fixture
def archive(demo, tmp_path) -> Path:
    path = tmp_path / "ims-backup.zip"
    take_backup(path)
    return path


def rewrite(source: Path, target: Path, *, replace: dict[str, bytes] | None = None, drop: str = "") -> Path:
    """Copy an archive, replacing or leaving out members (the manifest is not re-signed)."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename == drop:
                continue
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in replace.items():
            if name not in old.namelist():
                new.writestr(name, data)
    return target


def manifest_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


# --- the round trip -----------------------------------------------------------------------


def test_a_round_trip_restores_every_row_the_audit_chain_and_the_files(demo, media_file, tmp_path):
    rows_before, counts_before = all_rows(ignore=AUTO_TIMESTAMPS), row_counts()
    chain_before = verify_chain()
    content = media_file.read_bytes()
    path = tmp_path / "ims-backup.zip"

    summary = take_backup(path)

    assert summary.rows == counts_before
    assert summary.files >= 1
    empty_database()
    media_file.unlink()

    counts = restore(path)

    assert counts == counts_before
    assert row_counts() == counts_before
    assert all_rows(ignore=AUTO_TIMESTAMPS) == rows_before  # timestamps: see the next test
    chain = verify_chain()
    assert chain.ok
    assert (chain.checked, chain.head_hash) == (chain_before.checked, chain_before.head_hash)
    assert media_file.read_bytes() == content


def test_a_round_trip_keeps_when_each_record_was_created_and_last_changed(archive):
    """created_at/updated_at are auto_now(_add) fields: a restore must not stamp them with its own time."""
    before = all_rows()
    empty_database()

    restore(archive)

    after = all_rows()
    changed = [
        f"{label} #{old['id']} {column}"
        for label in before
        for old, new in zip(before[label], after[label], strict=True)
        for column in AUTO_TIMESTAMPS
        if column in old and old[column] != new[column]
    ]
    assert changed == []


def test_after_a_restore_people_sign_in_and_new_changes_extend_the_chain(demo, archive):
    empty_database()
    restore(archive)
    checked = verify_chain().checked

    admin_password = {u: p for u, _, p in demo.credentials}["admin"]
    admin = login_attempt(username="admin", password=admin_password).user
    site = services.site_create(by=admin, code="VIE", name="Vienna office", country="AT", time_zone="Europe/Vienna")

    assert site.pk > max(s.pk for s in demo.sites.values())  # the id sequences continue after the restored rows
    chain = verify_chain()
    assert chain.ok
    assert chain.checked == checked + 2  # the sign-in and the new site


def test_the_backup_command_reports_what_it_wrote(demo, tmp_path):
    path = tmp_path / "nightly.zip"
    out = io.StringIO()

    with snapshot_alias_allowed():
        call_command("backup", str(path), stdout=out)

    total = sum(row_counts().values())
    assert out.getvalue().startswith(f"Backup written to {path}: {total} rows in {len(backed_up_models())} tables, ")
    manifest = manifest_of(path)
    assert manifest["format"] == "ims-backup"
    assert manifest["rows"] == row_counts()
    assert ["audit", "0001_initial"] in manifest["migrations"]
    assert not path.with_name("nightly.zip.partial").exists()


def test_the_restore_command_reports_the_rows_and_points_to_verify_audit(archive):
    empty_database()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    total = sum(manifest_of(archive)["rows"].values())
    assert out.getvalue() == (
        f"Restored {total} rows in {len(backed_up_models())} tables. Run `ims verify-audit` to check the audit trail.\n"
    )


def test_a_failed_backup_leaves_no_file_behind(demo, tmp_path, monkeypatch):
    def disk_full(*args: Any) -> int:
        raise OSError("No space left on device")

    monkeypatch.setattr(backup_module, "_write_media", disk_full)
    path = tmp_path / "ims-backup.zip"

    with pytest.raises(OSError, match="No space left"):
        take_backup(path)

    assert list(tmp_path.iterdir()) == []


# --- refusals -------------------------------------------------------------------------------


def test_restore_into_a_non_empty_database_is_refused_and_changes_nothing(archive):
    rows_before = all_rows()

    with pytest.raises(BackupError) as refused:
        restore(archive)

    assert str(refused.value).startswith(
        "Restore needs an empty database (after `ims migrate`), but these tables hold rows: "
    )
    assert "accounts.User" in str(refused.value)
    assert all_rows() == rows_before


def test_the_restore_command_says_nothing_was_restored_into_a_non_empty_database(archive):
    with pytest.raises(CommandError, match=r"^Nothing restored: Restore needs an empty database"):
        call_command("restore", str(archive))


def test_a_damaged_archive_is_refused_naming_the_member(archive, tmp_path):
    with zipfile.ZipFile(archive) as zf:
        sites = zf.read("data/org.site.jsonl").replace(b"Lyon machining plant", b"Lyon forging plant!!")
    damaged = rewrite(archive, tmp_path / "damaged.zip", replace={"data/org.site.jsonl": sites})
    empty_database()

    with pytest.raises(BackupError) as refused:
        restore(damaged)

    assert str(refused.value) == "The archive is damaged: data/org.site.jsonl does not match its checksum."
    assert not any(row_counts().values())


def test_a_damaged_attached_file_is_refused_naming_it(archive, media_file, tmp_path):
    member = "media/" + media_file.relative_to(settings.MEDIA_ROOT).as_posix()
    damaged = rewrite(archive, tmp_path / "damaged.zip", replace={member: b"not the certificate"})
    empty_database()

    with pytest.raises(BackupError, match=re.escape(f"The archive is damaged: {member} does not match its checksum")):
        restore(damaged)

    assert not any(row_counts().values())


def test_an_archive_with_a_missing_member_is_refused(archive, tmp_path):
    incomplete = rewrite(archive, tmp_path / "incomplete.zip", drop="data/audit.auditentry.jsonl")
    empty_database()

    with pytest.raises(BackupError, match=r"^The archive is incomplete: data/audit.auditentry.jsonl is missing\.$"):
        restore(incomplete)

    assert not any(row_counts().values())


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "ims-backup.zip"
    path.write_text("id,name\n1,North\n")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))

    assert str(refused.value) == f"Nothing restored: Cannot read {path}: File is not a zip file."
    assert not any(row_counts().values())


def test_a_zip_that_is_not_an_ims_backup_is_refused(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8")

    with pytest.raises(BackupError, match=r"^Not an IMS backup: the archive has no manifest\.json\.$"):
        restore(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"^No such file: "):
        call_command("restore", str(tmp_path / "nowhere.zip"))


def test_a_backup_from_a_newer_schema_is_refused_with_a_hint(archive, tmp_path):
    manifest = manifest_of(archive)
    manifest["migrations"].append(["org", "0099_future_change"])
    newer = rewrite(archive, tmp_path / "newer.zip", replace={"manifest.json": json.dumps(manifest).encode()})
    empty_database()

    with pytest.raises(BackupError) as refused:
        restore(newer)

    assert "run `ims migrate` first" in str(refused.value)
    assert "org.0099_future_change" in str(refused.value)
    assert not any(row_counts().values())


def test_an_attached_file_outside_the_media_folder_is_refused_and_nothing_is_restored(archive, tmp_path):
    """A crafted archive must not write outside MEDIA_ROOT, nor leave half a restore behind."""
    payload = b"planted"
    manifest = manifest_of(archive)
    manifest["sha256"]["media/../planted.txt"] = hashlib.sha256(payload).hexdigest()
    crafted = rewrite(
        archive,
        tmp_path / "crafted.zip",
        replace={"manifest.json": json.dumps(manifest).encode(), "media/../planted.txt": payload},
    )
    empty_database()

    with pytest.raises(
        BackupError, match=re.escape("Refusing a file path outside the media folder: media/../planted.txt")
    ):
        restore(crafted)

    assert not (Path(settings.MEDIA_ROOT).parent / "planted.txt").exists()
    assert not User.objects.exists()  # "Nothing restored" must be true
    assert not Site.objects.exists()


def test_an_attached_file_missing_from_the_manifest_is_refused_before_anything_is_written(archive, tmp_path):
    call_command("flush", interactive=False)
    smuggled = rewrite(archive, tmp_path / "smuggled.zip", replace={"media/extra.txt": b"not in the manifest"})
    with pytest.raises(BackupError, match=re.escape("manifest does not list: media/extra.txt")):
        restore(smuggled)
    assert not (Path(settings.MEDIA_ROOT) / "extra.txt").exists()
    assert not Site.objects.exists()
