"""The k-nearest-neighbour part of CS231n assignment 1 (cs231n/classifiers/k_nearest_neighbor.py)."""
