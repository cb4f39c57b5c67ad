"""Reports computed from the ledger: trial balance, chart of accounts with balances."""
