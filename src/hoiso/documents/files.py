"""Attachments: what a file is (read from its content, not its name), whether it is safe to keep,
its text for the register, and the digital signatures a PDF carries.

Files live in `settings.DOCUMENTS_ROOT`, outside the web root, each under a random name; the
name the user gave is kept only for display and for the download's file name.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import io
import logging
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hoiso.core.uploads import check_upload_size

log = logging.getLogger(__name__)

# What the content says the file is → the extensions its name may carry.
EXTENSIONS = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "webp": (".webp",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
# Text kept for search, at most; and the largest part of a .docx read for it (unpacked size).
MAX_TEXT = 200_000
MAX_DOCX_XML = 30 * 1024 * 1024
MAX_PDF_PAGES = 300
MAX_PDF_OBJECTS = 200_000


@dataclass
class CheckedFile:
    name: str
    file_type: str
    content: bytes
    text: str = ""
    signatures: list[dict[str, Any]] = field(default_factory=list)


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError(f"{name}: {message}")  # the problem is translated already


def safe_name(raw: str) -> str:
    """The name as given, refused when it tries to name a folder (`../x`, `a/b`, a NUL)."""
    name = raw.strip()
    if (
        not name
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or name in (".", "..")
        or name.startswith("..")
    ):
        raise ValidationError(
            _(
                "Please rename the file “%(name)s”: a file name may not contain / or \\ or start with “..”."
            )
            % {"name": name[:80]}
        )
    return name[:200]


def sniff(content: bytes) -> str | None:
    """The file's type from its first bytes (and, for Office files, the parts its zip holds)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check(upload: Any) -> CheckedFile:
    """Read an uploaded file and refuse it unless it is what its name says and safe to keep."""
    check_upload_size(upload, "document")
    name = safe_name(getattr(upload, "name", "") or "")
    content = upload.read()
    file_type = sniff(content)
    if file_type is None:
        raise _refuse(
            name,
            _(
                "Please attach a PDF, Word (.docx), Excel (.xlsx) or picture (PNG, JPEG, WebP) file."
            ),
        )
    if not name.lower().endswith(EXTENSIONS[file_type]):
        raise _refuse(
            name,
            _(
                "The file's content is %(type)s but its name says otherwise. Please save it with the right extension."
            )
            % {"type": file_type.upper()},
        )
    checked = CheckedFile(name=name, file_type=file_type, content=content)
    if file_type == "pdf":
        if pdf_has_script(content):
            raise _refuse(
                name,
                _(
                    "The PDF carries a script (JavaScript or an action that runs on opening). Please print it again to PDF without scripts and attach that."
                ),
            )
        checked.text = pdf_text(content)
        checked.signatures = pdf_signatures(content)
    elif file_type == "docx":
        checked.text = docx_text(content)
    return checked


# --- PDF -----------------------------------------------------------------------------------------

_SCRIPT_NAMES = (b"/JavaScript", b"/JS", b"/Launch")


def _names_in(obj: Any, depth: int = 0) -> bool:
    """A dictionary (or array) that names JavaScript or a launch action, looked into a few levels."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if depth > 6:
        return False
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in ("/JS", "/JavaScript"):
                return True
            if (
                key == "/S"
                and isinstance(value, NameObject)
                and value in ("/JavaScript", "/Launch")
            ):
                return True
            if not hasattr(value, "idnum") and _names_in(value, depth + 1):
                return True
    elif isinstance(obj, ArrayObject):
        return any(not hasattr(v, "idnum") and _names_in(v, depth + 1) for v in obj)
    return False


def pdf_has_script(content: bytes) -> bool:
    """Whether the PDF names JavaScript or a launch action anywhere: in its raw bytes, or in any
    object once compressed object streams are unpacked. An unreadable PDF counts as one."""
    if any(re.search(re.escape(n) + rb"(?![A-Za-z])", content) for n in _SCRIPT_NAMES):
        return True
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import IndirectObject

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        numbers: set[tuple[int, int]] = set()
        for gen, table in reader.xref.items():
            numbers.update((num, gen) for num in table)
        numbers.update((num, 0) for num in reader.xref_objStm)
        if len(numbers) > MAX_PDF_OBJECTS:
            return True
        for num, gen in numbers:
            try:
                obj = reader.get_object(IndirectObject(num, gen, reader))
            except (PdfReadError, ValueError, KeyError, TypeError):
                continue
            if _names_in(obj):
                return True
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return True
    return False


def pdf_text(content: bytes) -> str:
    """The PDF's text (its first pages), or "" when it has none to give (a scan)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_TEXT:
                break
        return "\n".join(parts)[:MAX_TEXT]
    except Exception:  # a damaged PDF is still kept; it only adds no words to search
        log.info("no text from a PDF", exc_info=True)
        return ""


