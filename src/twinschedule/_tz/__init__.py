"""Time zones: IANA lookup and local-time resolution (``zones``), Windows and Exchange zone
names in imported files (``windows``), VTIMEZONE components for feeds (``vtimezone``).

Imports only the base modules (``_units``).
"""
