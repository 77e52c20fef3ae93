"""Policy pages: the register, drafting, the signing page, communication, exports."""

from __future__ import annotations

from django.utils import timezone

from ims.policies.demo import TEXT
from ims.policies.models import Policy, RevisionStatus
from ims.policies.services import policy_create
from ims.signatures.models import Signature
from tests.conftest import PASSWORD


def test_a_policy_goes_from_draft_to_in_force_in_the_browser(web, top, owner, north):
    client = web(owner)
    created = client.post(
        "/policies/new",
        {
            "site": north.pk,
            "kind": "environmental",
            "title": "North environmental policy",
            "text": "We set objectives.",
        },
    )
    assert created.status_code == 302, created.content.decode()
    policy = Policy.objects.get()
    draft = policy.revisions.get()
    page = client.get(f"/policies/revisions/{draft.pk}/").content.decode()
    assert "Protection of the environment, including prevention of pollution" in page
    assert "Review and sign" not in page, "a process owner is not top management"
    assert client.get(f"/policies/revisions/{draft.pk}/sign").status_code == 403

    edited = client.post(
        f"/policies/revisions/{draft.pk}/edit",
        {"version": draft.version, "text": "We set objectives.", "change_summary": "First issue"},
    )
    assert edited.status_code == 302

    signer = web(top)
    draft.refresh_from_db()
    sign_page = signer.get(f"/policies/revisions/{draft.pk}/sign").content.decode()
    assert "The text does not appear to state" in sign_page
    assert "Sign: approved" in sign_page
    wrong = signer.post(
        f"/policies/revisions/{draft.pk}/sign",
        {
            "decision": "approve",
            "approve-version": draft.version,
            "approve-effective_from": timezone.localdate().isoformat(),
            "approve-password": "wrong",
        },
    )
    assert wrong.status_code == 422
    assert "The password is not correct; nothing was signed." in wrong.content.decode()
    signed = signer.post(
        f"/policies/revisions/{draft.pk}/sign",
        {
            "decision": "approve",
            "approve-version": draft.version,
            "approve-effective_from": timezone.localdate().isoformat(),
            "approve-password": PASSWORD,
        },
    )
    assert signed.status_code == 302
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.APPROVED
    detail = client.get(f"/policies/{policy.pk}/").content.decode()
    assert "not recorded as communicated" in detail
    assert "In force" in detail
    said = client.post(
        f"/policies/revisions/{draft.pk}/communications",
        {"communicated_on": timezone.localdate().isoformat(), "audience": "North staff", "method": "notice_board"},
    )
    assert said.status_code == 302
    revision_page = client.get(f"/policies/revisions/{draft.pk}/").content.decode()
    assert "North staff" in revision_page
    assert Signature.objects.get().content_sha256 in revision_page


def test_the_register_lists_state_and_exports_without_formula_injection(web, top, viewer, org):
    policy_create(by=top, kind="integrated", title='=HYPERLINK("x")', text=TEXT)
    page = web(viewer).get("/policies/").content.decode()
    assert "POL-001" in page
    assert "none approved" in page
    assert "draft in progress" in page
    assert web(viewer).get("/policies/new").status_code == 403
    csv = web(viewer).get("/policies/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    xlsx = web(viewer).get("/policies/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_sending_back_from_the_signing_page_needs_a_reason(web, top, org):
    policy = policy_create(by=top, kind="quality", title="Quality policy", text="We make parts.")
    draft = policy.revisions.get()
    client = web(top)
    missing = client.post(
        f"/policies/revisions/{draft.pk}/sign",
        {"decision": "reject", "reject-version": draft.version, "reject-password": PASSWORD, "reject-reason": ""},
    )
    assert missing.status_code == 422
    assert not Signature.objects.exists()
    sent = client.post(
        f"/policies/revisions/{draft.pk}/sign",
        {"decision": "reject", "reject-version": draft.version, "reject-password": PASSWORD, "reject-reason": "Thin."},
    )
    assert sent.status_code == 302
    assert Signature.objects.get().meaning == "rejected"


def test_the_readiness_page_links_the_policy_in_force_as_evidence(web, top, org):
    from ims.policies.services import communication_record, revision_approve

    policy = policy_create(by=top, kind="integrated", title="IMS policy", text=TEXT)
    revision = policy.revisions.get()
    revision_approve(by=top, revision=revision, version=revision.version, password=PASSWORD)
    communication_record(
        by=top, revision=revision, communicated_on=timezone.localdate(), audience="Everyone", method="intranet"
    )
    page = web(top).get("/readiness/").content.decode()
    assert f'href="/policies/revisions/{revision.pk}/"' in page
    assert "Policy revision: POL-001 revision 1" in page
