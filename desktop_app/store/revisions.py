"""The schema revisions this version knows, in a module of their own: restoring a backup checks a file's
revision against them without loading SQLAlchemy (the window's first page comes before it)."""

# Every schema revision this version knows, oldest first; the last is the head. Kept in step with
# migrations/versions by a test, so opening an up-to-date file never imports Alembic (~0.4 s).
KNOWN_REVISIONS = ("0001_initial", "0002_search_queue", "0003_search_watermark", "0004_case_intake",
                   "0005_batch", "0005_money", "0005_timers", "0006_team", "0006_looks", "0006_money",
                   "0006_freeze", "0007_files", "0007_search", "0007_timers", "0007_dash",
                   "0008_dash", "0009_engine", "0010_dash", "0011_team",
                   "0012_timers", "0013_ends", "0014_carriers", "0015_until", "0016_rules",
                   "0017_money", "0018_sortkeys", "0019_penalty", "0020_authors",
                   "0021_transit", "0022_kinds", "0023_unknown", "0024_names",
                   "0025_case_months", "0026_goods_months")
