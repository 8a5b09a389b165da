"""The member import reads its files through core's one bounded spreadsheet reader.

Kept so that the import's modules (and their tests) find the reader under their own package;
the reading itself, with its limits, is in `hoiso.core.sheets`.
"""

from hoiso.core.sheets import EXTENSIONS, SPREADSHEETS, Sheet, UnreadableFile, read, read_bytes
from hoiso.core.sheets import readable_name as readable_name

__all__ = ["EXTENSIONS", "SPREADSHEETS", "Sheet", "UnreadableFile", "read", "read_bytes",
           "readable_name"]  # fmt: skip
