"""Entry point of the frozen app: the same dispatch as `python -m desktop_app`."""

import sys

from desktop_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
