"""Pure rendering for the site: model → Markdown. No MkDocs here.

The MkDocs plugin (plugins/runbooks_mkdocs) and ``runner site generate`` both call these
functions, so a generator that does not run MkDocs plugins builds the same pages.
"""
