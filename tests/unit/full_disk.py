"""A full disk for the process under test: no file it writes may grow past a size (RLIMIT_FSIZE, POSIX).

The write fails (EFBIG) where a full disk's would (ENOSPC); the signal that would end the process is
ignored meanwhile, as the writers under test must report the failure themselves.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

if os.name == "posix":
    import resource

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="a file size limit (RLIMIT_FSIZE) stands in for a full disk")


def limit_files(size: int) -> None:
    """For a child process (`preexec_fn`): the limit for good, the signal ignored."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


@contextmanager
def files_up_to(size: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
