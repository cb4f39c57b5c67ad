"""Members' transfers within the bank: the payee check before the confirmation."""
