"""The 退货入库 tab: scanning returned parcels and recording their inspection."""
