"""Offer each chapter's executed .ipynb in the page's download menu.

sphinx-book-theme offers a MyST Markdown notebook's .ipynb only when a launch
service (Binder, Colab...) is configured with a repository URL. This book has
neither, so this extension does the same for every executed chapter: it copies
the notebook that myst-nb executed (_build/jupyter_execute/PAGE.ipynb) next to
the page's sources and adds it to the download menu.
"""

import shutil
from pathlib import Path


def add_notebook_download(app, pagename, templatename, context, doctree):
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].insert(
                0,
                {
                    "type": "link",
                    "url": f"{context['pathto']('_sources', 1)}/{pagename}.ipynb",
                    "text": ".ipynb",
                    "icon": "fas fa-code",
                    "tooltip": "Download this chapter as a notebook",
                    "label": "download-notebook-button",
                },
            )


def setup(app):
    # After sphinx-book-theme has built its header buttons (priority 501).
    app.connect("html-page-context", add_notebook_download, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
