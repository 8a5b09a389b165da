"""Importing member lists as the field keeps them (Excel, ODS, CSV), one module per job.

Reading (cells into values): `headers`, `values`, `reading`. Matching and planning: `plan` (the
types), `places` and `placing`, `matching`, `analysis`. Writing: `write` (`members_import_write`,
the one writer). Around them: `progress`, `files`, `memory`, and `jobs` (the background tasks and
the services the pages in `members/imports.py` call).
"""
