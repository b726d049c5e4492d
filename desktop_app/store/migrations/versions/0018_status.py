"""the buyer's shipped return is a state of its own: `cases.status` 'return_shipped' (买家已退货)

Revision ID: 0018_status
Revises: 0017_money
Create Date: 2026-12-03

Why (issues 13 item 8, 15): 买家已寄回 recorded a milestone and left the case 等待买家退货, so the Cases
tab, its status filter, `case list/show --json` and the case export said the shop was still waiting for
the buyer while 下一个时限 and 处理建议 already counted the parcel on its way. The action now moves the
case to 买家已退货; this migration moves the cases already waiting with such a step in force (not undone)
there too (a return agreed again after it keeps waiting for its new parcel). Their version goes up, as
for any change of a case. Downgrade moves them back.
"""

from __future__ import annotations

from alembic import op

revision = '0018_status'
down_revision = '0017_money'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The shipping must be this return's: a return agreed again (reopened after the first parcel came back)
    # waits for a new parcel, the old 买家寄回 still in force before it.
    op.execute(
        "UPDATE cases SET status = 'return_shipped', version = version + 1 "
        "WHERE status = 'awaiting_return' AND EXISTS (SELECT 1 FROM audit_events e "
        "WHERE e.case_id = cases.id AND e.subject = 'case' AND e.milestone = 'return_shipped' "
        "AND e.undone_by IS NULL AND NOT EXISTS (SELECT 1 FROM audit_events a "
        "WHERE a.case_id = cases.id AND a.subject = 'case' AND a.milestone = 'return_agreed' "
        "AND a.undone_by IS NULL AND a.id > e.id))"
    )


def downgrade() -> None:
    op.execute("UPDATE cases SET status = 'awaiting_return', version = version + 1 WHERE status = 'return_shipped'")
