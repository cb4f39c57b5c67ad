"""The bank's books as a whole: financial years and their close (issue 12)."""
