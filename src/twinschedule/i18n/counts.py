"""Counted phrases of the network outputs and the partner matches (``1 month``,
``2 months``), as gettext plural entries, in one place for the readable network plan,
the partner list and the network feeds.

The sentences around them are English for now (they are not in the catalogs yet); the
counts already take each language's plural forms from the catalogs, as every count of
the plan's text does (:meth:`Words.n_`)::

    count(words("en"), MONTHS, 1)                         # "1 month"
    count(words("en"), REACHED, 40, reached=12)           # "12 of 40 schools"
"""

from __future__ import annotations

from twinschedule.i18n.words import Nn_, Words

SCHOOLS = Nn_("{count} school", "{count} schools")
MONTHS = Nn_("{count} month", "{count} months")
CANDIDATES = Nn_("{count} candidate rule", "{count} candidate rules")
PAIRS = Nn_("{count} (school, month) pair", "{count} (school, month) pairs")
BOTH = Nn_("{count} pair", "{count} pairs")
MORE_SCHOOLS = Nn_("{count} more school", "{count} more schools")
OTHER_SCHOOLS = Nn_("{count} other school", "{count} other schools")
MINUTES = Nn_("{count} minute", "{count} minutes")
#: ``{x} of {count} ...``: the noun agrees with the total (``{count}``), and each
#: language words "of" as its grammar needs (Polish "z" takes the genitive).
ATTENDANCE = Nn_("{attendance} of {count} (school, month) pair",
                 "{attendance} of {count} (school, month) pairs")
REACHED = Nn_("{reached} of {count} school", "{reached} of {count} schools")
ATTENDED = Nn_("{attended} of {count} month", "{attended} of {count} months")


def count(w: Words, phrase: tuple[str, str], n: int, /, **values: object) -> str:
    """``phrase`` (one of the pairs above) in the plural form of ``w``'s language for
    ``n``, with ``n`` written as a plain integer (``1916``, not ``1,916``: the network
    outputs write every number so)."""
    return w.n_(phrase[0], phrase[1], n, count=n, **values)
