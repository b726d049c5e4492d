"""The 时效日历 tab and the tray notice of deadlines coming due."""
