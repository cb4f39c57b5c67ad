"""The double-entry ledger: entry drafts, posting under locks, batch writing, events."""
