"""The reports domain of the API (issue 14): one root query per report, ``Report`` type."""
