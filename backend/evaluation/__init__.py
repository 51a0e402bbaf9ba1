"""Evaluation of centers (中心安全工作考评): a score per center for a period, from weights 质监办
configures per group, ranked, with the figures behind each factor."""
