"""The escalation ladder (逾期升级): an overdue hazard is reported up, once per level."""
