"""The payments domain of the API: gateway orders, payees, payouts, holds, UPI QR, settlement."""
