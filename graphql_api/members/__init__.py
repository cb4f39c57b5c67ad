"""The members domain in the API: KYC documents (upload, view) and the checker's rejection."""
