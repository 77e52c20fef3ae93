"""Uploads: type from content, names made safe, size limit, checksum on read, text for search."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings

from ims.core.errors import ValidationFailed
from ims.documents import files
from ims.documents.models import StoredFile
from tests.documents.conftest import PDF


def docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\ana\\Procédure déchets.pdf", "Procédure déchets.pdf"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        ('a"b<c>|d.pdf', "a_b_c_d.pdf"),
        ("...", "file"),
    ],
)
def test_file_names_are_made_safe(given, safe):
    assert files.safe_name(given) == safe


def test_a_word_file_is_recognised_by_content_and_its_text_is_searchable(manager):
    stored = files.store_upload(by=manager, upload=io.BytesIO(docx("Segregate oily rags")), name="rags.docx")
    assert stored.content_type.endswith("wordprocessingml.document")
    assert files.extract_text(stored) == "Segregate oily rags"


def test_the_same_content_is_stored_once(manager):
    one = files.store_upload(by=manager, upload=io.BytesIO(PDF), name="a.pdf")
    two = files.store_upload(by=manager, upload=io.BytesIO(PDF), name="b.pdf")
    assert one.storage_name == two.storage_name
    assert files.read_verified(two) == PDF


@override_settings(IMS_UPLOAD_MAX_MB=1)
def test_an_oversized_or_empty_upload_is_refused_and_nothing_is_stored(manager):
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationFailed) as too_big:
        files.store_upload(by=manager, upload=io.BytesIO(big), name="big.pdf")
    assert too_big.value.errors == {"file": ["“big.pdf” is larger than the 1 MB allowed."]}
    with pytest.raises(ValidationFailed) as empty:
        files.store_upload(by=manager, upload=io.BytesIO(b""), name="empty.txt")
    assert empty.value.errors == {"file": ["“empty.txt” is empty."]}
    assert not StoredFile.objects.exists()


def test_a_zip_that_is_not_an_office_file_is_refused(manager):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    with pytest.raises(ValidationFailed, match="not a file type IMS accepts"):
        files.store_upload(by=manager, upload=io.BytesIO(buffer.getvalue()), name="report.xlsx")
