"""Words and colours for loan statuses and schedule rows (shared with the staff Loans page)."""

from __future__ import annotations

from ui.i18n import N_

STATUS_TEXT = {"APPLIED": N_("Applied"), "RECOMMENDED": N_("Recommended"), "SANCTIONED": N_("Sanctioned"),
               "ACTIVE": N_("Active"), "CLOSED": N_("Closed"), "WRITTEN_OFF": N_("Written off"), "REJECTED": N_("Rejected")}
STATE_TEXT = {"PAID": N_("Paid"), "OVERDUE": N_("Overdue"), "DUE": N_("Due today"), "UPCOMING": N_("Upcoming"),
              "PREVIEW": N_("Preview")}
STATE_COLOUR = {"PAID": "positive", "OVERDUE": "negative", "DUE": "warning", "UPCOMING": "grey", "PREVIEW": "grey"}
