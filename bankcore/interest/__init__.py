"""Interest maths: rates, rounding, day counts and savings interest. Pure: no ORM, no I/O."""
