"""The bank's settings over the API: read them all (back office), change one (admin)."""
