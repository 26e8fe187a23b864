"""iCalendar in and out, always through the ``icalendar`` library: the importer of
school calendars (``importer``, reading through ``ics_content``, ``ics_zones``,
``ics_rrule``, ``ics_recurrence`` and ``ics_events``), partnership feeds (``feeds``)
and network feeds (``network_feeds``).

Imports the base modules, ``_tz``, ``i18n``, ``core`` and the result types of
``network``; never ``render``.
"""
