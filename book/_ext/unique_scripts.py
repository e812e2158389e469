"""Drop repeated <script> tags from each page.

sphinx-thebe adds its inline configuration script (``const THEBE_JS_URL =
...``) after the HTML builder has read Sphinx's registry, and the builder then
registers it a second time under filename ``''`` instead of ``None``, so every
page declared the same ``const`` twice and the browser reported a SyntaxError
on each page. This keeps the first of any scripts that differ only in that
way. .ci/check_pages.py fails on JavaScript errors, so it would notice a
return of the problem.
"""


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (
            getattr(script, "filename", script) or "",
            getattr(script, "priority", None),
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # A new list: the builder restores its own list after every page.
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
