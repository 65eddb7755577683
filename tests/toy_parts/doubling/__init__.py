"""A toy part: `double(x)` returns 2 * x (tests/test_toy_part.py)."""
