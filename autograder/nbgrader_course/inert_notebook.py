"""A submitted notebook made inert before any instructor view renders it.

The formgrader's submission pages and the feedback pages are nbconvert renderings
of the autograded copy of a student's notebook, inside the instructor's logged-in
Jupyter session: a script there could call the formgrader's API and change grades.
nbconvert passes the HTML of markdown cells through as it is, fills several
attributes of its templates from the notebook without escaping (execution counts,
stream names, widget state), and nbgrader's templates render markdown without its
`sanitize_html` option. So everything a student controls is rebuilt from an
allow-list here, rather than searched for what is known to be bad:

- a markdown (or raw) cell is rendered with nbconvert's own markdown renderer, its
  attachments embedded as `data:` images, and the HTML is cleaned by nh3 (the
  Ammonia sanitizer) with an allow-list of tags and attributes: formatting, lists,
  tables, code, links to http(s)/mailto, images only from PNG/JPEG/GIF/SVG `data:`
  URLs (an SVG is then an image, whose scripts never run); no script, style, form,
  frame, object, event handler, `id` (which could take the place of the
  formgrader's score boxes) or class outside pygments' highlighting. The cell then
  holds that HTML on one line, which markdown passes through unchanged; LaTeX
  stays as text for MathJax, which runs with its Safe extension;
- a code cell keeps its source (highlighted and escaped by nbconvert) and only
  outputs of known shape: stdout/stderr streams, errors, and results or displays
  reduced to plain text and base64 PNG/JPEG images;
- the metadata keeps only nbgrader's fields, with checked types, and the notebook's
  kernel and language names.

`InertNotebook` is an nbconvert preprocessor. The course configuration runs it at
the end of `nbgrader autograde` (so `autograded/` holds only inert notebooks, and
nbgrader has already compared the answers with the released cells), and again in
every HTML rendering (`HTMLExporter.preprocessors`: the formgrader's pages and the
feedback), so a notebook autograded before, or placed by hand, is inert too. It is
idempotent. The student's files in `submitted/` are never touched.
"""

from __future__ import annotations

import re

import nh3
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode, from_dict

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "li", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul", "var",
}
"""What markdown produces (with nbconvert's plugins: tables, strikethrough, task lists,
definition lists) and the few tags students write by hand for the same purposes."""
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start"},
}
INPUT_VALUES = {"input": {"type": {"checkbox"}, "disabled": {"", "disabled"}, "checked": {"", "checked"}}}
"""An input keeps only what a task list's check box has (no name, no form, no handler)."""
STYLE_PROPERTIES = {"text-align"}
"""Markdown tables align their columns with `style="text-align: ..."`; nothing else."""
URL_SCHEMES = {"http", "https", "mailto", "data"}
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
_IMAGE_MIME = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
SAFE_IMAGE_OUTPUTS = ("image/png", "image/jpeg")
"""Image outputs kept (an SVG output is dropped: some nbconvert versions inline it)."""
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_NAME = re.compile(r"[A-Za-z0-9_.+-]{1,64}\Z")
_CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def _pygments_classes() -> set[str]:
    from pygments.token import STANDARD_TYPES

    return {name for name in STANDARD_TYPES.values() if name} | {"highlight", "hll"}


_CLASSES = _pygments_classes()
ALLOWED_CLASSES = {"div": _CLASSES, "span": _CLASSES, "pre": _CLASSES, "code": _CLASSES}
"""Only the classes nbconvert's highlighting gives fenced code: a class from the page
(a Bootstrap modal, a fixed navigation bar) could cover or imitate the grading form."""


def _attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        return value if _IMAGE_DATA.match(value) else None
    if attribute == "href":
        return None if value.lower().startswith("data:") else value
    return value


def _fragment_only(url: str) -> str | None:
    """Relative URLs could reach the Jupyter server's own pages: only in-page anchors stay."""
    return url if url.startswith("#") else None


def clean_html(html: str) -> str:
    """`html` with every tag, attribute, class, style and URL outside the allow-lists removed."""
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_attribute, url_schemes=URL_SCHEMES,
        url_relative=_fragment_only, allowed_classes=ALLOWED_CLASSES, filter_style_properties=STYLE_PROPERTIES,
        tag_attribute_values=INPUT_VALUES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )


def _image_attachments(attachments) -> dict[str, dict[str, str]]:
    """The attachments that are base64 images of an allowed type (others are left out)."""
    kept: dict[str, dict[str, str]] = {}
    for name, bundle in (attachments.items() if isinstance(attachments, dict) else ()):
        if not isinstance(name, str) or not isinstance(bundle, dict):
            continue
        images = {mime: "".join(_text(data).split()) for mime, data in bundle.items()
                  if mime in _IMAGE_MIME and _is_base64(data)}
        if images:
            kept[name] = images
    return kept


def _is_base64(data) -> bool:
    """Whether `data` (a string or nbformat's list of lines) is only base64 text."""
    if isinstance(data, list):
        data = "".join(data) if all(isinstance(part, str) for part in data) else None
    return isinstance(data, str) and _BASE64.fullmatch(data) is not None


def _embed_attachments(source: str, attachments: dict[str, dict[str, str]]) -> str:
    """`attachment:NAME` references that name no kept attachment lose their target (nbconvert would fail)."""
    def replace(match: re.Match) -> str:
        return match.group() if match.group(1) in attachments else "#"
    return re.sub(r"attachment:([^\s)\"'>]+)", replace, source)


