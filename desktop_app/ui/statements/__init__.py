"""The goods value statement dialog (货值说明) and the shop details it prints."""
