"""SQLAlchemy 2 models: the ledger's tables.

Conventions (DESIGN.md): money is integer fen; order, tracking and phone numbers are text; times
are stored as UTC and come back timezone-aware; every mutable row has a `version` column for
optimistic locking, so the same models serve a later PostgreSQL team mode.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop_app.core.rule_pack_model import PENALTY_UNKNOWN


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, stored as naive UTC, aware UTC out. Naive input is refused."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def storage_time(value: datetime | None) -> str | None:
    """An aware time as UtcDateTime stores it on SQLite: naive UTC 'YYYY-MM-DD HH:MM:SS.ffffff' (the
    text SQLAlchemy's DateTime writes; tests/unit/test_case_import.py reads such rows back)."""
    if value is None:
        return None
    tz = value.tzinfo
    if tz is not UTC:
        if tz is None:
            raise ValueError("naive datetime given to the store; use timezone-aware times")
        value = value.astimezone(UTC)
    # The same text as isoformat(sep=" ", timespec="microseconds") without its offset, in a third of
    # the time (a recompute that rewrites 100,000 cases' deadlines converts about 100,000 times).
    return _STORED_TIME % (value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond)


_STORED_TIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def utcnow() -> datetime:
    return datetime.now(UTC)


# A deadline's name as the engine writes it: the timer's (80 at most, `core.rule_pack_tables`) and what it adds —
# a holiday window's name and figure, （时长为估计）, the unknown penalty (migration 0024_names).
NAME_LENGTH = 400

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every model is mapped to a Table (SQLAlchemy types it as any FromClause): for insert()/delete().
    __table__: ClassVar[Table]


class Shop(Base):
    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("platform", "name", name="uq_shops_platform_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Order(Base):
    """An order as the platform exported it, or a placeholder known only by its number.

    `order_key` is the upsert key: platform family + order number (Taobao and Tmall share one
    numbering, so a Tmall case and a Taobao export meet on the same row).
    """

    __tablename__ = "orders"
    # Every index on a random key costs ~0.3-0.6 s per 100,000 imported orders (measured): only what
    # lookups by number (and the search box's two-character prefix of one) and the Orders tab's default
    # sort need. Tracking numbers are found by the search index from three characters on, receivers
    # by it and by `SearchReceiver` (both filled after the write, see store/search.py). The receiver
    # index is the Cases table's receiver sort (migration 0006_freeze: a million cases, no page sort).
    __table_args__ = (
        Index("ix_orders_order_no", "order_no"),
        # By payment time; the 统计 dashboard counts parcels per courier and pieces sold per product from it
        # alone (migrations 0006_money, 0008_dash).
        Index("ix_orders_paid_report", "paid_at", "carrier", "platform", "shop_id", "goods"),
        Index("ix_orders_receiver", "receiver"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_key: Mapped[str] = mapped_column(String(96), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    order_no: Mapped[str] = mapped_column(String(80))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id"))
    status: Mapped[str | None] = mapped_column(String(64))
    buyer_nick: Mapped[str | None] = mapped_column(String(100))
    receiver: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    goods_fen: Mapped[int | None] = mapped_column(Integer)
    postage_fen: Mapped[int | None] = mapped_column(Integer)
    paid_fen: Mapped[int | None] = mapped_column(Integer)
    item_count: Mapped[int | None] = mapped_column(Integer)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The rule packs' [[campaigns]] id the order was sold in ("juhuasuan" = 聚划算), set by the shop.
    campaign: Mapped[str | None] = mapped_column(String(32))
    carrier: Mapped[str | None] = mapped_column(String(60))
    tracking_no: Mapped[str | None] = mapped_column(String(80))
    # The order's lines in one string for the 统计 dashboard (product key, title, quantity of each; NULL
    # without lines): kept by the writers of order lines (store/case_facts.py, migration 0008_dash).
    goods: Mapped[str | None] = mapped_column(Text)
    buyer_note: Mapped[str | None] = mapped_column(Text)
    seller_note: Mapped[str | None] = mapped_column(Text)
    # None while the order is only a placeholder created by a case typed by hand.
    imported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    source_file: Mapped[str | None] = mapped_column(Text)
    # Everything a search box should find, lower-cased; indexed by the store's search module.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    shop: Mapped[Shop | None] = relationship()
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.position"
    )

    __mapper_args__ = {"version_id_col": version}


class SearchPending(Base):
    """Orders whose search index entry is missing or stale (queued by triggers on `orders`).

    The index catches up after each write transaction (`store.search.index_pending`); until then
    searches read these orders with LIKE, so results are never missing an order.
    """

    __tablename__ = "search_pending"

    order_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class SearchState(Base):
    """One row: orders with a higher id than `indexed_upto` are waiting for the search index (new
    orders need no queue entry; see store/search.py and migration 0003)."""

    __tablename__ = "search_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    indexed_upto: Mapped[int] = mapped_column(Integer)


class SearchReceiver(Base):
    """Receivers of the indexed orders, for the search box's one- and two-character prefix match (a
    surname; too short for the index's trigrams). Kept by the index catch-up, not by every write."""

    __tablename__ = "search_receivers"
    __table_args__ = (Index("ix_search_receivers_receiver", "receiver"),)

    order_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    receiver: Mapped[str] = mapped_column(String(100))


class OrderItem(Base):
    __tablename__ = "order_items"
    # By order; the 统计 dashboard's products read it alone (migration 0006_money).
    __table_args__ = (Index("ix_order_items_report", "order_id", "sku_code", "title", "quantity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    sub_order_no: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    spec: Mapped[str | None] = mapped_column(Text)
    sku_code: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_price_fen: Mapped[int | None] = mapped_column(Integer)
    paid_fen: Mapped[int | None] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="items")


class OrderSale(Base):
    """What the imported orders paid on a China day — or in a whole China month — sold, per platform and
    shop (migration 0010_dash): pieces per product (`kind` "p", `name` the product key as `orders.goods`
    has it) and parcels per courier (`kind` "c"). The 统计 dashboard's denominators read these few rows
    instead of every order paid in the period; `store.order_sales` keeps them (the order import, the
    writers of order lines) and computes them again."""

    __tablename__ = "order_sales"
    __table_args__ = (Index("ix_order_sales_report", "day", "platform", "shop_id", "kind", "name", "amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(10))  # 'YYYY-MM-DD', or 'YYYY-MM' for the whole month
    platform: Mapped[str] = mapped_column(String(16))
    shop_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(BigInteger)


# `ix_cases_report`: the dashboard's group keys, the period and shop filters, then the figures it sums.
REPORT_INDEX_COLUMNS = (
    "platform", "kind", "reason", "responsible", "is_open", "carrier", "requested_at", "created_at", "order_id",
    "refund_fen", "compensation_fen", "postage_out_fen", "postage_back_fen", "postage_back_payer",
    "written_off_fen", "penalty_fen", "met_timers", "missed_timers", "open_timers", "open_due_first",
    "open_due_last", "resolve_seconds", "paid_out",
)

# `ix_cases_goods` (migration 0008_dash): the goods, the period and shop filters, what a case costs.
GOODS_INDEX_COLUMNS = (
    "goods", "requested_at", "created_at", "platform", "order_id", "kind", "refund_fen", "compensation_fen",
    "postage_out_fen", "postage_back_fen", "postage_back_payer", "written_off_fen", "penalty_fen", "paid_out",
)


# `ix_cases_carrier` (migration 0014_carriers): the couriers figure's pass, in courier order (no sort of the
# period's cases): the period, the reason it counts by, the platform filter.
CARRIER_INDEX_COLUMNS = ("carrier", "requested_at", "created_at", "reason", "platform")

# What the 统计's per-month aggregate (`case_months`, migration 0025_case_months, store/case_months.py) cannot
# hold, read from these two partial indexes: the cases with open timers (judged against the moment; a few per
# cent of the cases) and the finished cases' times to resolve (the medians need every value). SQLite only: the
# aggregate is kept there alone, PostgreSQL reads the cases as before (the migration creates them on SQLite).
OPEN_TIMERS_INDEX_COLUMNS = ("platform", "kind", "reason", "responsible", "requested_at", "created_at", "order_id",
                             "open_timers", "open_due_first", "open_due_last")
OPEN_TIMERS_INDEX_WHERE = "open_due_first IS NOT NULL"
# `is_open` last although the condition fixes it: SQLite reads an index alone only when it holds every column the
# query names; without it SQLite read the year's times to resolve through `ix_cases_report` (19 ms, against 9).
RESOLVE_INDEX_COLUMNS = ("platform", "requested_at", "created_at", "order_id", "resolve_seconds", "is_open")
RESOLVE_INDEX_WHERE = "is_open IS NOT 1 AND resolve_seconds > 0"


# The Cases table's sort indexes (migration 0018_sortkeys; store/case_listing.py): one per sort key, the ties
# after it (the id named, so that PostgreSQL reads them in order from the index too) and `is_open` last, so
# that the open list, the closed list and the whole ledger are each read from the index alone, in order (the
# open and closed lists test `is_open` on the entry). Six of them replace the one-column indexes of the same
# name, which a page of the open list walked reading a case row per entry (0.3–0.9 s a first visit at a
# million cases); one index per key, not one per list as well: each costs every new case an entry.
SORT_INDEXES = (
    ("ix_cases_platform", ("platform", "id", "is_open")),
    ("ix_cases_kind", ("kind", "id", "is_open")),
    ("ix_cases_reason", ("reason", "id", "is_open")),
    ("ix_cases_status", ("status", "id", "is_open")),
    ("ix_cases_responsible", ("responsible", "id", "is_open")),
    ("ix_cases_amount_fen", ("amount_fen", "id", "is_open")),
    ("ix_cases_sort_receiver", ("sort_receiver", "order_id", "id", "is_open")),
    ("ix_cases_sort_order_no", ("sort_order_no", "order_id", "id", "is_open")),
    ("ix_cases_sort_shop", ("sort_shop", "order_id", "id", "is_open")),
)


class Case(Base):
    """An after-sales case (售后单). `amount_fen` is refund + compensation, kept for sorting."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_updated_at", "updated_at"),
        Index("ix_cases_is_open_updated_at", "is_open", "updated_at"),
        Index("ix_cases_next_due_at", "next_due_at"),
        # Sorts of the default "open" list (migration 0006_freeze): by next due, and by order-side
        # columns walking the orders' index and joining their open cases from this one alone.
        Index("ix_cases_is_open_next_due_at", "is_open", "next_due_at"),
        Index("ix_cases_next_due_until", "next_due_until"),
        # On PostgreSQL it carries the default sort key and the id too (0011_team): a search's cases are
        # listed from the index alone.
        Index("ix_cases_order_id_is_open", "order_id", "is_open", postgresql_include=["updated_at", "id"]),
        Index("uq_cases_platform_case_key", "platform_case_key", unique=True),
        Index("ix_cases_return_tracking_no", "return_tracking_no"),
        # The 统计 dashboard's one pass over the cases of a period reads this index alone, already in group
        # order (migrations 0005_money, 0007_dash, 0017_money; bench/bench_report.py): group keys, then what it sums.
        Index("ix_cases_report", *REPORT_INDEX_COLUMNS),
        # The products figure's pass: the cases of a period grouped by their order's goods, in index order.
        Index("ix_cases_goods", *GOODS_INDEX_COLUMNS),
        Index("ix_cases_carrier", *CARRIER_INDEX_COLUMNS),
        Index("ix_cases_open_timers", *OPEN_TIMERS_INDEX_COLUMNS, sqlite_where=text(OPEN_TIMERS_INDEX_WHERE)),
        Index("ix_cases_resolve_times", *RESOLVE_INDEX_COLUMNS, sqlite_where=text(RESOLVE_INDEX_WHERE)),
        # The 统计's part-months by their request time (store/case_months; SQLite only, as the two above): the
        # period's other reads state it as coalesce(requested_at, created_at), which this index cannot serve.
        Index("ix_cases_requested", "requested_at", "created_at"),
        # The Cases table's sorts by platform, kind, reason, status, responsible, amount and the order-side
        # keys (migration 0018_sortkeys, store/case_listing.py): each list read from one index alone in order.
        *(Index(name, *columns) for name, columns in SORT_INDEXES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    # The kinds the case had before each change of kind (更改售后类型, 缺货改仅退款), oldest first, comma-separated;
    # the n-th is the kind before the n-th `kind_changed` step. What the earlier kind's timers had missed or owed by
    # then stays on the case (migration 0022_kinds; `core.deadlines`). NULL: never changed.
    former_kinds: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    refund_fen: Mapped[int | None] = mapped_column(Integer)
    compensation_fen: Mapped[int | None] = mapped_column(Integer)
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    responsible: Mapped[str | None] = mapped_column(String(16))
    platform_case_no: Mapped[str | None] = mapped_column(String(80))
    # "family:number" (Taobao and Tmall share one numbering): how an after-sales import finds the case.
    platform_case_key: Mapped[str | None] = mapped_column(String(120))
    # The platform's own words and deadline as its after-sales export last showed them.
    platform_status: Mapped[str | None] = mapped_column(String(64))
    platform_reason: Mapped[str | None] = mapped_column(String(200))
    platform_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The buyer's return parcel (from the platform's export or typed in); the returns desk scans it.
    return_carrier: Mapped[str | None] = mapped_column(String(60))
    return_tracking_no: Mapped[str | None] = mapped_column(String(80))
    # What the case cost the shop beyond refund and compensation (migration 0005_money), in fen:
    # postage for the parcel sent out again (reship, exchange, repair), the return parcel's postage
    # and who paid it (a ResponsibleParty id; only "merchant" is the shop's cost), the cost price of
    # goods written off (reshipped or unsellable), and the platform's penalty.
    postage_out_fen: Mapped[int | None] = mapped_column(Integer)
    postage_back_fen: Mapped[int | None] = mapped_column(Integer)
    postage_back_payer: Mapped[str | None] = mapped_column(String(16))
    written_off_fen: Mapped[int | None] = mapped_column(Integer)
    penalty_fen: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_date_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Filled by the deadline engine: the earliest open deadline, for the 下一个时限 column's sort; once the
    # platform has settled that one by itself, the one the column shows then (`next_due_until` below).
    # When the stored one is an answer the platform gives itself when it runs out (migration 0012_timers),
    # `after_due_*` is the earliest open deadline it does not settle (the reship queue's overdue count).
    # What the column shows is read from the case's open deadlines with the clock
    # (`core.deadline_display.case_next_due`).
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_due_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    next_due_automatic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    after_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    after_due_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    # When the platform settles the stored next deadline by itself (its automatic answer, a later action
    # that ends it; migration 0015_until): from then on `next_due_*` are read again with the clock, so the
    # 下一个时限 sort agrees with the cell (`services.deadlines.refresh_next_dues`). NULL: never by itself.
    next_due_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Copies for the 统计 dashboard, so it reads the case rows alone (migration 0007_dash; which writer
    # keeps which: store/case_facts.py): the case's platform timers by status and the due times of its
    # open ones (the deadline engine), seconds from the request to its latest action (every action),
    # and the courier of its order (case creation, imports of orders and cases).
    met_timers: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    missed_timers: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    open_timers: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    open_due_first: Mapped[datetime | None] = mapped_column(UtcDateTime)
    open_due_last: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The deadline engine's digest of the case's platform deadlines as last written with the columns
    # above (migration 0009_engine): a recompute whose result has the same digest skips the case.
    # NULL = unknown. Whoever writes those rows or columns otherwise must set it to NULL.
    deadline_digest: Mapped[int | None] = mapped_column(BigInteger)
    resolve_seconds: Mapped[int | None] = mapped_column(Integer)
    # The buyer was paid the case's refund or compensation: a step with a milestone of
    # `core.case_costs.PAID_MILESTONES` in force (migration 0017_money; every case action keeps it). The
    # dashboard's 退款 and net loss count only these.
    paid_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    carrier: Mapped[str | None] = mapped_column(String(60))
    goods: Mapped[str | None] = mapped_column(Text)  # its order's `goods` (migration 0008_dash)
    # Its order's receiver and number and its shop's name, for the Cases table's sorts (migration
    # 0018_sortkeys): kept by the database's triggers for every writer (a new case, a case moved, an
    # order's receiver, number or shop changed, a shop renamed).
    sort_receiver: Mapped[str | None] = mapped_column(String(100))
    sort_order_no: Mapped[str | None] = mapped_column(String(80))
    sort_shop: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    order: Mapped[Order] = relationship()

    __mapper_args__ = {"version_id_col": version}


MILESTONE_INDEX_WHERE = text("milestone IS NOT NULL AND undone_by IS NULL")


class AuditEvent(Base):
    """Who did what when: every state change of a case, reship or claim, and every note.

    `at` is when it happened in the world (a script may back-date it); `recorded_at` is when it
    was written. `milestone` names the event for the deadline engine (return_agreed ...).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_case_id_at", "case_id", "at"),
        Index("ix_audit_events_subject", "subject", "subject_id"),
        # The steps in force that name a milestone (migration 0021_transit): the returns desk's overdue list reads
        # the latest 买家寄回 per case from it alone (`store/return_queries.py`).
        Index("ix_audit_events_milestone_case_id", "milestone", "case_id", "at", "undone_by",
              sqlite_where=MILESTONE_INDEX_WHERE, postgresql_where=MILESTONE_INDEX_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(16))  # case | reship | claim | order
    subject_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # created | action | note | edit | undo ...
    action: Mapped[str | None] = mapped_column(String(32))
    milestone: Mapped[str | None] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(60), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    date_only: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The "undo" event that took this one back (编辑 → 撤销); NULL while it is in force. Milestones
    # of an undone event are not read by the deadline engine; the timeline shows both.
    undone_by: Mapped[int | None] = mapped_column(Integer)


class Reship(Base):
    """A promised reship (补发): what to send, by when, and the tracking number once sent."""

    __tablename__ = "reships"
    __table_args__ = (Index("ix_reships_status_ship_by", "status", "ship_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # requested | agreed | shipped | refused | out_of_stock
    promised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ship_by: Mapped[datetime | None] = mapped_column(UtcDateTime)
    carrier: Mapped[str | None] = mapped_column(String(60))
    tracking_no: Mapped[str | None] = mapped_column(String(80))
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ReshipItem]] = relationship(cascade="all, delete-orphan", order_by="ReshipItem.id")

    __mapper_args__ = {"version_id_col": version}


class ReshipItem(Base):
    __tablename__ = "reship_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    reship_id: Mapped[int] = mapped_column(ForeignKey("reships.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    spec: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, default=1)


class CarrierClaim(Base):
    """A courier compensation claim (快递理赔) against a goods value statement."""

    __tablename__ = "carrier_claims"
    __table_args__ = (
        Index("ix_carrier_claims_status", "status"),
        Index("ix_carrier_claims_follow_up_at", "follow_up_at"),
        Index("ix_carrier_claims_order_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    reship_id: Mapped[int | None] = mapped_column(ForeignKey("reships.id", ondelete="SET NULL"))
    carrier: Mapped[str | None] = mapped_column(String(60))
    tracking_no: Mapped[str | None] = mapped_column(String(80))
    incident: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    declared_fen: Mapped[int | None] = mapped_column(Integer)
    claimed_fen: Mapped[int | None] = mapped_column(Integer)
    # The sum of the claim's payouts (kept in step by the claim services).
    received_fen: Mapped[int | None] = mapped_column(Integer)
    # What the courier asks for (migration 0005_money): its ticket number, who at the courier the
    # shop deals with (a core.claims.ClaimContactLevel id: outlet / service / hq) and how to reach
    # them, and when the loss or damage was reported to the courier.
    ticket_no: Mapped[str | None] = mapped_column(String(80))
    contact_level: Mapped[str | None] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(120))
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ClaimItem]] = relationship(cascade="all, delete-orphan", order_by="ClaimItem.id")
    evidence: Mapped[list[ClaimEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimEvidence.id"
    )
    payouts: Mapped[list[ClaimPayout]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimPayout.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ClaimItem(Base):
    __tablename__ = "claim_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("carrier_claims.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    spec: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_price_fen: Mapped[int | None] = mapped_column(Integer)
    claimed_fen: Mapped[int | None] = mapped_column(Integer)


class ClaimPayout(Base):
    """Money the courier paid on a claim: each partial payment with its date and channel
    (a core.claims.PayoutChannel id: bank / freight_deduction / cash; None when not said)."""

    __tablename__ = "claim_payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("carrier_claims.id", ondelete="CASCADE"), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ClaimEvidence(Base):
    """A file (photo, weighing record, chat screenshot) copied into the app's data folder."""

    __tablename__ = "claim_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("carrier_claims.id", ondelete="CASCADE"), index=True)
    stored_path: Mapped[str] = mapped_column(Text)  # relative to the data folder
    original_name: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# `ix_deadlines_penalties`' condition, as the penalties' read states it (`penalty_queries.fell_due`).
PENALTY_INDEX_WHERE = text("penalty_fen IS NOT NULL AND claim_id IS NULL")
# `ix_deadlines_unknown_penalties`' condition (migration 0023_unknown), stated by `penalty_queries.unknown_fell_due`
# as it is here: a literal, which both databases match to the index (a bound LIKE pattern is not).
UNKNOWN_PENALTY_LIKE = "%" + PENALTY_UNKNOWN + "%"
UNKNOWN_PENALTY_INDEX_WHERE = text(f"penalty_fen IS NULL AND claim_id IS NULL AND name LIKE '{UNKNOWN_PENALTY_LIKE}'")


class Deadline(Base):
    """A platform timer running on a case (or a claim follow-up), as computed by the engine."""

    __tablename__ = "deadlines"
    __table_args__ = (
        # `automatic` and `met_at` too (migrations 0012_timers, 0013_ends): the overdue count leaves out
        # the timers the platform settled from the index alone.
        Index("ix_deadlines_status_due_at", "status", "due_at", "automatic", "met_at"),
        Index("ix_deadlines_case_id", "case_id"),
        # Only the case deadlines that carry a penalty amount (migration 0019_penalty): the 统计 reads a
        # period's penalties that fell due from it alone (`store/penalty_queries.py`).
        Index("ix_deadlines_penalties", "due_at", "status", "case_id", "penalty_fen", "claim_id",
              sqlite_where=PENALTY_INDEX_WHERE, postgresql_where=PENALTY_INDEX_WHERE),
        # Only those whose penalty amount is unknown (migration 0023_unknown): the 统计's count of them.
        Index("ix_deadlines_unknown_penalties", "due_at", "status", "case_id",
              sqlite_where=UNKNOWN_PENALTY_INDEX_WHERE, postgresql_where=UNKNOWN_PENALTY_INDEX_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("carrier_claims.id", ondelete="CASCADE"))
    timer_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    action: Mapped[str] = mapped_column(String(64))  # what happens when it runs out
    status: Mapped[str] = mapped_column(String(8))  # open | met | missed
    # When it was met; on an open one, the platform's later action that ends it (`settled_by_platform`).
    met_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Money at stake (open) or lost (missed) by the platform's penalty, in fen; NULL if none/unknown.
    penalty_fen: Mapped[int | None] = mapped_column(Integer)
    # The platform acts by itself when it runs out (migration 0012_timers): an open one past its due
    # is settled, not overdue (`core.deadline_display.settled_by_platform`).
    automatic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ProductCost(Base):
    """The shop's cost price of a product by its 商家编码 (imported from a sheet): what goods written off
    cost (migration 0005_money)."""

    __tablename__ = "product_costs"

    sku_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    cost_fen: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Setting(Base):
    """Key/value settings that belong to the shop's data (shop details for statements ...). `version`
    (migration 0020_authors): a shop profile is saved against the version its dialog showed."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}


class ReturnInspection(Base):
    """What the returns desk found in a returned parcel (良品/次品/错货/少件/空包), one row per scan."""

    __tablename__ = "return_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    tracking_no: Mapped[str | None] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(16))  # good | defective | wrong_item | missing | empty
    note: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    inspected_by: Mapped[str] = mapped_column(String(60), default="")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UnmatchedParcel(Base):
    """A returned parcel whose tracking number matched no case (无主件), kept until it is matched."""

    __tablename__ = "unmatched_parcels"
    __table_args__ = (Index("ix_unmatched_parcels_tracking_no", "tracking_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(80))
    carrier_guess: Mapped[str | None] = mapped_column(String(60))
    result: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(60), default="")
    matched_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    matched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PlaybookCheck(Base):
    """A playbook step the shop ticked off on a case (the timeline also gets a note)."""

    __tablename__ = "playbook_checks"
    __table_args__ = (
        UniqueConstraint("case_id", "playbook_id", "step_id", name="uq_playbook_checks_case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    playbook_id: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    checked_by: Mapped[str] = mapped_column(String(60), default="")


class CaseEvidence(Base):
    """A file on a case (photo of the box and label, weighing record, chat screenshot, PDF), copied into
    the app's data folder; a claim opened from the case takes copies along."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stored_path: Mapped[str] = mapped_column(Text)  # relative to the data folder
    original_name: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(60), default="")


class SharedFile(Base):
    """The bytes of an evidence file or seal image on a team ledger, under the data-folder-relative
    path its row stores, so every seat can show and print it (a ledger file leaves this empty)."""

    __tablename__ = "shared_files"

    stored_path: Mapped[str] = mapped_column(String(400), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RuleFile(Base):
    """The shop's edit of a rule file on a team ledger (a platform's pack, `workdays.toml`, the holiday
    schedule `china_holidays.toml`), so every seat computes deadlines with the same rules. A ledger file
    leaves this empty: its shop's edits are the files in the data folder."""

    __tablename__ = "rule_files"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # the file's name, "douyin.toml"
    text: Mapped[str] = mapped_column(Text)  # as typed: comments kept
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(60), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
