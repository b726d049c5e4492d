"""Team mode: connecting to the shared PostgreSQL ledger, the seat name, other seats' changes."""
