"""Build the assignment's notebooks (`assignment/<name>.ipynb`) of the course's parts.

Each notebook's content lives in its part's folder, `autograder/parts/<part>/notebooks/
<name>.pct.py` (the part's `notebooks` in part.toml): jupytext "percent" notebooks that
read (and open in Jupyter) as notebooks, one `# %%` header per cell. This module only
renders them, for the course (course.toml), into the nbgrader *source* notebooks of the
release:

    python -m autograder.release_notebooks [OUT_DIR]

(OUT_DIR defaults to the release folder `assignment/`; `autograder build` does
the same). A test checks that the files on disk are exactly what
`render_notebooks()` produces. How to edit the sources: docs/notebooks.md.

A cell header carries the cell's nbgrader role, in nbgrader's own words:

- `grade_id="svm-setup"` alone: a locked cell (explanations, set-up code);
- `solution=true`: a cell students complete; in a code cell the instructor's
  answer sits between `### BEGIN SOLUTION` and `### END SOLUTION`, which
  `nbgrader generate_assignment` replaces by a stub;
- `solution=true grade=true points=2`: a manually graded answer to an inline
  question (its text is the model answer; nbgrader shows "YOUR ANSWER HERE").

Cell texts are Jinja templates rendered with the names the course's parts give them
(`notebook_context`: a part's module `notebook_context` and its course keys), so that a
notebook says what course.toml chose: a name for a term, `{% if ... %}` to pick a wording. An unknown
name is an error naming the file and the cell, never an empty string.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import jupytext
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import course as course_mod
from autograder.course import Course

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
SCHEMA_VERSION = 3
SOURCE_SUFFIX = ".pct.py"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

HEADER_KEYS = ("grade_id", "solution", "grade", "points")
JUPYTEXT_LAYOUT_KEYS = ("lines_to_next_cell", "lines_to_end_of_cell_marker")
"""Keys jupytext itself may write into a header when it saves the file: layout only, ignored."""


class NotebookSourceError(ValueError):
    """A notebook source is malformed: the message names the file and the cell."""


def notebook_sources(course: Course | None = None) -> dict[str, Path]:
    """The notebooks of the course's parts: file name (`svm.ipynb`) -> its editable source."""
    from autograder import parts

    chosen = (course or course_mod.current()).parts
    sources = {Path(source).name.removesuffix(SOURCE_SUFFIX) + ".ipynb": parts.get(name).folder / "notebooks" / source
               for name in chosen for source in parts.get(name).notebooks}
    for path in sources.values():
        if not path.is_file():
            raise NotebookSourceError(f"{path.parent.parent / 'part.toml'} names the notebook {path.name}, "
                                      f"but {path} does not exist")
    return sources


def notebook_names(course: Course | None = None) -> tuple[str, ...]:
    return tuple(notebook_sources(course))


def source_path(name: str) -> Path:
    """The editable source of the notebook `name` (svm.ipynb -> its part's notebooks/svm.pct.py)."""
    from autograder import parts

    stem = Path(name).stem + SOURCE_SUFFIX
    for part in parts.available():
        if stem in parts.get(part).notebooks:
            return parts.get(part).folder / "notebooks" / stem
    raise NotebookSourceError(f"no part has a notebook {name} (the `notebooks` of each part.toml)")


# --------------------------------------------------------------------------- the course's words


def notebook_context(course: Course) -> dict:
    """The names a notebook source may use: each selected part's own words and numbers (its
    module `notebook_context`, given the course) and its course keys, as `<part>_<option>`."""
    from autograder import parts

    context = {}
    for name in course.parts:
        part = parts.get(name)
        if (part.folder / "notebook_context.py").is_file():
            context.update(part.module("notebook_context").context(course))
        for option in part.options:
            context[f"{name}_{option.name}"] = course.option(name, option.name)
    return context


_JINJA = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,  # a line holding only {% if %} / {% endif %} leaves no blank line
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
)


