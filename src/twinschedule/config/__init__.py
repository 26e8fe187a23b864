"""Dict to validated model, collecting every problem: partnership files
(``partnership``) and network files (``network``). No file I/O here (``twinschedule._io``
reads files).

Imports the base modules, ``_tz`` and ``i18n``.
"""
