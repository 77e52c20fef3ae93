"""Backup and restore: one archive of the database rows and attached files.

The archive is database-neutral (JSON lines per table), so the same pair of
commands moves an installation from the embedded SQLite to PostgreSQL:
``ims backup FILE`` on the old one, ``ims migrate`` and ``ims restore FILE`` on
the new one.

Consistency while the app runs: on PostgreSQL the rows are read in one
REPEATABLE READ, READ ONLY transaction (one snapshot, no locks held against
writers); on SQLite the file is first copied with SQLite's online backup API
and the rows are read from that copy, so writers are never blocked for long.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from ims import __version__

FORMAT = "ims-backup"
FORMAT_VERSION = 1
# Django's own bookkeeping tables are recreated by ``migrate``; sessions are
# deliberately left out (people sign in again after a restore).
INCLUDED_APP_PREFIX = "ims."
BATCH = 2000


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why."""


def backed_up_models() -> list[type[models.Model]]:
    """Every table of IMS's own apps, including automatic many-to-many tables."""
    result = []
    for config in apps.get_app_configs():
        if not config.name.startswith(INCLUDED_APP_PREFIX):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                result.append(model)
    return sorted(result, key=lambda m: m._meta.label_lower)


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, (bytes, memoryview)):
            return {"$b64": base64.b64encode(bytes(o)).decode("ascii")}
        if isinstance(o, (dt.datetime, dt.time)):
            # Full microseconds: DjangoJSONEncoder keeps milliseconds only, which
            # would change audit timestamps and so break the hash chain.
            return o.isoformat()
        return super().default(o)


def _encode_row(model: type[models.Model], row: dict[str, Any]) -> str:
    return json.dumps(row, cls=_Encoder, ensure_ascii=False, separators=(",", ":"))


