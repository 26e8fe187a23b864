"""``python -m twinschedule``: the same program as the ``twinschedule`` command."""

from .cli import main

raise SystemExit(main())
