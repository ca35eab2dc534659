"""``python -m gtconvert``: the command line."""

from .cli import main

raise SystemExit(main())
