"""The 统计 tab: figures per period, platform and shop."""
