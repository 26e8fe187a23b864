"""Renderers for people: text (``text``, ``network_text``, ``match_text``), the HTML
report (``html`` with Jinja2 templates in ``templates/``, fed by the report model in
``report``). Renderers format what a plan holds; they never search.

Imports the base modules, ``_tz``, ``i18n``, ``core`` and ``network``; never ``ical``.
"""
