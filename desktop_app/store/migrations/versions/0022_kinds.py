"""the kinds a case had before its kind was changed: `cases.former_kinds`

Revision ID: 0022_kinds
Revises: 0021_transit
Create Date: 2026-12-06

Why (issue 13 item 5, history is not rewritten): changing a case's kind (更改售后类型, or 缺货 turning a reship into a
refund) recomputed its deadlines for the new kind alone, so the old kind's timers vanished with what they had
already cost: a 抖店 reship shipped late owes the buyer 3 元 (seed 004 4.3) and a 淘宝 order shipped late 5 % (seed
001) whatever the request becomes afterwards. The engine keeps what the earlier kind's timers had missed by the
change; it needs that kind, which no column held (the step's note says it in words). Filled here from those notes
for the changes already recorded: "售后类型：退货退款 → 仅退款…" (services/case_kind.py) and "缺货，补发改为仅退款…"
(services/reships.py). A note that says neither leaves the case without former kinds (the engine then keeps none,
as before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022_kinds'
down_revision = '0021_transit'
branch_labels = None
depends_on = None

# The kinds' labels as the notes wrote them (core/vocabulary.py CaseKind.label when this was written): a migration
# keeps its own copy of what it was written for.
_LABELS = {'仅退款': 'refund_only', '退货退款': 'return_refund', '换货': 'exchange', '补发': 'reship',
           '部分退款/补偿': 'partial_refund', '返修': 'repair', '中差评': 'bad_review', '维权/投诉': 'dispute'}
_PREFIX = '售后类型：'
_SHORTAGE = '缺货，补发改为仅退款'


def former_kind(note: str | None) -> str | None:
    """The kind before the change, from the note of a `kind_changed` step (None: the note does not say)."""
    if not note:
        return None
    if note.startswith(_SHORTAGE):
        return 'reship'
    if note.startswith(_PREFIX):
        return _LABELS.get(note[len(_PREFIX):].split(' → ', 1)[0].strip())
    return None


def upgrade() -> None:
    op.add_column('cases', sa.Column('former_kinds', sa.String(length=200), nullable=True))
    bind = op.get_bind()
    steps = bind.execute(sa.text(
        "SELECT case_id, note FROM audit_events WHERE milestone = 'kind_changed' AND undone_by IS NULL "
        "AND case_id IS NOT NULL ORDER BY case_id, at, id")).all()
    kinds: dict[int, list[str | None]] = {}
    for case_id, note in steps:
        kinds.setdefault(case_id, []).append(former_kind(note))
    values = [{'id': case_id, 'kinds': ','.join(known)} for case_id, found in kinds.items()
              if len(known := [kind for kind in found if kind]) == len(found)]
    if values:
        bind.execute(sa.text('UPDATE cases SET former_kinds = :kinds WHERE id = :id'), values)


def downgrade() -> None:
    op.drop_column('cases', 'former_kinds')