def render_markdown(source: str, attachments=None) -> str:
    """The HTML nbconvert renders for a markdown cell (attachments as data URLs, no heading anchors)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    images = _image_attachments(attachments)
    renderer = IPythonRenderer(escape=False, attachments=images, exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(_embed_attachments(source, images))


def inert_markdown(source: str, attachments=None) -> str:
    """A markdown cell's source as inert HTML that markdown renders as it is (one line, in a div)."""
    html = clean_html(render_markdown(source, attachments)).strip()
    # One line that starts with <div>: markdown passes such an HTML block through as it is
    # up to the first blank line, so there is none; a character reference is the same
    # newline for HTML (inside <pre> too). Made again from its own result, it is the same.
    html = html.replace("\r", "").replace("\n", "&#10;")
    return html if html.startswith("<div>") else f"<div>{html}</div>"


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def inert_outputs(outputs) -> list[NotebookNode]:
    """The outputs of a code cell rebuilt from what is safe: streams, errors, plain text and PNG/JPEG."""
    kept = []
    for output in outputs if isinstance(outputs, list) else []:
        kind = output.get("output_type") if isinstance(output, dict) else None
        if kind == "stream":
            name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
            kept.append({"output_type": "stream", "name": name, "text": _text(output.get("text"))})
        elif kind == "error":
            traceback = output.get("traceback")
            kept.append({"output_type": "error", "ename": _text(output.get("ename")),
                         "evalue": _text(output.get("evalue")),
                         "traceback": [_text(line) for line in traceback] if isinstance(traceback, list) else []})
        elif kind in ("display_data", "execute_result"):
            data = output.get("data") if isinstance(output.get("data"), dict) else {}
            safe = {mime: _text(value) for mime, value in data.items()
                    if mime == "text/plain" or (mime in SAFE_IMAGE_OUTPUTS and _is_base64(value))}
            if not safe:
                continue
            new = {"output_type": kind, "data": safe, "metadata": {}}
            if kind == "execute_result":
                count = output.get("execution_count")
                new["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
            kept.append(new)
    return [from_dict(output) for output in kept]


def _nbgrader_metadata(meta) -> dict:
    if not isinstance(meta, dict):
        return {}
    kept: dict = {}
    for key in ("grade", "solution", "locked", "task"):
        if isinstance(meta.get(key), bool):
            kept[key] = meta[key]
    for key in ("points", "score", "schema_version"):
        if isinstance(meta.get(key), (int, float)) and not isinstance(meta.get(key), bool):
            kept[key] = meta[key]
    for key in ("grade_id", "checksum", "cell_type"):
        if isinstance(meta.get(key), str) and _NAME.match(meta[key]):
            kept[key] = meta[key]
    return kept


def inert_cell(cell, index: int) -> NotebookNode:
    """A new cell holding only what is safe to render of `cell`."""
    kind = cell.get("cell_type")
    metadata: dict = {}
    nbgrader = _nbgrader_metadata(cell.get("metadata", {}).get("nbgrader"))
    if nbgrader:
        metadata["nbgrader"] = nbgrader
    for key in ("deletable", "editable"):
        if isinstance(cell.get("metadata", {}).get(key), bool):
            metadata[key] = cell["metadata"][key]
    cell_id = cell.get("id")
    new = {"id": cell_id if isinstance(cell_id, str) and _CELL_ID.match(cell_id) else f"cell-{index}",
           "metadata": metadata}
    if kind == "code":
        count = cell.get("execution_count")
        new.update(cell_type="code", source=_text(cell.get("source")),
                   execution_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
                   outputs=inert_outputs(cell.get("outputs")))
    else:  # markdown, raw, or anything else: shown as inert HTML
        new.update(cell_type="markdown", source=inert_markdown(_text(cell.get("source")), cell.get("attachments")))
    return from_dict(new)


def _notebook_metadata(metadata) -> dict:
    """The kernel's and the language's names (for highlighting); widget state and the rest are dropped."""
    kept: dict = {}
    for key, required, optional in (("kernelspec", ("name", "display_name"), ("language",)),
                                    ("language_info", ("name",), ("pygments_lexer", "file_extension", "mimetype"))):
        section = metadata.get(key) if isinstance(metadata, dict) else None
        if not isinstance(section, dict):
            continue
        values = {f: section[f] for f in required + optional
                  if isinstance(section.get(f), str) and re.fullmatch(r"[\w .+/-]{0,64}", section[f])}
        if all(f in values for f in required):
            kept[key] = values
    return kept


def inert_notebook(nb) -> NotebookNode:
    """A copy of `nb` that no renderer can make act: see the module's docstring."""
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    cells = [inert_cell(cell, index) for index, cell in enumerate(cells) if isinstance(cell, dict)]
    return from_dict({"nbformat": 4, "nbformat_minor": 5,
                      "metadata": _notebook_metadata(nb.get("metadata", {})), "cells": cells})


class InertNotebook(Preprocessor):
    """The nbconvert preprocessor of `inert_notebook` (run at autograde time and at every rendering)."""

    def preprocess(self, nb, resources):
        return inert_notebook(nb), resources
