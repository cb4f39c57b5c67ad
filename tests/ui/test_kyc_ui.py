"""KYC and approvals as staff use them (NiceGUI User fixture): the checker sees what they
approve and rejects with a reason the maker reads; a maker sees their own request waiting,
with no Approve button; a clerk uploads a scan checked from its content."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from bankcore.approvals import request_reversal
from bankcore.members.kyc import record_kyc_document
from bankcore.models import JournalEntry, KycDocument, KycDocumentType, KycStatus, Member
from bankcore.services.members import register_member
from tests.ledger.factory import make_account, small_bank
from tests.members.samples import image
from tests.ui.test_staff import as_staff


async def test_the_checker_sees_details_documents_and_maker_and_rejects_with_a_reason_the_maker_reads(
        user: User, create_user, document_folder: Path) -> None:  # noqa: ANN001
    # given: a clerk registered a member and uploaded her PAN card
    await small_bank()
    clerk_browser = create_user()
    clerk = await as_staff(clerk_browser, "clerk")
    member = await register_member(full_name="Savita Kale", branch_code="001", pan="ABCPK1234F", mobile="9822012345",
                                   aadhaar="234123412346", registered_by=f"staff:{clerk.id}")
    number = member.member_number
    doc = await record_kyc_document(member_number=number, doc_type=KycDocumentType.PAN, reference="ABCPK1234F",
                                    content=image("PNG"), file_name="pan.png", uploaded_by=f"staff:{clerk.id}")
    # when: a manager opens the approvals and the member's review
    await as_staff(user, "manager")
    await user.open("/staff/approvals")
    await user.should_see(marker=f"review {number}", retries=20)
    user.find(marker=f"review {number}").click()
    # then: the details, the masked document and the maker are there
    await user.should_see("ABCPK1234F")
    await user.should_see("XXXX XXXX 2346")
    await user.should_see(f"Test clerk ({clerk.username})")
    await user.should_see("XXXXXX234F")
    user.find(marker=f"view {doc.id}").click()
    await user.should_see(marker="document-image", retries=10)
    # when: rejecting needs a reason, then is done with one
    user.find(marker=f"kyc-reject {number}").click()
    await user.should_see("Give the reason the maker will read.")
    user.find(marker=f"kyc-reason {number}").type("PAN photo is blurred")
    user.find(marker=f"kyc-reject {number}").click()
    await user.should_see("Rejected; the maker sees your reason.", retries=10)
    stored = await Member.get(member_number=number)
    assert (stored.kyc_status, stored.kyc_rejection_reason) == (KycStatus.REJECTED, "PAN photo is blurred")
    # then: the clerk reads it with their registrations
    await clerk_browser.open("/staff/clerk")
    await clerk_browser.should_see(marker="tab-kyc", retries=20)
    clerk_browser.find(marker="tab-kyc").click()
    await clerk_browser.should_see(marker=f"rejected {number}")
    await clerk_browser.should_see("Reason: PAN photo is blurred")


async def test_a_maker_sees_their_own_requests_waiting_without_an_approve_button(user: User) -> None:
    # given: this manager filed a reversal and registered a member
    await small_bank()
    await make_account("SB0", deposit="300.00")
    manager = await as_staff(user, "manager")
    entry = await JournalEntry.filter(entry_type="cash_deposit").first()
    await request_reversal(entry_id=entry.id, reason="wrong account", maker=f"staff:{manager.id}")
    member = await register_member(full_name="Vikram Patil", branch_code="001", registered_by=f"staff:{manager.id}")
    # when
    await user.open("/staff/approvals")
    # then: the request shows its entry, and waits for someone else
    await user.should_see(marker="waiting 1")
    await user.should_see(marker="entry 1")
    await user.should_see("₹300.00")
    await user.should_see("wrong account")
    await user.should_not_see(marker="approve 1")
    # and the member they registered waits for another checker
    await user.should_see(marker=f"review {member.member_number}", retries=20)
    user.find(marker=f"review {member.member_number}").click()
    await user.should_see(marker=f"kyc-waiting {member.member_number}")
    await user.should_not_see(marker=f"kyc {member.member_number}")
    await user.should_not_see(marker=f"kyc-reject {member.member_number}")


async def test_a_clerk_uploads_a_scan_and_a_file_that_is_not_one_is_refused(user: User, document_folder: Path) -> None:
    await small_bank()
    clerk = await as_staff(user, "clerk")
    member = await register_member(full_name="Anjali Rao", branch_code="001", registered_by=f"staff:{clerk.id}")
    await user.open("/staff/clerk")
    await user.should_see(marker="tab-kyc", retries=20)
    user.find(marker="tab-kyc").click()
    await user.should_see(marker=f"waiting {member.member_number}")
    user.find(marker="doc-member").type(member.member_number)
    user.find(marker="doc-reference").type("ABCPR1234F")
    upload = user.find(marker="doc-upload").elements.pop()
    assert isinstance(upload, ui.upload)
    # a web page renamed .png is refused by its content
    await upload.handle_uploads([ui.upload.SmallFileUpload("pan.png", "image/png", b"<html>not a scan</html>")])
    await user.should_see("the file is not a PDF, JPEG or PNG", retries=10)
    await upload.handle_uploads([ui.upload.SmallFileUpload("pan.jpg", "image/jpeg", image("JPEG"))])
    await user.should_see("Uploaded PAN card XXXXXX234F", retries=10)
    document = await KycDocument.get(member__member_number=member.member_number)
    assert (document.content_type, document.uploaded_by) == ("image/jpeg", f"staff:{clerk.id}")


async def test_a_manager_changes_a_members_risk_category_on_the_members_page(user: User) -> None:
    from tests.ledger.factory import make_member
    from tests.ui.test_staff import as_staff

    # given a member verified as low risk
    await small_bank()
    number = await make_member("Farhan Sheikh")
    verified_on = (await Member.get(member_number=number)).kyc_verified_on
    await as_staff(user, "manager")
    await user.open("/staff/clerk")
    await user.should_see(marker="tab-kyc", retries=20)
    user.find(marker="tab-kyc").click()
    # (the tab's cards are drawn after the upload card has asked the API for the size limit)
    await user.should_see(marker="risk-member", retries=20)
    # when the manager raises it to high risk with a reason
    user.find(marker="risk-member").type(number)
    user.find(marker="risk-category").elements.pop().value = "HIGH"
    user.find(marker="risk-reason").type("Politically exposed person")
    user.find(marker="risk-submit").click()
    # then the page says so with the new re-KYC date, and the same change again is refused with the reason
    due = verified_on.replace(year=verified_on.year + 2).strftime("%d-%m-%Y")
    await user.should_see(f"Member {number} is now High risk (2 years). KYC is due again on {due}.", retries=20)
    assert (await Member.get(member_number=number)).risk_category == "high"
    user.find(marker="risk-reason").type("Again")
    user.find(marker="risk-submit").click()
    await user.should_see("risk category is high already", retries=20)
