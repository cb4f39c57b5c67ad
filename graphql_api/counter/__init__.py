"""The counter's API: the teller's cash drawer (open, close with a count, the branch's drawers)."""
