"""The parts of hypothesis that `cases` uses, imported only when a strategy is built.

Importing hypothesis takes about as long as importing numpy, and a grader whose
examples come from the example cache (`example_cache`) never draws any: it needs
hypothesis only to draw them the first time, or to shrink a failure. `cases` writes
its strategies as usual (``@st.composite``, ``st.integers``, ``arrays``, ``assume``)
against these stand-ins; `st.composite` records the function and makes the real
composite strategy on first call, everything else is looked up in hypothesis then.
"""

import functools
import importlib


class _Strategies:
    """`hypothesis.strategies`, imported on first use; `composite` waits until it is called."""

    @staticmethod
    def composite(function):
        @functools.wraps(function)
        def strategy(*args, **kwargs):
            return _composite(function)(*args, **kwargs)

        return strategy

    def __getattr__(self, name: str):
        return getattr(importlib.import_module("hypothesis.strategies"), name)


@functools.cache
def _composite(function):
    return importlib.import_module("hypothesis.strategies").composite(function)


st = _Strategies()


def arrays(*args, **kwargs):
    """`hypothesis.extra.numpy.arrays`."""
    return importlib.import_module("hypothesis.extra.numpy").arrays(*args, **kwargs)


def assume(condition) -> bool:
    """`hypothesis.assume` (only ever called while hypothesis draws, so it is imported by then)."""
    return importlib.import_module("hypothesis").assume(condition)
