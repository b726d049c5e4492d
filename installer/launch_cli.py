"""Entry point of the console program `aftersales-cli` beside the windowed one.

A windowed exe on Windows has no stdout/stderr, so the command line ships as its own console exe;
without a command it prints the help instead of opening the window.
"""

import sys

from desktop_app.cli import run

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:] or ["--help"]))
