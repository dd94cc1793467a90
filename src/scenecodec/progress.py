"""The progress callback every long operation takes, from the memory up to the CLI.

>>> seen = []
>>> report: Progress = lambda stage, done, total: seen.append((stage, done, total))
>>> report("atoms", 1, 2); seen
[('atoms', 1, 2)]
"""

from collections.abc import Callable

__all__ = ["Progress"]

Progress = Callable[[str, int, int], None]
"""A progress callback: ``(stage, done, total)``; ``total`` 0 when not known."""
