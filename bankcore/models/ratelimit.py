"""Rate-limit hits shared by every instance (sign-in attempts per login, challenge and client address)."""

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class RateLimitHit(Model):
    """One counted attempt under ``key`` at ``hit_at`` (seconds since the epoch).

    A moving window counts the rows of a key younger than the window; older rows are
    deleted as the key is next hit, so the table holds at most a window's worth per key.
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=250)
    hit_at = fields.FloatField()

    class Meta:
        table = "rate_limit_hit"
        indexes = (Index(fields=("key", "hit_at"), name="rate_limit_hit_key_idx"),)
