"""Evidence: photos and PDFs checked by content, limited in size, kept outside the web root, and
opened (audited) only by the applicant and those holding the case."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from smartunion.cases.services import evidence_add, evidence_open
from smartunion.core.errors import Forbidden, NotFound, ValidationFailed
from smartunion.core.models import AuditEvent
from smartunion.core.scoping import scopes_disabled
from tests.factories.cases import make_case


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_photo_and_a_pdf_are_stored_outside_the_web_root(case_world, settings):
    case = make_case(case_world)
    photo = evidence_add(
        case=case, actor=case_world.worker, upload=SimpleUploadedFile("欠条.jpg", jpeg_bytes())
    )
    pdf = evidence_add(case=case, actor=case_world.worker, upload=SimpleUploadedFile("合同.pdf", pdf_bytes()))
    assert (photo.content_type, pdf.content_type) == ("image/jpeg", "application/pdf")
    stored = settings.CASE_FILES_DIR / "evidence" / photo.storage_name
    assert stored.read_bytes() == jpeg_bytes()
    assert str(settings.STATIC_ROOT) not in str(stored)
    assert evidence_open(evidence=photo, actor=case_world.mediator_fs) == jpeg_bytes()
    with scopes_disabled():
        assert (
            AuditEvent.objects.filter(action="case.evidence_view", actor_id=case_world.mediator_fs.pk).count()
            == 1
        )


@pytest.mark.parametrize(
    "name,data",
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows executable renamed .jpg
        ("photo.jpg", b"\x7fELF" + b"\x00" * 200),
        ("doc.pdf", b"%PDF-1.4 but cut short"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
        ("empty.jpg", b""),
    ],
)
def test_files_that_are_not_photos_or_pdfs_are_refused(case_world, name, data):
    case = make_case(case_world)
    with pytest.raises(ValidationFailed) as err:
        evidence_add(case=case, actor=case_world.worker, upload=SimpleUploadedFile(name, data))
    assert "file" in err.value.fields


def test_a_file_over_the_limit_is_refused(case_world, settings):
    settings.CASE_EVIDENCE_MAX_BYTES = 1024
    case = make_case(case_world)
    with pytest.raises(ValidationFailed) as err:
        evidence_add(
            case=case,
            actor=case_world.worker,
            upload=SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * 2048),
        )
    assert "MB" in err.value.fields["file"][0]


def test_only_the_applicant_and_holders_open_evidence(case_world):
    case = make_case(case_world)
    photo = evidence_add(case=case, actor=case_world.worker, upload=SimpleUploadedFile("a.jpg", jpeg_bytes()))
    assert evidence_open(evidence=photo, actor=case_world.worker) == jpeg_bytes()
    for outsider in (
        case_world.other_worker,
        case_world.union_staff_fs,
        case_world.mediator_sy,
        case_world.officer_fs,
    ):
        with pytest.raises(NotFound):
            evidence_open(evidence=photo, actor=outsider)
    with pytest.raises(Forbidden):
        evidence_add(
            case=case, actor=case_world.other_worker, upload=SimpleUploadedFile("b.jpg", jpeg_bytes())
        )
