"""Payment rails: money in and out of the bank through a payment gateway.

* ``gateway`` - the port (what the bank asks of a gateway) and its configuration;
* ``razorpay`` - the Razorpay adapter (Orders, payments, RazorpayX payouts) over httpx;
  ``coopbank gateway-sim`` speaks the same HTTP, so with ``COOPBANK_GATEWAY=sim`` the
  same adapter talks to the simulator;
* ``signatures`` - checkout and webhook signatures (pure);
* ``orders`` / ``inward`` - money in: payment orders, credited once from the webhook;
* ``webhooks`` - verified gateway events, deduplicated and applied;
* ``payees`` / ``payouts`` / ``polling`` - money out: held, paid out, posted or voided;
* ``upi`` - UPI payment QR codes;
* ``settlement`` / ``suspense`` - the daily settlement report reconciled with the ledger;
* ``day_end`` - the domain's close-of-business steps.
"""