def _trust_roots() -> list[Any]:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    path = getattr(settings, "DOCUMENT_TRUST_ROOTS", "")
    if not path:
        return []
    roots = []
    for _type, _headers, der in pem.unarmor(Path(path).read_bytes(), multiple=True):
        roots.append(asn1_x509.Certificate.load(der))
    return roots


def run_async(coroutine: Any) -> Any:
    """Run one of pyHanko's coroutines to its end, also where an event loop is already running
    in this thread (an ASGI server, a test driving a browser): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def pdf_signatures(content: bytes) -> list[dict[str, Any]]:
    """Each digital signature the PDF carries: who signed, when she says, whether the signed
    bytes are intact, whether the signature is valid, whether her certificate leads to a
    certificate the site trusts, and whether it covers the whole file."""
    if b"/ByteRange" not in content:
        return []
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    found: list[dict[str, Any]] = []
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        roots = _trust_roots()
        for sig in reader.embedded_signatures:
            context = ValidationContext(trust_roots=roots, allow_fetching=False)
            status = run_async(async_validate_pdf_signature(sig, context))
            cert = status.signing_cert
            subject = cert.subject.native if cert is not None else {}
            when = status.signer_reported_dt
            found.append(
                {
                    "signer": subject.get("common_name", "") if isinstance(subject, dict) else "",
                    "organisation": subject.get("organization_name", "")
                    if isinstance(subject, dict)
                    else "",
                    "signed_at": when.isoformat() if when else "",
                    "intact": bool(status.intact),
                    "valid": bool(status.valid),
                    "trusted": bool(status.trusted),
                    "whole": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                }
            )
    except Exception:  # a signature pyHanko cannot read is reported as one that cannot be checked
        log.info("unreadable PDF signature", exc_info=True)
        found.append(
            {
                "signer": "",
                "signed_at": "",
                "intact": False,
                "valid": False,
                "trusted": False,
                "whole": False,
                "unreadable": True,
            }
        )
    return found


# --- Word ----------------------------------------------------------------------------------------

_PARAGRAPH_END = re.compile(r"</w:p>")
_RUN_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")


def docx_text(content: bytes) -> str:
    """The text of a .docx's body, read from its XML without an XML parser (no entity tricks),
    refusing to unpack more than MAX_DOCX_XML bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML:
                return ""
            with z.open(info) as part:
                xml = part.read(MAX_DOCX_XML + 1)[:MAX_DOCX_XML].decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return ""
    paragraphs = []
    for chunk in _PARAGRAPH_END.split(xml):
        text = "".join(html.unescape(t) for t in _RUN_TEXT.findall(chunk))
        if text.strip():
            paragraphs.append(text)
    return "\n".join(paragraphs)[:MAX_TEXT]


# --- Storage -------------------------------------------------------------------------------------


def root() -> Path:
    path = Path(settings.DOCUMENTS_ROOT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(checked: CheckedFile) -> str:
    """Write the file under a new random name in the documents folder; return that name."""
    stored = f"{secrets.token_hex(16)}.{checked.file_type}"
    (root() / stored).write_bytes(checked.content)
    return stored


def path_of(stored_name: str) -> Path:
    """The file's path; only names this module made are accepted."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_name):
        raise ValueError("not a stored name")
    return root() / stored_name


def discard(stored_names: list[str]) -> None:
    for name in stored_names:
        path_of(name).unlink(missing_ok=True)
