"""One seat in a process of its own (tests/unit/test_seat_conflicts.py): reads the shop profile's version, says
"ready", waits for the go file, then saves a profile named after itself against that version. Exit 0: saved;
2: refused, the message on stdout (as a window shows it)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from desktop_app.core.errors import UserError
from desktop_app.core.statement import ShopProfile
from desktop_app.services.shop_profile import profile_state, save_shop_profile
from desktop_app.store.database import open_database


def main(url: str, seat: str, go: Path) -> int:
    db = open_database(url, seat=seat)
    try:
        with db.reading() as session:
            shown = profile_state(session).version
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.01)
        try:
            save_shop_profile(db, ShopProfile(name=f"{seat}的店"), expected_version=shown, author=seat)
        except UserError as error:
            print(error.message, flush=True)
            return 2
        return 0
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
