"""The cash counter's rules: what cash a teller may take in or pay out, and the drawer.

``rules`` holds the checks every cash movement passes in bankcore (not only in the UI):
no cash in or out of a loan account (until a loan repayment handler is registered), PAN
or Form 60 above the rule 114B threshold, and the s.269ST limit of cash from one person
in a day. ``drawer`` holds the teller's cash drawer (opening float, closing count).
"""
