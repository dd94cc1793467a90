"""The server's time budget as a plain number: the command line shows it as the default of
``serve --budget`` without importing the server's dependencies (an extra).

>>> BUDGET
60.0
"""

__all__ = ["BUDGET"]

BUDGET = 60.0
"""Seconds a long request may take, its wait for the work codec included: ``expand``
at depth 5 takes about 50 s on two shared cores."""