def _decode_row(model: type[models.Model], raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for name, value in raw.items():
        field = fields.get(name)
        if field is None:
            raise BackupError(f"{model._meta.label}: the archive has a column “{name}” this version does not know.")
        if isinstance(value, dict) and set(value) == {"$b64"}:
            value = base64.b64decode(value["$b64"])
        elif value is not None and not isinstance(field, models.JSONField):
            value = field.to_python(value)
        values[name] = value
    return values


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int


@contextmanager
def _snapshot_alias() -> Iterator[str]:
    """A database alias whose reads all come from one consistent snapshot."""
    default = connections[DEFAULT_DB_ALIAS]
    if default.vendor == "sqlite":
        tmpdir = Path(tempfile.mkdtemp(prefix="ims-backup-"))
        copy = tmpdir / "snapshot.sqlite3"
        source = sqlite3.connect(_sqlite_uri(str(default.settings_dict["NAME"])), timeout=30, uri=True)
        target = sqlite3.connect(str(copy))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        alias = "ims_backup_snapshot"
        config = dict(default.settings_dict)
        config.update({"NAME": str(copy), "OPTIONS": {}, "CONN_MAX_AGE": 0})
        connections.databases[alias] = config
        try:
            yield alias
        finally:
            connections[alias].close()
            del connections[alias]
            del connections.databases[alias]
            shutil.rmtree(tmpdir, ignore_errors=True)
    elif default.vendor == "postgresql":
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            with default.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS
    else:
        raise BackupError(f"Backups are not supported on {default.vendor}.")


def _sqlite_uri(name: str) -> str:
    """A URI for sqlite3.connect(uri=True): test databases are already URIs, files become file: URIs."""
    if name.startswith("file:"):
        return name
    return Path(name).resolve().as_uri()


def _applied_migrations(alias: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup(path: Path) -> BackupSummary:
    """Write the archive to ``path`` (a .zip); a partial file never remains."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    rows: dict[str, int] = {}
    digests: dict[str, str] = {}
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with _snapshot_alias() as alias:
                migrations = _applied_migrations(alias)
                for model in backed_up_models():
                    name = f"data/{model._meta.label_lower}.jsonl"
                    digest = hashlib.sha256()
                    count = 0
                    with archive.open(name, "w") as raw:
                        out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                        columns = [f.attname for f in model._meta.concrete_fields]
                        qs = model._base_manager.using(alias).order_by("pk").values(*columns)
                        for row in qs.iterator(chunk_size=BATCH):
                            line = _encode_row(model, row) + "\n"
                            out.write(line)
                            digest.update(line.encode("utf-8"))
                            count += 1
                        out.flush()
                        out.detach()
                    rows[model._meta.label_lower] = count
                    digests[name] = digest.hexdigest()
            files = _write_media(archive, digests)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "ims_version": __version__,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "source_database": connections[DEFAULT_DB_ALIAS].vendor,
                "migrations": migrations,
                "rows": rows,
                "sha256": digests,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path=path, rows=rows, files=files)


def _write_media(archive: zipfile.ZipFile, digests: dict[str, str]) -> int:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return 0
    count = 0
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        name = "media/" + file.relative_to(root).as_posix()
        data = file.read_bytes()
        archive.writestr(name, data)
        digests[name] = hashlib.sha256(data).hexdigest()
        count += 1
    return count


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError("Not an IMS backup: the archive has no manifest.json.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("Not an IMS backup: unknown archive format.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Backup format version {manifest.get('format_version')} is not supported by this version.")
    return manifest


def _check_target(manifest: dict[str, Any]) -> None:
    ours = {tuple(m) for m in _applied_migrations(DEFAULT_DB_ALIAS) if m[0] in _app_labels()}
    theirs = {tuple(m) for m in manifest["migrations"] if m[0] in _app_labels()}
    if ours != theirs:
        missing = sorted(theirs - ours)
        extra = sorted(ours - theirs)
        hint = "run `ims migrate` first" if missing and not extra else "use the IMS version that made the backup"
        raise BackupError(
            f"The database schema does not match the backup ({hint}); "
            f"missing here: {[f'{a}.{n}' for a, n in missing][:5]}, "
            f"not in the backup: {[f'{a}.{n}' for a, n in extra][:5]}."
        )
    non_empty = [m._meta.label for m in backed_up_models() if m._base_manager.exists()]
    if non_empty:
        raise BackupError(
            "Restore needs an empty database (after `ims migrate`), but these tables hold rows: "
            + ", ".join(non_empty[:8])
        )


def _app_labels() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith(INCLUDED_APP_PREFIX)}


def restore(path: Path) -> dict[str, int]:
    """Load an archive into an empty, migrated database; all or nothing."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"Cannot read {path}: {exc}.") from None
    with archive:
        manifest = _read_manifest(archive)
        _verify_digests(archive, manifest)
        media = _media_targets(archive, manifest)
        _check_target(manifest)
        models_by_label = {m._meta.label_lower: m for m in backed_up_models()}
        unknown = sorted(set(manifest["rows"]) - set(models_by_label))
        if unknown:
            raise BackupError(f"The backup has tables this version does not know: {', '.join(unknown)}.")
        counts: dict[str, int] = {}
        connection = connections[DEFAULT_DB_ALIAS]
        staged = _stage_media(archive, media)  # files first: a failure here leaves the database untouched
        try:
            with transaction.atomic():
                for label in manifest["rows"]:
                    model = models_by_label[label]
                    counts[label] = _load_table(archive, model, f"data/{label}.jsonl")
                    if counts[label] != manifest["rows"][label]:
                        raise BackupError(f"{label}: expected {manifest['rows'][label]} rows, read {counts[label]}.")
                statements = connection.ops.sequence_reset_sql(no_style(), list(models_by_label.values()))
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
            _move_staged(staged)
        finally:
            shutil.rmtree(staged.root, ignore_errors=True)
    return counts


def _load_table(archive: zipfile.ZipFile, model: type[models.Model], name: str) -> int:
    count, batch = 0, []
    with archive.open(name) as raw, _keep_timestamps(model):
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            batch.append(model(**_decode_row(model, json.loads(line))))
            if len(batch) >= BATCH:
                model._base_manager.bulk_create(batch)
                count, batch = count + len(batch), []
        if batch:
            model._base_manager.bulk_create(batch)
            count += len(batch)
    return count


@contextmanager
def _keep_timestamps(model: type[models.Model]) -> Iterator[None]:
    """Stop auto_now/auto_now_add from replacing the archived creation and change times."""
    saved = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _verify_digests(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    for name, expected in manifest["sha256"].items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                for chunk in iter(lambda: member.read(1 << 20), b""):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"The archive is incomplete: {name} is missing.") from None
        if digest.hexdigest() != expected:
            raise BackupError(f"The archive is damaged: {name} does not match its checksum.")


def _media_targets(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> list[tuple[zipfile.ZipInfo, Path]]:
    """Where each attached file goes. Refuses, before anything is written, a path outside
    the media folder or a file the manifest does not vouch for with a checksum."""
    root = Path(settings.MEDIA_ROOT).resolve()
    targets = []
    for info in archive.infolist():
        if not info.filename.startswith("media/") or info.is_dir():
            continue
        if info.filename not in manifest["sha256"]:
            raise BackupError(f"The archive holds a file its manifest does not list: {info.filename}.")
        target = (root / info.filename.removeprefix("media/")).resolve()
        if root not in target.parents:
            raise BackupError(f"Refusing a file path outside the media folder: {info.filename}.")
        targets.append((info, target))
    return targets


@dataclass(frozen=True)
class _Staged:
    root: Path
    files: list[tuple[Path, Path]]  # (staged copy, final place)


def _stage_media(archive: zipfile.ZipFile, targets: list[tuple[zipfile.ZipInfo, Path]]) -> _Staged:
    """Extract the files next to the media folder, so moving them in later is a rename."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    files = []
    for i, (info, target) in enumerate(targets):
        staged = root / str(i)
        with archive.open(info) as src, open(staged, "wb") as dst:
            shutil.copyfileobj(src, dst)
        files.append((staged, target))
    return _Staged(root, files)


def _move_staged(staged: _Staged) -> None:
    for source, target in staged.files:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
