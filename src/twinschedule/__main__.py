"""``python -m twinschedule``: the same program as the ``twinschedule`` command."""

from twinschedule.cli import main

raise SystemExit(main())
