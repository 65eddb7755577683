"""Corpora of submissions that prove the grader powerful and fair.

Each part's `catalogue.toml` (in its folder) lists realistic buggy submissions as small edits
of the reference; `mutants` loads, applies and materialises them. The format is
documented in `autograder.catalogue.mutants`.
"""

from autograder.catalogue.mutants import (
    CLASS_OF_FUNCTION,
    FILE_OF_FUNCTION,
    CatalogueError,
    Edit,
    Mutant,
    apply_mutant,
    catalogue_path,
    function_source,
    load_catalogue,
    load_mutants,
    locate_function,
    materialise,
    rubric_properties,
)

__all__ = [
    "CLASS_OF_FUNCTION",
    "FILE_OF_FUNCTION",
    "CatalogueError",
    "Edit",
    "Mutant",
    "apply_mutant",
    "catalogue_path",
    "function_source",
    "load_catalogue",
    "load_mutants",
    "locate_function",
    "materialise",
    "rubric_properties",
]
