"""What the search box holds, read without SQL (the Cases table asks before SQLAlchemy is imported)."""

from __future__ import annotations

import re

# A search box that matches more orders than this is not finding anything yet; listing the first
# SEARCH_LIMIT keeps every keystroke fast on a million cases (the UI says the list is cut).
SEARCH_LIMIT = 2000

_PHONE_TAIL = re.compile(r"^[0-9]{4}$")


def is_phone_tail(query: str) -> bool:
    """True when the search box holds the last four digits of a phone (and nothing else)."""
    return bool(_PHONE_TAIL.match(query.strip()))
