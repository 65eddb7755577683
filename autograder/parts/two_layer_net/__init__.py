"""The two-layer net part of CS231n assignment 1: cs231n/layers.py and classifiers/fc_net.py."""
