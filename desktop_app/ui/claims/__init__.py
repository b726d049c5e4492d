"""The 快递理赔 tab: the claims table, the detail pane, new claim and the dialogs on one claim."""
