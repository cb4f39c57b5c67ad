"""Standing instructions: money moved between accounts of the bank on a schedule, by day-end.

``schedule`` holds the pure date rules (day of month clamped to the month's end);
``service`` creates and cancels instructions and executes those due
(``execute_due_instructions``); ``day_end`` registers the step. Loans (EMI collection)
and recurring deposits reuse it through ``service.create_standing_instruction`` with
their own ``purpose`` and ``reference``.
"""
