"""``ims verify-audit`` detects an edited, a deleted or a truncated audit trail."""

from __future__ import annotations

import re
import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ims.audit.chain import entry_hash, verify_chain
from ims.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from ims.org import services
from tests.ops.ims_command import ims, operator_env

TABLE = AuditEntry._meta.db_table


def raw_sql(sql: str, *params: object) -> None:
    """Tamper with the table directly, as someone with database access could (no ORM, no service)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(TABLE)), params)


@pytest.fixture
def five_entries(admin, north) -> list[AuditEntry]:
    site = north
    for number in range(1, 6):
        site = services.site_update(by=admin, site=site, version=site.version, name=f"North plant {number}")
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.id for e in entries] == [1, 2, 3, 4, 5]
    return entries


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_an_empty_trail_is_intact(db):
    result = verify_chain()

    assert (result.ok, result.checked, result.head_hash) == (True, 0, GENESIS_HASH)
    assert verify_audit().startswith("Audit trail intact: 0 entries verified.")


def test_an_intact_chain_passes_and_reports_its_head_hash(five_entries):
    result = verify_chain()

    assert (result.ok, result.checked, result.broken_id) == (True, 5, None)
    assert result.head_hash == five_entries[-1].hash == AuditHead.objects.get().last_hash
    assert verify_audit() == f"Audit trail intact: 5 entries verified. Head hash {five_entries[-1].hash}\n"


def test_it_verifies_in_batches_without_losing_its_place(five_entries):
    assert verify_chain(batch=2).ok


def test_it_reports_a_row_edited_behind_the_orms_back_at_that_entry(five_entries):
    raw_sql("UPDATE {table} SET changes = %s WHERE id = %s", '{"name": ["North plant", "Nobody saw this"]}', 3)

    result = verify_chain()

    assert (result.ok, result.broken_id, result.checked) == (False, 3, 2)
    assert "edited" in result.problem
    with pytest.raises(CommandError) as broken:
        verify_audit()
    assert str(broken.value) == (
        "Audit trail BROKEN at entry 3: its content does not match its hash (edited after it was written). "
        "2 entries before it verified."
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor_label", "someone else"), ("at", "2020-01-01 00:00:00"), ("action", "create"), ("note", "x")],
)
def test_it_detects_an_edit_of_any_hashed_column(five_entries, column, value):
    raw_sql(f"UPDATE {{table}} SET {connection.ops.quote_name(column)} = %s WHERE id = %s", value, 4)

    result = verify_chain()

    assert (result.ok, result.broken_id) == (False, 4)
    assert "edited" in result.problem


def test_it_reports_a_deleted_middle_row_as_missing(five_entries):
    raw_sql("DELETE FROM {table} WHERE id = %s", 3)

    result = verify_chain()

    assert (result.ok, result.broken_id, result.checked) == (False, 4, 2)
    assert result.problem == "entry 3 missing (deleted): entry 4 follows entry 2"
    with pytest.raises(CommandError, match=r"BROKEN at entry 4: entry 3 missing \(deleted\)"):
        verify_audit()


def test_it_reports_a_run_of_deleted_rows(five_entries):
    raw_sql("DELETE FROM {table} WHERE id IN (2, 3)")

    result = verify_chain()

    assert (result.ok, result.broken_id) == (False, 4)
    assert result.problem == "entries 2–3 missing (deleted): entry 4 follows entry 1"


def test_it_reports_a_deleted_first_row(five_entries):
    raw_sql("DELETE FROM {table} WHERE id = %s", 1)

    result = verify_chain()

    assert (result.ok, result.broken_id, result.checked) == (False, 2, 0)
    assert result.problem.startswith("entry 1 missing (deleted)")


def test_it_detects_deleted_newest_rows_through_the_head(five_entries):
    raw_sql("DELETE FROM {table} WHERE id >= %s", 4)

    result = verify_chain()

    assert (result.ok, result.broken_id, result.checked) == (False, 4, 3)
    assert result.problem == "the log ends at entry 3 but its head records entry 5: entries 4–5 were deleted"
    with pytest.raises(CommandError, match="BROKEN at entry 4: the log ends at entry 3"):
        verify_audit()


def test_it_detects_an_edited_head(five_entries):
    AuditHead.objects.update(last_hash="f" * 64)

    result = verify_chain()

    assert (result.ok, result.broken_id) == (False, 6)
    assert result.problem == "the head does not match the last entry 5 (head edited)"


def test_an_edited_row_with_a_recomputed_hash_still_breaks_the_next_link(five_entries):
    raw_sql("UPDATE {table} SET actor_label = %s WHERE id = %s", "scapegoat", 3)
    forged = AuditEntry.objects.get(pk=3)
    raw_sql("UPDATE {table} SET hash = %s WHERE id = %s", entry_hash(forged), 3)

    result = verify_chain()

    assert (result.ok, result.broken_id, result.checked) == (False, 4, 3)
    assert result.problem == "its previous-entry hash does not match the entry before it (chain broken)"
    with pytest.raises(CommandError, match="BROKEN at entry 4: its previous-entry hash does not match"):
        verify_audit()


def test_a_newest_row_edited_with_a_recomputed_hash_no_longer_matches_the_head(five_entries):
    raw_sql("UPDATE {table} SET note = %s WHERE id = %s", "nothing happened", 5)
    raw_sql("UPDATE {table} SET hash = %s WHERE id = %s", entry_hash(AuditEntry.objects.get(pk=5)), 5)

    result = verify_chain()

    assert (result.ok, result.broken_id) == (False, 6)
    assert "head edited" in result.problem


def test_the_console_script_exits_non_zero_on_a_tampered_trail(tmp_path):
    env = operator_env(tmp_path, f"sqlite:///{tmp_path / 'ims.sqlite3'}")
    ims("migrate", "--noinput", "-v", "0", env=env)
    ims("demo", env=env)

    intact = ims("verify-audit", env=env)
    match = re.fullmatch(r"Audit trail intact: (\d+) entries verified\. Head hash [0-9a-f]{64}\n", intact.stdout)
    assert match, intact.stdout
    count = int(match.group(1))
    assert count > 10

    with sqlite3.connect(tmp_path / "ims.sqlite3") as db:
        db.execute(f"UPDATE {TABLE} SET actor_label = 'nobody' WHERE id = 7")
    broken = ims("verify-audit", env=env, check=False)

    assert broken.returncode == 1
    assert broken.stdout == ""
    assert "Audit trail BROKEN at entry 7: its content does not match its hash (edited" in broken.stderr
    assert "6 entries before it verified." in broken.stderr
