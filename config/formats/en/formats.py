"""English date formats for people: "23 Nov 2026" (day, short month, year), never ambiguous.

Django 5 always localizes, and a language's format module wins over the ``*_FORMAT`` settings,
so the English formats are set here (``FORMAT_MODULE_PATH``); anything not named here falls back
to Django's own English formats (form input formats included). Machine-facing values (inputs of
type date, CSV, FHIR) stay ISO and do not use these.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
