"""The 订单 tab: imported orders, searched and exported."""
