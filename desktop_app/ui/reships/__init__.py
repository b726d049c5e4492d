"""The 补发队列 tab: the reship queue, its dialogs, paste-many, the picking list, bulk actions."""
