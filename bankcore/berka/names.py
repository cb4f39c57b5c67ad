"""Names for the Berka data's anonymised clients, so the demo reads like an Indian co-op bank.

The data set names nobody (a client is an id, a birth number and a district). Each client gets a
first name matching their gender and a surname from Faker's ``en_IN`` locale, drawn from a
generator seeded with the client id: the same client always gets the same name, whatever order
or subset of clients is imported (a re-import, the bundled slice, the full set). Faker may change
its name lists between major versions; the importer never renames a member it already holds.
"""

from __future__ import annotations

from functools import cache
from random import Random
from typing import Any

from bankcore.models.member import Gender

LOCALE = "en_IN"
# Keeps these names apart from any other seeded use of the client id.
SEED_OFFSET = 0x5EED_0000


@cache
def _faker() -> Any:
    from faker import Faker  # imported on first use: it takes half a second

    return Faker(LOCALE)


@cache
def _name_lists() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
    """The locale's (female first, male first, last) names when Faker draws each by one ``Random.choice``."""
    provider = type(_faker().provider("faker.providers.person"))
    lists = (getattr(provider, "first_names_female", None), getattr(provider, "first_names_male", None),
             getattr(provider, "last_names", None))
    if not all(isinstance(names, tuple) for names in lists):
        return None  # weighted lists (an OrderedDict) are drawn otherwise: ask Faker itself
    return lists  # type: ignore[return-value]


def member_name(client_id: int, gender: Gender | str) -> str:
    """``"Dakshesh Mani"``: a realistic Indian full name for Berka client ``client_id``, the same every time."""
    lists = _name_lists()
    if lists is not None:
        # Faker's own draw for a tuple (``seed_instance``, then ``random.choice`` per name)
        # without its per-call dispatch: a tenth of the time, for the 100,000s of a large import.
        rng = Random(SEED_OFFSET + client_id)
        female, male, last = lists
        first = rng.choice(female if Gender(gender) is Gender.FEMALE else male)
        return f"{first} {rng.choice(last)}"
    fake = _faker()
    fake.seed_instance(SEED_OFFSET + client_id)
    first = fake.first_name_female() if Gender(gender) is Gender.FEMALE else fake.first_name_male()
    return f"{first} {fake.last_name()}"
