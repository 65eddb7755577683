"""The linear classifiers' hidden properties, one module per family (docs/properties.md)."""

from autograder.parts.linear_classifiers.properties.classifier import CLASSIFIER_PROPERTIES
from autograder.parts.linear_classifiers.properties.losses import LOSS_PROPERTIES
from autograder.parts.linear_classifiers.properties.vectorization import VECTORIZATION_PROPERTIES

PROPERTIES = LOSS_PROPERTIES + VECTORIZATION_PROPERTIES + CLASSIFIER_PROPERTIES
