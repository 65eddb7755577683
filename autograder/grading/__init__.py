"""The grading engine: hidden hypothesis properties run against a student's code in a child.

- `rubric`: points per function and property (rubric.toml).
- `reference`: the reference solutions, loaded in the grader only.
- `cases`: hypothesis strategies and hand-picked inputs.
- `properties`: the hidden properties, one module per family.
- `session`: one submission's staged copy and child process.
- `engine`: grade one submission into a `GradeReport`.
"""

__all__ = ["GradeReport", "TestResult", "grade_submission"]


def __getattr__(name):
    # Lazy: the engine imports hypothesis, which light users of this package
    # (the rubric, the catalogue) do not need.
    if name in __all__:
        from autograder.grading import engine

        return getattr(engine, name)
    raise AttributeError(name)
