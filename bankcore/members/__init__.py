"""Members: their particulars (one validator per field) and, as it moves here from
``bankcore/services/members.py``, registration, KYC and contact details."""
