"""A fleet of simulated phones syncing through a faulty network against a server that gets killed
(issue 14's chaos benchmark): used by ``bench/chaos.py`` and ``tests/integrations/test_chaos.py``."""

from .run import ChaosResult, run_chaos

__all__ = ["ChaosResult", "run_chaos"]
