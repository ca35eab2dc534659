"""``python -m gtconvert``: the command line."""

from .cli import main

if __name__ == "__main__":  # imported (as tools that walk the package do), it runs nothing
    raise SystemExit(main())
