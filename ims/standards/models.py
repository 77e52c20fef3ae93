"""Standards, editions, clauses and the mappings between them (reference data).

Loaded from the shipped files by ``ims load-standards``; never edited in the
app. Assessments and applicability decisions (the organisation's own records)
refer to these rows and survive a reload.
"""

from __future__ import annotations

from django.db import models


def clause_sort_key(number: str) -> str:
    """'4.10.2' → '04.10.02', so clauses sort in document order as text."""
    return ".".join(part.zfill(2) for part in number.split("."))


class Standard(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=50)
    title = models.CharField(max_length=300)
    discipline = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Edition(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="editions")
    code = models.CharField(max_length=4, help_text="Year of the edition")
    label = models.CharField(max_length=100)
    published = models.DateField()
    amendments = models.JSONField(default=list, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    allows_exclusions = models.BooleanField(default=False)
    exclusion_rule = models.TextField(blank=True)
    source_file = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["standard__code", "code"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="edition_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        return f"{self.standard.code}:{self.code}"


class HsClause(models.Model):
    """A clause of the Harmonized Structure shared by ISO management-system standards."""

    number = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    sort_key = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def depth(self) -> int:
        return self.number.count(".")


class Clause(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="clauses")
    number = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    requirements = models.BooleanField(help_text="Carries requirements of its own (not just a heading)")
    summary = models.TextField(blank=True, help_text="What the clause asks, in our own words")
    hs_number = models.CharField(max_length=20, blank=True, help_text="Harmonized Structure counterpart")
    common = models.BooleanField(default=False, help_text="The Harmonized Structure's common requirement")
    excludable = models.BooleanField(default=False)
    sort_key = models.CharField(max_length=40, db_index=True)
    withdrawn = models.BooleanField(
        default=False, help_text="No longer in the shipped file; kept because records refer to it"
    )

    class Meta:
        ordering = ["edition_id", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="clause_unique_in_edition")]

    def __str__(self) -> str:
        return f"{self.edition.standard.name} {self.number} {self.title}"

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @property
    def ref(self) -> str:
        """The stable identifier: standard:edition:clause, e.g. iso14001:2015:9.1.2."""
        return f"{self.edition.standard.code}:{self.edition.code}:{self.number}"


class MandatedInformation(models.Model):
    """Documented information a clause requires: to maintain (a document) or retain (a record)."""

    class Kind(models.TextChoices):
        MAINTAIN = "maintain", "Maintain (controlled document)"
        RETAIN = "retain", "Retain (record)"

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="mandated")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    what = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["clause_id", "position"]

    def __str__(self) -> str:
        return f"{self.clause.number}: {self.kind} {self.what}"


class EditionChange(models.Model):
    """One line of an edition mapping, e.g. 14001:2015 6.1.4 → 14001:2026 6.1.5 (moved)."""

    class Change(models.TextChoices):
        UNCHANGED = "unchanged"
        CHANGED = "changed"
        MOVED = "moved"
        NEW = "new"
        REMOVED = "removed"

    from_edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="changes_out")
    to_edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="changes_in")
    from_number = models.CharField(max_length=20, blank=True)
    to_number = models.CharField(max_length=20, blank=True)
    change = models.CharField(max_length=10, choices=Change.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["to_edition_id", "id"]

    def __str__(self) -> str:
        return f"{self.from_number or '—'} → {self.to_number or '—'} ({self.change})"
