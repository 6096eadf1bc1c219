"""The ceiling the forum's pages are measured against: bare Flask under the same gunicorn config.

/bare  a 5 KB page from a string
/list  a 30-row list rendered by Jinja (a table of titles, authors, votes and links)
"""

from flask import Flask

app = Flask(__name__)

PAGE = "<!doctype html><title>bare</title>" + "<p>" + "x" * 5000 + "</p>"
ROWS = [{"id": n, "title": f"Idea number {n} 洗衣机自清洁", "author": f"fan{n}", "votes": n * 7} for n in range(30)]
LIST = """<!doctype html><html lang="en"><head><title>list</title></head><body><main><h1>Ideas</h1>
<table><thead><tr><th>Idea</th><th>Author</th><th>Votes</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/ideas/{{ row.id }}">{{ row.title }}</a></td><td>{{ row.author }}</td>
<td>{{ row.votes }}</td></tr>{% endfor %}
</tbody></table></main></body></html>"""


# Compiled once, as Flask's template loader does for the forum's own templates.
LIST_TEMPLATE = app.jinja_env.from_string(LIST)


@app.route("/bare")
def bare():
    return PAGE


@app.route("/list")
def rows():
    return LIST_TEMPLATE.render(rows=ROWS)
