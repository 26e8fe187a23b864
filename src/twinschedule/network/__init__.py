"""Products for networks of schools over the core: a webinar for a whole network
(``webinar``, its results in ``outputs``), partner matching (``matching``) and many
plans on any ``concurrent.futures.Executor`` (``batch``).

Imports the base modules, ``_tz``, ``i18n``, ``config`` and ``core``; never ``ical`` or
``render``.
"""
