"""Importing member lists as the field keeps them (Excel, ODS, CSV): reading cells into values.

This package holds the pieces that do not depend on a request: recognising the header row and
its many Vietnamese spellings, and turning each cell into a value or an error that says what to
fix. The upload, preview and write flow builds on them.
"""
