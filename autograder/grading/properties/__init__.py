"""The hidden properties, one module per family; `for_function` lists them in rubric order."""

from autograder.grading.properties.base import Property
from autograder.grading.properties.classifier import CLASSIFIER_PROPERTIES
from autograder.grading.properties.losses import LOSS_PROPERTIES
from autograder.grading.properties.vectorization import VECTORIZATION_PROPERTIES

ALL_PROPERTIES: tuple[Property, ...] = LOSS_PROPERTIES + VECTORIZATION_PROPERTIES + CLASSIFIER_PROPERTIES


def for_function(function: str) -> dict[str, Property]:
    """The properties that apply to `function`, keyed by property id."""
    return {p.id: p for p in ALL_PROPERTIES if p.applies_to(function)}
