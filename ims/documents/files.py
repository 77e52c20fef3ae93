"""Uploaded files: checked by content, stored under their SHA-256, verified on every read.

The type of a file is decided from its bytes, not its name, and the name's
extension must agree. Files live in the ``documents`` storage (a local folder
by default, any Django storage backend in production) and are never served
from a public URL: downloads go through a view that checks permissions and
the checksum.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from defusedxml import ElementTree
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

from ims.core.errors import ImsError, ValidationFailed
from ims.documents.models import StoredFile

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS: dict[str, FileKind] = {
    k.code: k
    for k in (
        FileKind("pdf", "PDF", (".pdf",), "application/pdf"),
        FileKind(
            "docx",
            "Word document",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx", "Excel workbook", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        FileKind(
            "pptx",
            "PowerPoint presentation",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileKind("png", "PNG image", (".png",), "image/png"),
        FileKind("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
        FileKind("text", "plain text", (".txt", ".md", ".csv"), "text/plain; charset=utf-8"),
    )
}
ALLOWED_EXTENSIONS = sorted({ext for k in KINDS.values() for ext in k.extensions})


class IntegrityError(ImsError):
    """A stored file no longer matches the checksum recorded when it was uploaded."""

    slug = "integrity"
    title = "The stored file failed its integrity check"
    status = 500


def storage() -> Any:
    return storages["documents"]


def max_bytes() -> int:
    return int(settings.IMS_UPLOAD_MAX_MB) * 1024 * 1024


def safe_name(name: str) -> str:
    """The last path part, without control characters or anything a shell or browser could misread."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .")
    if not base:
        base = "file"
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > 150:
        base = f"{stem[: 150 - len(ext) - 1]}.{ext}"
    return base[:150]


def sniff(path: str, head: bytes) -> FileKind | None:
    """What the bytes are, whatever the name says."""
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return KINDS["docx"]
        if "xl/workbook.xml" in names:
            return KINDS["xlsx"]
        if "ppt/presentation.xml" in names:
            return KINDS["pptx"]
        return None
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return None
    return KINDS["text"]


def store_upload(*, by: Any, upload: IO[bytes], name: str) -> StoredFile:
    """Check and store an upload; raise ValidationFailed naming the problem, storing nothing."""
    clean = safe_name(name)
    ext = PurePath(clean).suffix.lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationFailed(
            {
                "file": [
                    f"“{clean}”: files of type “{ext or 'none'}” are not accepted; use {', '.join(ALLOWED_EXTENSIONS)}."
                ]
            }
        )
    limit = max_bytes()
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(prefix="ims-upload-", suffix=ext) as tmp:
        while chunk := upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ValidationFailed(
                    {"file": [f"“{clean}” is larger than the {settings.IMS_UPLOAD_MAX_MB} MB allowed."]}
                )
            digest.update(chunk)
            tmp.write(chunk)
        tmp.flush()
        if size == 0:
            raise ValidationFailed({"file": [f"“{clean}” is empty."]})
        with open(tmp.name, "rb") as fh:
            head = fh.read(4096)
        kind = sniff(tmp.name, head)
        if kind is None:
            raise ValidationFailed({"file": [f"“{clean}” is not a file type IMS accepts, whatever its name says."]})
        if ext not in kind.extensions:
            raise ValidationFailed(
                {"file": [f"“{clean}” is named {ext} but its content is a {kind.label}; rename or re-export it."]}
            )
        sha = digest.hexdigest()
        target = f"{sha[:2]}/{sha}"
        store = storage()
        if not store.exists(target):
            with open(tmp.name, "rb") as fh:
                saved = store.save(target, File(fh))
            if saved != target:  # a backend that renamed it cannot be found by checksum later
                store.delete(saved)
                raise ValidationFailed({"file": ["The file store renamed the upload; check the storage settings."]})
    return StoredFile.objects.create(
        sha256=sha, size=size, content_type=kind.content_type, name=clean, storage_name=target, uploaded_by=by
    )


def read_verified(stored: StoredFile) -> bytes:
    """The file's bytes, after checking them against the recorded SHA-256."""
    with storage().open(stored.storage_name, "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256 or len(data) != stored.size:
        raise IntegrityError(
            f"“{stored.name}” no longer matches the checksum recorded at upload; it was not served. "
            "Restore it from a backup."
        )
    return data


def extract_text(stored: StoredFile, data: bytes | None = None) -> str:
    """Searchable text of a PDF, Word, Excel or text file; empty for images and unreadable files."""
    data = read_verified(stored) if data is None else data
    try:
        if stored.content_type == KINDS["pdf"].content_type:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            return "\n".join((page.extract_text() or "") for page in reader.pages)[:1_000_000]
        if stored.content_type == KINDS["docx"].content_type:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                root = ElementTree.fromstring(archive.read("word/document.xml"))
            ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
            paragraphs = ["".join(t.text or "" for t in p.iter(f"{ns}t")) for p in root.iter(f"{ns}p")]
            return "\n".join(p for p in paragraphs if p)[:1_000_000]
        if stored.content_type == KINDS["xlsx"].content_type:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
            return "\n".join(cells)[:1_000_000]
        if stored.content_type.startswith("text/plain"):
            return data.decode("utf-8", errors="replace")[:1_000_000]
    except Exception:  # a file we cannot read is still stored; it is just not searchable
        return ""
    return ""
