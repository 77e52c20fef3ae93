"""The full-text index of each database over documents_searchentry."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE documents_fts USING fts5(
        number, title, body, content='documents_searchentry', content_rowid='revision_id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents_searchentry BEGIN
        INSERT INTO documents_fts(rowid, number, title, body) VALUES (new.revision_id, new.number, new.title, new.body);
    END""",
    """CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents_searchentry BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, number, title, body)
        VALUES ('delete', old.revision_id, old.number, old.title, old.body);
    END""",
    """CREATE TRIGGER documents_fts_update AFTER UPDATE ON documents_searchentry BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, number, title, body)
        VALUES ('delete', old.revision_id, old.number, old.title, old.body);
        INSERT INTO documents_fts(rowid, number, title, body) VALUES (new.revision_id, new.number, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS documents_fts_update",
    "DROP TRIGGER IF EXISTS documents_fts_delete",
    "DROP TRIGGER IF EXISTS documents_fts_insert",
    "DROP TABLE IF EXISTS documents_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE documents_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(number, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(body, '')), 'C')
    ) STORED""",
    "CREATE INDEX documents_search_vector ON documents_searchentry USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS documents_search_vector",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
