"""Words and dates per reader: gettext catalogs in ``locale/`` (``words``) and the
reasons a meeting moves or is skipped, in the reader's language (``reasons``).

Imports only the base modules (``model``).
"""