def _render_text(text: str, context: dict, where: str) -> str:
    try:
        return _JINJA.from_string(text).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise NotebookSourceError(f"{where}, line {exc.lineno} of the cell: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        known = ", ".join(sorted(context))
        raise NotebookSourceError(f"{where}: {exc.message}; the names you can use: {known}") from None


# --------------------------------------------------------------------------- cells


def _nbgrader_metadata(header: dict, cell_type: str, where: str) -> dict:
    """nbgrader's cell metadata (schema 3) from a cell header; NotebookSourceError when it is wrong."""
    if "incorrectly_encoded_metadata" in header:  # jupytext's word for a header it cannot parse
        raise NotebookSourceError(
            f"{where}: cannot read the header {header['incorrectly_encoded_metadata']!r}; write "
            'key=value pairs with JSON values: grade_id="svm-setup" solution=true points=2')
    unknown = sorted(set(header) - set(HEADER_KEYS) - set(JUPYTEXT_LAYOUT_KEYS))
    if unknown:
        raise NotebookSourceError(
            f"{where}: unknown header key {unknown[0]!r}; a header holds {', '.join(HEADER_KEYS)}")
    grade_id = header.get("grade_id")
    if not isinstance(grade_id, str) or not grade_id:
        raise NotebookSourceError(f'{where}: the header needs a grade_id, e.g. # %% grade_id="svm-setup"')
    solution, grade = header.get("solution", False), header.get("grade", False)
    if not isinstance(solution, bool) or not isinstance(grade, bool):
        raise NotebookSourceError(f"{where}: solution and grade must be true or false")
    points = header.get("points")
    if grade != (points is not None):
        raise NotebookSourceError(f"{where}: a graded cell has grade=true and points=N, both or neither")
    if grade and not (solution and cell_type == "markdown"):
        raise NotebookSourceError(
            f"{where}: only an inline-question answer is graded here: a markdown cell with "
            "solution=true grade=true points=N (the code is graded by the autograder)")
    if points is not None and (isinstance(points, bool) or not isinstance(points, int) or points <= 0):
        raise NotebookSourceError(f"{where}: points must be a positive whole number, not {points!r}")
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell(source_cell, context: dict, path: Path, number: int):
    header = dict(source_cell.metadata)
    label = header.get("grade_id", f"number {number}")
    where = f"{path}: cell {label}"
    if source_cell.cell_type not in ("code", "markdown"):
        raise NotebookSourceError(f"{where}: a {source_cell.cell_type} cell; use code or markdown cells")
    metadata = _nbgrader_metadata(header, source_cell.cell_type, where)
    text = _render_text(source_cell.source, context, where).strip("\n")
    has_markers = BEGIN_SOLUTION in text or END_SOLUTION in text
    is_solution_code = source_cell.cell_type == "code" and metadata["nbgrader"]["solution"]
    if is_solution_code and not (BEGIN_SOLUTION in text and END_SOLUTION in text):
        raise NotebookSourceError(f"{where}: a solution cell needs {BEGIN_SOLUTION} and {END_SOLUTION}")
    if has_markers and not is_solution_code:
        raise NotebookSourceError(f"{where}: solution markers in a cell without solution=true")
    make = new_code_cell if source_cell.cell_type == "code" else new_markdown_cell
    return make(text, id=metadata["nbgrader"]["grade_id"], metadata=metadata)


def build_notebook(name: str, course: Course | None = None) -> nbformat.NotebookNode:
    """The notebook `name` (one of `notebook_names()`) for a course (default: the material's)."""
    return render_source(source_path(name), course if course is not None else course_mod.load())


def render_source(path: Path, course: Course) -> nbformat.NotebookNode:
    """The nbgrader source notebook that the jupytext source at `path` gives for `course`."""
    path = Path(path)
    try:
        source = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
    except OSError as exc:
        raise NotebookSourceError(f"{path}: cannot be read: {exc}") from None
    context = notebook_context(course)
    cells = [_cell(cell, context, path, number) for number, cell in enumerate(source.cells, start=1)]
    ids = [cell.id for cell in cells]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise NotebookSourceError(f"{path}: grade_id {duplicated[0]!r} is used by more than one cell")
    nb = new_notebook(
        cells=cells,
        metadata={"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}},
    )
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- files


def render_notebooks(course: Course | None = None) -> dict[str, str]:
    """File name -> exact file text of every notebook (deterministic)."""
    course = course if course is not None else course_mod.load()
    rendered = {}
    for name in notebook_names(course):
        text = nbformat.writes(build_notebook(name, course))
        if not text.endswith("\n"):
            text += "\n"
        rendered[name] = text
    return rendered


def build_notebooks(out_dir, course: Course | None = None) -> list[Path]:
    """Write the notebooks into out_dir (created if needed); returns their paths."""
    rendered = render_notebooks(course)  # every error before anything is written
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered.items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_notebooks(out_dir, course: Course | None = None) -> list[Path]:
    """The notebooks in out_dir that are missing or differ from what build_notebooks would write."""
    out = Path(out_dir)
    stale = []
    for name, text in render_notebooks(course).items():
        path = out / name
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            stale.append(path)
    return stale


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) > 1 or any(arg.startswith("-") for arg in args):
        print("usage: python -m autograder.release_notebooks [OUT_DIR]", file=sys.stderr)
        return 2
    if args:
        out_dir = Path(args[0])
    else:
        from autograder.paths import assignment_dir

        out_dir = assignment_dir()
    try:
        paths = build_notebooks(out_dir)
    except (NotebookSourceError, course_mod.CourseFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
