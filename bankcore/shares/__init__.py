"""Share capital (purchase, transfer, redemption, certificates, the register) and dividends.

Services live in ``register.py`` (shares) and ``dividend.py``; the two cross-domain facts
they need are behind one function each: ``loans_link.member_has_outstanding_loan`` and
``npa_gate.net_npa_bps``.
"""

from bankcore.shares import settings  # noqa: F401  (declares the settings)
