"""A hostile notebook in the real formgrader, in headless Chromium: no script runs, grades move by hand only.

mallory submits notebooks full of script-carrying markup, in every place a notebook
can hold it: her inline answers (event handlers, `<script>`, `<svg>`, `<iframe
srcdoc>`, `<object>`, `<embed>`, `<meta http-equiv=refresh>`, `<base>`, `javascript:`
links, markdown links and images with such URLs, mutation-XSS markup, `<style>` and a
fixed overlay that would hide the grading form), another markdown cell, a raw cell,
cell attachments (an SVG with scripts, an HTML page, a PNG whose data breaks out of
its attribute), code outputs (HTML, JavaScript, SVG, markdown, a stream whose name
breaks out, an error) and the notebook's widget state. Every script is the real
attack: it tells the Jupyter server it ran (a request to `/pwned/<vector>`, which the
server logs), renames the page, and through the formgrader's own API gives every
grade of the submission full manual points and 100 extra credit.

carol's inline answer legitimately holds math, a table and a PNG attachment.

Both are autograded with the course's configuration; the instructor opens every page
of mallory's submission (the assignment, the submissions, the notebook's gradebook,
her student pages, both notebooks' submission pages, both feedback pages), clicks
the links in her answers and grades one answer by hand. Then: the server never saw
`/pwned/`, no page was renamed, the grading form was visible and on top, the
gradebook holds only the score the instructor entered, and carol's math, table and
image are on her page.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from formgrader_helpers import (
    Steps,
    chromium_driver,
    isolated_env,
    nbgrader,
    open_page,
    require_chromium,
    start_server,
    wait,
)
from hostile_notebooks import hostile_notebook, legit_notebook
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from autograder.nbgrader_course.course import ASSIGNMENT, init_course
from autograder.nbgrader_course.workflow import autograde, db_url_of

require_chromium()

MALLORY, CAROL = "mallory", "carol"
ANSWERS = {"svm": "svm-q1-answer", "softmax": "softmax-q1-answer"}
INSTRUCTOR_POINTS = 0.5


# --------------------------------------------------------------------------- the submissions


def submit(course: Path, student: str, notebooks: dict) -> None:
    """What nbgrader collect leaves: the release folder with the student's notebooks, as JSON written here
    (so that fields nbformat's writer would refuse reach the autograder as a student can send them)."""
    folder = course / "submitted" / student / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    for name, nb in notebooks.items():
        (folder / f"{name}.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-03-01 12:00:00.000000 UTC", encoding="utf-8")


def released(course: Path, name: str) -> dict:
    return json.loads((course / "release" / ASSIGNMENT / f"{name}.ipynb").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the browser's view


def ran_scripts(server_log: Path) -> list[str]:
    """The payloads that reported to the server, by vector."""
    text = server_log.read_text(errors="replace")
    return sorted({line.split("/pwned/", 1)[1].split()[0] for line in text.splitlines() if "/pwned/" in line})


def assert_form_usable(driver, grade_id: str) -> None:
    """The score box of `grade_id` is shown and nothing lies over it."""
    box = driver.find_element(By.ID, grade_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    assert box.is_displayed(), f"the score box of {grade_id} is hidden"
    on_top = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === arguments[0];", box)
    assert on_top, f"something covers the score box of {grade_id}"


def open_and_linger(driver, url: str, ready_css: str) -> None:
    """Open a page, let whatever it holds run, then click the links of its cells that stay on the page."""
    open_page(driver, url, ready_css)
    time.sleep(1.0)
    # The links that do not leave the page (the released notebook's own lead to the web).
    driver.execute_script("document.querySelectorAll('.text_cell_render a:not([href^=\"http\"])')"
                          ".forEach(function (link) { link.click(); });")
    if driver.current_url.split("#")[0] != url.split("#")[0]:
        raise AssertionError(f"{url} went to {driver.current_url}")
    assert not driver.title.startswith("PWNED"), driver.title


def submission_ids(course: Path, student: str) -> dict[str, str]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url_of(course), "cs231n") as gb:
        return {nb.name: nb.id for nb in gb.find_submission(ASSIGNMENT, student).notebooks}


def scores_in_gradebook(course: Path) -> dict[tuple[str, str, str], tuple]:
    """(student, notebook, grade id) -> (manual score, extra credit) for every grade of the assignment."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(db_url_of(course), "cs231n") as gb:
        for student in (MALLORY, CAROL):
            for nb in gb.find_submission(ASSIGNMENT, student).notebooks:
                for grade in nb.grades:
                    found[(student, nb.name, grade.name)] = (grade.manual_score, grade.extra_credit)
    return found


# --------------------------------------------------------------------------- the test


@pytest.fixture
def course_and_server(tmp_path, request):
    env = isolated_env(tmp_path)
    course = tmp_path / "course"
    init_course(course, exchange=tmp_path / "exchange")
    server = start_server(course, env, tmp_path / "jupyter-server.log", request)
    return course, env, server


def test_hostile_notebooks_run_nothing_in_the_formgrader(course_and_server, tmp_path, request):
    course, env, server = course_and_server
    base = server.url
    nbgrader(course, env, "generate_assignment", ASSIGNMENT, "--force")
    submit(course, MALLORY, {name: hostile_notebook(released(course, name), ANSWERS[name], base, name)
                             for name in ANSWERS})
    submit(course, CAROL, {"svm": legit_notebook(released(course, "svm"), ANSWERS["svm"])})
    sent = {p.name: p.read_bytes() for p in (course / "submitted" / MALLORY / ASSIGNMENT).glob("*.ipynb")}
    outcome = autograde(course, ASSIGNMENT, echo=lambda line: None)
    assert outcome.nbgrader_failed is None, outcome.nbgrader_failed

    driver = chromium_driver(tmp_path, request)
    step = Steps(driver, tmp_path / "screenshots", server)
    pages = f"{base}/formgrader"
    ids = submission_ids(course, MALLORY)

    with step("instructor-pages"):
        driver.get(f"{pages}?token={server.token}")
        for url in (f"{pages}/manage_assignments", f"{pages}/manage_submissions/{ASSIGNMENT}",
                    f"{pages}/gradebook/{ASSIGNMENT}", f"{pages}/gradebook/{ASSIGNMENT}/svm",
                    f"{pages}/manage_students/{MALLORY}", f"{pages}/manage_students/{MALLORY}/{ASSIGNMENT}"):
            open_and_linger(driver, url, "table")

    for name in ANSWERS:
        with step(f"mallory-{name}-submission"):
            open_and_linger(driver, f"{pages}/submissions/{ids[name]}/", f"input.score#{ANSWERS[name]}")
            assert "My answer: the margin makes the loss a hinge." in driver.find_element(By.ID, "notebook").text
            assert_form_usable(driver, ANSWERS[name])

    with step("grade-by-hand"):
        open_and_linger(driver, f"{pages}/submissions/{ids['svm']}/", f"input.score#{ANSWERS['svm']}")
        box = driver.find_element(By.ID, ANSWERS["svm"])
        box.clear()
        box.send_keys(str(INSTRUCTOR_POINTS), Keys.TAB)
        wait(driver).until(lambda d: scores_in_gradebook(course)[(MALLORY, "svm", ANSWERS["svm"])][0]
                           == INSTRUCTOR_POINTS)

    with step("carol-math-table-image"):
        carol = submission_ids(course, CAROL)["svm"]
        open_and_linger(driver, f"{pages}/submissions/{carol}/", f"input.score#{ANSWERS['svm']}")
        cell = driver.find_element(By.ID, ANSWERS["svm"]).find_element(
            By.XPATH, "./ancestor::div[contains(@class, 'nbgrader_cell')]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
        text = cell.get_attribute("textContent")
        typeset = cell.find_elements(By.CSS_SELECTOR, ".MathJax, mjx-container, .MathJax_CHTML")
        assert typeset or (r"$\frac{\partial L}{\partial W}" in text and r"\sum_i \log p_{i y_i}$$" in text), text
        rows = [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")]
                for row in cell.find_elements(By.CSS_SELECTOR, "table tr")]
        assert rows == [["reg", "validation accuracy"], ["1e-3", "0.39"], ["1e-2", "0.41"]], rows
        image = cell.find_element(By.CSS_SELECTOR, "img[alt='the loss curve']")
        wait(driver).until(lambda d: d.execute_script("return arguments[0].naturalWidth;", image) == 40)
        assert image.is_displayed()

    nbgrader(course, env, "generate_feedback", ASSIGNMENT, "--force")
    for name in ANSWERS:
        with step(f"mallory-{name}-feedback"):
            page = course / "feedback" / MALLORY / ASSIGNMENT / f"{name}.html"
            open_and_linger(driver, page.as_uri(), "#notebook")
            assert "My answer: the margin makes the loss a hinge." in driver.find_element(By.ID, "notebook").text

    time.sleep(1.5)  # a payload's request still on its way
    assert ran_scripts(server.log) == [], f"scripts ran in the instructor's browser: {ran_scripts(server.log)}"
    scores = scores_in_gradebook(course)
    entered = {key: value for key, value in scores.items() if value != (None, None)}
    assert entered == {(MALLORY, "svm", ANSWERS["svm"]): (INSTRUCTOR_POINTS, None)}, entered
    # What the students sent is kept as they sent it.
    assert {p.name: p.read_bytes() for p in (course / "submitted" / MALLORY / ASSIGNMENT).glob("*.ipynb")} == sent
