"""The 售后单 tab: the cases table, the detail pane, case dialogs, bulk actions, playbooks."""
