"""Entry point of the frozen app: the same dispatch as `python -m desktop_app`."""

import multiprocessing
import sys

from desktop_app.__main__ import main

if __name__ == "__main__":
    # The start-up recompute of many cases runs in a second process of this program
    # (services/recompute_aside.py): started with the interpreter's arguments, it must not open a window.
    multiprocessing.freeze_support()
    sys.exit(main())
