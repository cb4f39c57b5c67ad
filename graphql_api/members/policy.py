"""Who may call the members domain's root fields (merged into ``graphql_api.policy.POLICY``).

KYC scans hold Aadhaar, PAN and passport images: only the staff who do KYC (clerk, the
manager who checks it, admin) and the auditor may read them; members, partners, cashiers
and accountants may not.
"""

from __future__ import annotations

from graphql_api.context import Role

A = Role
KYC_DOCUMENT_VIEWERS = frozenset({A.ADMIN, A.MANAGER, A.CLERK, A.AUDITOR})
KYC_UPLOADERS = frozenset({A.ADMIN, A.MANAGER, A.CLERK})

MEMBERS_POLICY: dict[str, frozenset[Role]] = {
    "kycDocumentFile": KYC_DOCUMENT_VIEWERS,
    "kycDocumentMaxBytes": KYC_UPLOADERS,
    "uploadKycDocument": KYC_UPLOADERS,
    "rejectKyc": frozenset({A.ADMIN, A.MANAGER}),
    # the checkers who set the risk category when approving KYC (approveKyc) re-assess it
    "setMemberRiskCategory": frozenset({A.ADMIN, A.MANAGER}),
}
