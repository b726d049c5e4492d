"""时效规则: the rule packs as forms (or TOML), the shop's working-day schedule."""
