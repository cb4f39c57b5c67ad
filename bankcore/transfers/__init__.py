"""Members' transfers to accounts of this bank: the payee check (check digit, existence,
masked name) before the confirmation, saved payees, and the member's limits."""
