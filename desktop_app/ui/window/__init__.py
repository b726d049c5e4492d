"""The main window: its toolbar, menus, tabs and status bar, opening the ledger, the import
commands and dialogs it opens, start-up, one window per ledger, remembered geometry."""
