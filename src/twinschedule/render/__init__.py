"""Renderers for people: text (``text``, ``network_text``, ``match_text``), the HTML
report (``html`` with Jinja2 templates in ``templates/``, laying out the worded views of
``page``, which words the report model of ``report``). Renderers format what a plan
holds; they never search.

Imports the base modules, ``_tz``, ``i18n``, ``core`` and ``network``; never ``ical``.
"""
