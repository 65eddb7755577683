"""The public checks of the course's parts, as `autograder build` writes them into `assignment/tests/`.

Each part keeps its public checks in its folder, `autograder/parts/<part>/public_checks/`:
a plain file is released as it is; a `<name>.template` file (Python with `${name}`
placeholders, `string.Template` syntax) is written as `<name>` with the values its part's
`public_check_texts.CONTEXTS[<name>]` works out for the course (its course.toml settings), so that the
hand computation a student reads stays true for their course. The checks every course
has (`common_checks/`, such as the import check of the graded files) are written for the
course's parts. Every other file of `assignment/tests/` is the instructor's and never
touched.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from string import Template

from autograder import parts
from autograder.course import Course

TEMPLATE_SUFFIX = ".template"
COMMON = Path(__file__).resolve().with_name("common_checks")


def _listing(files: tuple[str, ...]) -> str:
    """`a/x.py`, `y.py` and `z.py`: a file in the folder of the one before it by its name only."""
    names, folder = [], None
    for relative in files:
        here = relative.rpartition("/")[0]
        names.append(f"`{relative.rpartition('/')[2] if here == folder else relative}`")
        folder = here
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def common_context(course: Course) -> dict[str, str]:
    """The placeholders of the common checks: the course's graded files."""
    files = parts.graded_files(tuple(parts.get(name) for name in course.parts))
    sentence = (f"The grader runs {_listing(files)} in a Python that has numpy and nothing else: "
                "a file that")
    return {"graded_sentence": textwrap.fill(sentence, width=79),
            "graded_files": "GRADED_FILES = (\n" + "".join(f'    "{r}",\n' for r in files) + ")"}


def render_all(course: Course) -> dict[str, bytes]:
    """Every public-check file of the course's parts: path relative to assignment/ -> content."""
    rendered: dict[str, bytes] = {}
    for path in sorted(COMMON.glob("*" + TEMPLATE_SUFFIX)):
        text = Template(path.read_text(encoding="utf-8")).substitute(common_context(course))
        rendered[f"tests/{path.name.removesuffix(TEMPLATE_SUFFIX)}"] = text.encode("utf-8")
    for name in course.parts:
        part = parts.get(name)
        folder = part.folder / "public_checks"
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            if path.name.endswith(TEMPLATE_SUFFIX):
                released = path.name.removesuffix(TEMPLATE_SUFFIX)
                context = part.module("public_check_texts").CONTEXTS[released](course)
                text = Template(path.read_text(encoding="utf-8")).substitute(context)
                rendered[f"tests/{released}"] = text.encode("utf-8")
            else:
                rendered[f"tests/{path.name}"] = path.read_bytes()
    return rendered
