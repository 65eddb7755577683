"""Similarity report: ranks pairs of submissions (and archived files) whose graded
functions share rare, normalized code, to find disguised copies.

The pipeline, one module per step:

- `sources`: which texts are compared (the graded files of each submission, every `.py`
  file of each archive folder) and what could not be read;
- `normalize`: Python's tokenizer turns each text into a stream of normalized tokens
  (names, literals, comments, docstrings and layout normalized away), split into the
  graded functions (plus the code outside them);
- `fingerprints`: k-grams of tokens hashed and winnowed (Schleimer, Wilkerson and Aiken,
  2003), minus the fingerprints of the release's own stubs;
- `index`: an inverted index of the fingerprints over the class and the archive, each
  weighted by how rare it is, and the pair scores computed from it;
- `calibrate`: which pairs are `flagged`, from the class's own score distribution;
- `report`: `similarity.csv` and `similarity.html`;
- `command`: the `autograder similarity` command.

A flag is a reason to look, never a verdict: the report ranks and explains, and never
changes a grade. The method is described in `docs/similarity.md`.
"""
