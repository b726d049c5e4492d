"""Settings, the light/dark theme, backups (备份与恢复) and the ledger's daily care."""
