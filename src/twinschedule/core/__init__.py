"""The one core shared by a partnership plan, a network webinar and partner matching.

School calendars (``calendar``), candidate rules (``rules``), availability and its bit
counters (``availability``, ``bits``), the search and its ranking (``planner``,
``ranking``), the plan's types (``plan``), the near miss (``nearmiss``), suggestions
(``suggest``) and the explained plan that puts them together (``explained``).

Imports the base modules, ``_tz``, ``i18n`` and ``config``; never ``ical``, ``render``,
``network`` or ``serve``.
"""
