"""The standards library: ISO 9001 and ISO 14001 (and any later standard) as data.

Clause trees, our own summaries, mandated documented information, the
Harmonized Structure counterpart of each clause and the mapping between
editions live in YAML files under ``data/``, validated against the JSON
Schemas under ``schema/``. A requirement is identified by
(standard, edition, clause), never by the clause number alone.
"""
