"""Documents members hand in (KYC scans today): what a file is, and where it is kept.

``content`` decides the type of a file from its bytes; ``store`` keeps files under the
SHA-256 of their content in a document store (a local folder by default).
"""
