"""The formgrader, end to end, in headless Chromium: an instructor's day in nbgrader's web pages.

A course from `autograder nbgrader init`, a Jupyter server started here (its own
HOME and Jupyter folders, a free local port, a token, nbgrader's server
extensions) and Debian's Chromium driven by Selenium through Debian's
chromedriver (nothing is downloaded). In the browser, as an instructor:

1. open the formgrader, generate the student version and release it;
2. (bob fetches it, puts a buggy SVM in and answers an inline question, submits;
   with nbgrader's command line, as a student does);
3. collect, press bob's autograde button: the course's EngineGrades grades his
   modules with our engine inside the server;
4. the gradebook views: the notebook's code score, and on the submission's page
   each autograded cell shows the engine's points for its function and its
   feedback;
5. grade bob's inline answer by hand (the score box), see the total follow;
6. generate and release bob's feedback;
7. (bob fetches it) and the feedback page he opens shows his failed checks with
   their smallest inputs, and nothing of the hidden suite or the solutions.

Each step leaves a screenshot in `tmp_path/screenshots`; a failing step names
that folder in its message. The server runs in its own process group and is
killed, whatever happens, by the fixture's finalizer.
"""

from __future__ import annotations

import html
import json
import shutil

import nbformat
import pytest
from formgrader_helpers import (
    SLOW,
    Steps,
    chromium_driver,
    isolated_env,
    nbgrader,
    open_page,
    page_text,
    press_and_read_modal,
    require_chromium,
    start_server,
    table_row,
    wait,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from autograder.catalogue.mutants import catalogue_path, load_mutants, materialise
from autograder.nbgrader_course.course import ASSIGNMENT, init_course
from autograder.nbgrader_course.gradecells import grade_id, placement, rubric_by_function
from autograder.nbgrader_course.leaks import scan_path
from autograder.parts import graded_files

BUGGY_SVM = "svm_naive_reg_grad_no_factor_2"
STUDENT = "bob"
ANSWER_ID = "svm-q1-answer"
MANUAL_POINTS = 1.5
SVM_NOTEBOOK_FUNCTIONS = tuple(f for f, (notebook, _) in placement().items() if notebook == "svm")
GRADED_FILES = graded_files()  # the linear classifiers' (the default course)

require_chromium()


@pytest.fixture
def course_and_server(tmp_path, request):
    env = isolated_env(tmp_path)
    course = tmp_path / "course"
    exchange = tmp_path / "exchange"
    init_course(course, exchange=exchange)
    server = start_server(course, env, tmp_path / "jupyter-server.log", request)
    return course, exchange, env, server


@pytest.fixture
def browser(tmp_path, request):
    return chromium_driver(tmp_path, request)


# --------------------------------------------------------------------------- the test


def test_formgrader_in_chromium(course_and_server, browser, tmp_path):
    course, exchange, env, server = course_and_server
    driver, base = browser, server.url
    step = Steps(driver, tmp_path / "screenshots", server)
    student_home = tmp_path / "students" / STUDENT
    student_home.mkdir(parents=True)
    student = ["--course", "cs231n", f"--Exchange.root={exchange}", f"--Exchange.cache={student_home / 'cache'}"]
    student_env = dict(env, HOME=str(student_home))

    with step("open-formgrader"):
        driver.get(f"{base}/formgrader?token={server.token}")
        table_row(driver, ASSIGNMENT)
        assert driver.current_url.endswith("/formgrader/manage_assignments")
        # nbgrader prints its debug panel unescaped: our configuration would show garbled there.
        assert not driver.find_elements(By.ID, "collapseConfig")

    with step("generate-student-version"):
        log = press_and_read_modal(driver, "td.assign a")
        assert f"Successfully created the student version of '{ASSIGNMENT}'" in log, log[:3000]
        assert (course / "release" / ASSIGNMENT / "svm.ipynb").is_file()

    with step("release"):
        table_row(driver, "draft")
        press_and_read_modal(driver, "td.release a")
        assert (exchange / "cs231n" / "outbound" / ASSIGNMENT / "svm.ipynb").is_file()

    # bob, on his own account: fetch, a buggy SVM, an inline answer, submit.
    nbgrader(student_home, student_env, "fetch_assignment", ASSIGNMENT, *student)
    work = student_home / ASSIGNMENT
    assert (work / "requirements.txt").is_file()  # the release's list of what to install
    buggy = materialise({m.id: m for m in load_mutants(catalogue_path())}[BUGGY_SVM], tmp_path / "buggy")
    for relative in GRADED_FILES:
        shutil.copy(buggy / relative, work / relative)
    notebook = nbformat.read(work / "svm.ipynb", as_version=4)
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ANSWER_ID)
    answer.source = "The hinge has a kink at a zero margin, so the numerical gradient can disagree there."
    nbformat.write(notebook, work / "svm.ipynb")
    nbgrader(student_home, student_env, "submit", ASSIGNMENT, "--student", STUDENT, *student)

    with step("collect"):
        driver.refresh()
        table_row(driver, "released")
        press_and_read_modal(driver, "td.collect a")
        assert (course / "submitted" / STUDENT / ASSIGNMENT / "svm.ipynb").is_file()

    with step("autograde-button"):
        open_page(driver, f"{base}/formgrader/manage_submissions/{ASSIGNMENT}", "table")
        assert "needs autograding" in table_row(driver, STUDENT).text
        log = press_and_read_modal(driver, "td.autograde a")
        assert f"Successfully autograded '{ASSIGNMENT}' for student '{STUDENT}'" in log, log[:3000]
        # The engine graded bob's modules inside the server: its results file, its scores.
        stored = course / "autograder_results" / ASSIGNMENT / f"{STUDENT}.json"
        assert stored.is_file(), "the autograde button did not grade through the engine"
        results = json.loads(stored.read_text())["results"]
        points = {f: sum(t["score"] for t in results["tests"] if t["tags"][0] == f) for f in rubric_by_function()}
        maxima = {f: sum(r.points.values()) for f, r in rubric_by_function().items()}
        assert points["svm_loss_naive"] < maxima["svm_loss_naive"]  # the bug costs points
        assert points["softmax_loss_naive"] == maxima["softmax_loss_naive"]  # and only where it is
        table_row(driver, STUDENT, "needs manual grading", f"{results['score']:g} / 106", seconds=SLOW)

    with step("gradebook-notebook-view"):
        driver.find_element(By.LINK_TEXT, "Manual Grading").click()
        table_row(driver, ASSIGNMENT).find_element(By.LINK_TEXT, ASSIGNMENT).click()
        svm_row = table_row(driver, "svm")
        svm_auto = sum(points[f] for f in SVM_NOTEBOOK_FUNCTIONS)
        svm_max = sum(maxima[f] for f in SVM_NOTEBOOK_FUNCTIONS)
        assert f"{svm_auto:g} / {svm_max:g}" in svm_row.text, svm_row.text  # the code score
        svm_row.find_element(By.LINK_TEXT, "svm").click()
        table_row(driver, "Submission #1").find_element(By.PARTIAL_LINK_TEXT, "Submission #1").click()
        wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, f"input.score#{ANSWER_ID}")))

    with step("points-per-function"):
        for function in SVM_NOTEBOOK_FUNCTIONS:
            box = driver.find_element(By.ID, grade_id(function))
            # The formgrader shows an auto-graded score as the placeholder of the score box.
            wait(driver).until(lambda d, box=box, f=function: float(box.get_attribute("placeholder")) == points[f],
                               f"{function}: the score box does not show the engine's {points[function]:g}")
            cell = box.find_element(By.XPATH, "./ancestor::div[contains(@class, 'code_cell')]")
            assert f"{points[function]:g} / {maxima[function]:g} points" in cell.text, cell.text[:500]
        naive = driver.find_element(By.ID, grade_id("svm_loss_naive")).find_element(
            By.XPATH, "./ancestor::div[contains(@class, 'code_cell')]").text
        assert "[FAILED]" in naive and "Smallest failing input found" in naive, naive[:2000]

    with step("manual-grade"):
        box = driver.find_element(By.ID, ANSWER_ID)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.clear()
        box.send_keys(str(MANUAL_POINTS), Keys.TAB)
        wait(driver).until(lambda d: manual_score(d, base) == MANUAL_POINTS)
        open_page(driver, f"{base}/formgrader/manage_students/{STUDENT}/{ASSIGNMENT}", "table")
        assert table_row(driver, "svm").text.split()[1] == f"{svm_auto + MANUAL_POINTS:g}"  # overall score

    with step("generate-and-release-feedback"):
        open_page(driver, f"{base}/formgrader/manage_submissions/{ASSIGNMENT}", "table")
        table_row(driver, STUDENT)
        assert "Successfully generated feedback" in press_and_read_modal(driver, "td.generate-feedback a")
        table_row(driver, STUDENT)
        assert "Successfully released feedback" in press_and_read_modal(driver, "td.release-feedback a")

    # bob fetches his feedback.
    nbgrader(student_home, student_env, "fetch_feedback", ASSIGNMENT, *student)
    pages = sorted((work / "feedback").rglob("svm.html"))
    assert len(pages) == 1, pages

    with step("student-feedback-page"):
        driver.get(pages[0].as_uri())
        shown = page_text(driver)
        naive_tests = [t for t in results["tests"] if t["tags"][0] == "svm_loss_naive"]
        failed = [t for t in naive_tests if t["status"] == "failed"]
        assert failed
        assert f"svm_loss_naive: {points['svm_loss_naive']:g} / 18 points" in shown
        for test in failed:
            assert f"[FAILED] {test['name'].split(': ', 1)[1]}" in shown
        assert "Smallest failing input found" in shown
        assert f"(Score: {MANUAL_POINTS} / 2.0)" in shown, shown[:3000]
        assert "### BEGIN" not in shown and "autograder/grading" not in shown
        assert scan_path(pages[0]) == []
        assert html.unescape(pages[0].read_text()).count("[FAILED]") >= len(failed)


def manual_score(driver, base: str) -> float | None:
    """The manual score the gradebook holds for the inline answer of the submission on screen."""
    script = """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.json()).then(done, () => done(null));
    """
    submission = driver.execute_script("return submission_id;")
    grades = driver.execute_async_script(script, f"{base}/formgrader/api/grades?submission_id={submission}")
    return next((g["manual_score"] for g in grades or () if g["name"] == ANSWER_ID), None)
