"""``coopbank gateway-sim``: a stand-in for Razorpay (and RazorpayX) that speaks real HTTP.

It answers the endpoints the bank's Razorpay adapter calls (orders, payments, payouts,
settlement recon), hosts a test checkout page, and sends webhooks signed with the same
webhook secret the bank checks, in the delivery pattern chosen on ``/sim/control``:
``normal``, ``duplicate`` (every event twice), ``out_of_order`` (captured before
authorized), ``none`` (lost: the bank must find out by itself). Payout outcomes:
``processed``, ``failed``, ``timeout`` (no webhook: settles after ``settle_after_s`` on
the simulator's clock, which ``/sim/control`` can move forward so tests never wait) and
``reversed``. It writes the day's settlement report in Razorpay's recon CSV shape.
"""
