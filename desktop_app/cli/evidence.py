"""`evidence N [FILE ...] [--remove ID]`: the evidence files of a case (copied into the data folder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_app.cli.arguments import record_id
from desktop_app.cli.common import add_db_option, add_json_option, looking_up, opened_ledger, print_json
from desktop_app.core.clock import CHINA, format_china


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evidence = subparsers.add_parser("evidence", help="售后单的证据文件（照片、称重记录、聊天截图、PDF）",
                                     description="列出售后单的证据；给出文件则先复制到数据文件夹并添加。"
                                                 "从售后单新建的快递理赔会带上这些证据。")
    evidence.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    evidence.add_argument("files", nargs="*", type=Path, metavar="FILE", help="要添加的文件")
    evidence.add_argument("--remove", type=record_id, metavar="ID", help="删除这条证据（连同复制的文件）")
    add_db_option(evidence)
    add_json_option(evidence)
    evidence.set_defaults(handler=_evidence)


def _evidence(args: argparse.Namespace) -> int:
    from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
    from desktop_app.services.evidence_files import local_file
    from desktop_app.store.case_evidence_queries import case_evidence_rows
    from desktop_app.store.case_queries import case_row

    with opened_ledger(args) as db:
        if args.remove is not None:
            remove_case_evidence(db, args.remove, case_id=args.id)
        if args.files:
            add_case_evidence(db, args.id, args.files)
        with db.reading() as session:
            with looking_up():  # a clear message for a case that does not exist; only looked at: exit 1
                case_row(session, args.id)
            rows = [(r, local_file(session, r.stored_path)) for r in case_evidence_rows(session, args.id)]
    # A file deleted by hand (or cleaned away) was listed as if it were there; a claim opened from the case then
    # silently went without it. Said as `claim show` says it.
    if args.json:
        print_json([{"id": r.id, "name": r.original_name, "path": str(path), "present": path.is_file(),
                     "added_at": r.added_at.astimezone(CHINA).isoformat(), "by": r.added_by} for r, path in rows])
        return 0
    for r, path in rows:
        gone = "" if path.is_file() else "\t✗ 文件已不在这台电脑上，请重新添加"
        print(f"#{r.id}\t{r.original_name}\t{format_china(r.added_at)}\t{path}{gone}")
    return 0
