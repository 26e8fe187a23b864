"""iCalendar in and out, always through the ``icalendar`` library: the importer of
school calendars (``importer``), partnership feeds (``feeds``) and network feeds
(``network_feeds``).

Imports the base modules, ``_tz``, ``i18n``, ``core`` and the result types of
``network``; never ``render``.
"""
