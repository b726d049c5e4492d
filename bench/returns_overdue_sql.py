"""The returns desk's overdue list as the checkout on PYTHONPATH reads it (issue 18, bench/README "Session 25"):
the statement of `returns_in_transit`, its limit a literal, for `psql … -c "EXPLAIN (ANALYZE, BUFFERS) $(…)"`.

    PYTHONPATH=CHECKOUT python bench/returns_overdue_sql.py [postgresql|sqlite] [--before 2026-11-27T22:00:00+00:00]
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from desktop_app.store.return_queries import returns_in_transit


class Captured:
    """A session that notes the statement it is given and returns no rows."""

    def __init__(self) -> None:
        self.statements: list[Any] = []

    def execute(self, statement: Any) -> Any:
        self.statements.append(statement)
        return self

    def all(self) -> list[Any]:
        return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dialect", choices=("postgresql", "sqlite"))
    parser.add_argument("--before", default="2026-11-27T22:00:00+00:00", help="shipped before (ISO, with a zone)")
    args = parser.parse_args()
    session = Captured()
    returns_in_transit(session, datetime.fromisoformat(args.before))  # type: ignore[arg-type]
    dialect = postgresql.dialect() if args.dialect == "postgresql" else sqlite.dialect()
    print(session.statements[0].compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
