"""An after-sales export's order and request numbers Excel may have rounded (io/rounded_ids.py), judged
against the ledger inside the import's transaction: a number the platform gave the ledger (an order
export's order, a request already imported) is real; one beside numbers that differ only in the zeroed
digits is refused on its row (the case would be attached to no order, or be a second copy of its
request); any other stays, with a warning."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.core.vocabulary import order_key, platform_case_key
from desktop_app.io.case_rows import CaseFile
from desktop_app.io.import_errors import RowError
from desktop_app.io.rounded_ids import EXCEL_DIGITS, SuspectId
from desktop_app.store.family_evidence import keys_present, keys_sharing_prefix


def judge_rounded_ids(session: Session, parsed: CaseFile) -> None:
    """Row errors for the requests whose number is certainly rounded, warnings for the suspect ones."""
    if not parsed.suspect_ids:
        return
    platform = parsed.platform
    key_of = {"order_no": lambda text: order_key(platform, text),
              "case_no": lambda text: platform_case_key(platform, text) or ""}
    table = {"order_no": "orders", "case_no": "cases"}
    present = {field: keys_present(session, table[field], [key_of[field](s.text) for s in parsed.suspect_ids
                                                           if s.field == field])
               for field in key_of}
    refused: list[SuspectId] = []
    for suspect in parsed.suspect_ids:
        if suspect.field not in key_of:
            continue
        key = key_of[suspect.field](suspect.text)
        if key in present[suspect.field]:
            continue  # the ledger knows this number: a real one that ends in zeros
        prefix = key[:len(key) - len(suspect.text) + EXCEL_DIGITS]
        twins = keys_sharing_prefix(session, table[suspect.field], key, prefix)
        if twins:
            refused.append(suspect)
            shown = [twin.split(":", 1)[1] for twin in twins]
            parsed.errors.append(RowError(suspect.row, suspect.column, suspect.matches(shown)))
        else:
            what = "订单" if suspect.field == "order_no" else "售后单"
            parsed.warnings.append(suspect.suspect(what))
    if refused:
        rows = {s.row for s in refused}
        parsed.records = [r for r in parsed.records if r.row not in rows]
        parsed.errors.sort(key=lambda e: e.row or 0)
