"""Spreadsheets as CSV, in and out, with no Flask and no database: decoding, columns, rows, and the guard.

Reading is forgiving where people differ (UTF-8 with or without a BOM, Excel's Windows-1252, UTF-16,
commas, semicolons or tabs, headings in any case and with the usual synonyms) and strict where guessing
would damage names: a file that cannot be decoded cleanly is refused, never read as mojibake.

Writing makes files Excel opens correctly (a UTF-8 BOM and CRLF), and neutralizes cells that a
spreadsheet would run as a formula (=HYPERLINK(...), +, -, @) by putting an apostrophe in front; reading
takes that apostrophe off again, so an exported file imports back unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
# What a spreadsheet may read as the start of a formula (tab and CR too: some strip them, then see "=").
FORMULA_STARTS = frozenset("=+-@\t\r")


class FileProblem(ValueError):
    """The file as a whole cannot be read, so nothing in it is imported; the message says what to do.

    `field` names what to change: the file itself, or the ticket chosen for rows without one.
    """

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- columns ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # the AttendeeDetails field, or ticket_type
    label: str  # the heading we write, and the one people see in messages
    aliases: tuple[str, ...] = ()  # other headings people use, any case, spaces and punctuation
    required: bool = False
    note: str = ""  # what goes in the cells, for the page that explains the columns


COLUMNS = (
    Column("first_name", "First name", ("first", "given name", "given names", "forename", "prénom"), True),
    Column("family_name", "Family name", ("last name", "last", "surname", "family names")),
    Column("badge_name", "Badge name", ("name on badge", "name on your badge", "badge", "preferred name")),
    Column("pronouns", "Pronouns", ("pronoun",)),
    Column("title", "Title", ("title or office", "job title", "position", "office")),
    Column(
        "organization",
        "Organization",
        ("organisation", "organization or jurisdiction", "jurisdiction", "company", "org", "affiliation"),
    ),
    Column("city", "City", ("town",)),
    Column("state", "State", ("province", "state or province", "region")),
    Column("email", "Email", ("e-mail", "email address", "e-mail address", "mail"), True),
    Column("phone", "Phone", ("mobile", "mobile phone", "cell", "cell phone", "phone number", "telephone")),
    Column("dietary", "Dietary needs", ("dietary", "diet", "dietary requirements", "dietary restrictions")),
    Column(
        "dietary_notes",
        "Dietary notes",
        ("dietary details", "allergies", "allergies or other dietary details", "food allergies"),
    ),
    Column("accessibility_needs", "Accessibility needs", ("accessibility", "access needs", "accommodations")),
    Column(
        "listed_in_directory",
        "Listed in directory",
        ("directory", "attendee directory", "list me in the attendee directory"),
        note="yes or no (empty is no)",
    ),
    Column("photo_consent", "Photo consent", ("photos", "photo"), note="yes or no (empty is no)"),
    Column("ticket_type", "Ticket", ("ticket type", "registration type")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def heading_key(text: str) -> str:
    """How headings and choices compare: "E-mail", "e_mail" and " EMAIL " are "email", "Prénom" "prenom"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


_COLUMN_BY_HEADING = {
    heading_key(name): column for column in COLUMNS for name in (column.key, column.label, *column.aliases)
}


# --- decoding -----------------------------------------------------------------------------------------

UTF8, UTF16, WINDOWS_1252 = "UTF-8", "UTF-16", "Windows-1252"
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_SAVE_AS_UTF8 = "In your spreadsheet, choose Save As and the format “CSV UTF-8”, then upload that file."
_NOT_CSV = {
    b"PK\x03\x04": "This is an Excel workbook (.xlsx) or another zipped file, not a CSV file.",
    b"\xd0\xcf\x11\xe0": "This is an older Excel workbook (.xls), not a CSV file.",
    b"%PDF": "This is a PDF, not a CSV file.",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as people call it: UTF-8, UTF-16 or Windows-1252

    @property
    def guessed(self) -> bool:
        """Windows-1252 is a guess made when UTF-8 fails, so people should look at the names."""
        return self.encoding == WINDOWS_1252


def decode(data: bytes) -> Decoded:
    """The file's text, or a FileProblem saying why it cannot be read cleanly.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they are. A file that is not UTF-8 is
    read as Windows-1252 (what Excel on Windows saves as "CSV") only when no part of it is UTF-8: a mix
    of the two would come out garbled, so it is refused with the line to look at.
    """
    if not data.strip():
        raise FileProblem("The file is empty. Choose the CSV file that holds the registrations.")
    if len(data) > MAX_BYTES:
        raise FileProblem(f"This file is over {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files.")
    for signature, message in _NOT_CSV.items():
        if data.startswith(signature):
            raise FileProblem(f"{message} {_SAVE_AS_UTF8}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), UTF16)
        except UnicodeDecodeError as error:
            raise FileProblem(f"This UTF-16 file is damaged. {_SAVE_AS_UTF8}") from error
    if b"\x00" in data:
        raise FileProblem(f"This is not a CSV file: it holds binary data. {_SAVE_AS_UTF8}")
    try:
        return Decoded(data.decode("utf-8-sig"), UTF8)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        if _UTF8_SEQUENCE.search(data):
            raise FileProblem(
                f"Line {line} is not UTF-8 while the rest of the file is, so its accented letters would come "
                f"out garbled. {_SAVE_AS_UTF8}"
            ) from None
    try:
        return Decoded(data.decode("cp1252"), WINDOWS_1252)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileProblem(
            f"This file is in an encoding we cannot recognize: line {line} is neither UTF-8 nor "
            f"Windows-1252. {_SAVE_AS_UTF8}"
        ) from None


# --- reading ------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it: the heading row is 1 when it comes first
    cells: dict[str, str]  # column key -> the cell as written (a guard apostrophe taken off)
    problem: str | None = None  # why the row could not be split into cells


@dataclass
class Sheet:
    delimiter: str
    headings: dict[str, str]  # column key -> the heading this file uses for it
    ignored: list[str]  # headings that are not ours, reported once
    rows: list[Row] = field(default_factory=list)  # data rows, without blank ones


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(row number, cells, problem) for each record; a record that breaks the CSV rules has no cells.

    Numbers count records, not lines, so a cell with a line break inside stays one row, as in Excel.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield number, None, _quote_problem(str(error))
            if "field larger than field limit" in str(error):
                return  # a quote never closed swallowed the rest: what follows cannot be trusted
            continue
        yield number, cells, None


def _quote_problem(error: str) -> str:
    if "field larger" in error:
        return "A cell here runs on for too long: most likely a quote is never closed. Check the quotes."
    if "unexpected end of data" in error:
        return "A quote opened in this row is never closed. Add the closing quote, or remove the stray one."
    return (
        "The quotes in this row are not placed right. Put quotes around a whole cell that holds commas, "
        'quotes or line breaks, and double each quote inside it ("").'
    )


def _is_blank(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def _first_record(text: str, delimiter: str) -> list[str]:
    for _number, cells, _problem in _records(text, delimiter):
        if cells is None or not _is_blank(cells):
            return cells or []
    return []


def _delimiter(text: str) -> str:
    """The separator that makes the most headings ours: "," usually; ";" from Excel in much of Europe;
    tab from "Unicode text"."""
    return max(
        (",", ";", "\t"),
        key=lambda sep: sum(heading_key(h) in _COLUMN_BY_HEADING for h in _first_record(text, sep)),
    )


def read_sheet(text: str) -> Sheet:
    """The columns and non-blank rows of a decoded file; FileProblem when no row can be imported."""
    delimiter = _delimiter(text)
    records = _records(text, delimiter)
    header: list[str] | None = None
    for number, cells, problem in records:
        if problem:
            raise FileProblem(f"Row {number}, the column headings: {problem}")
        if cells is not None and not _is_blank(cells):
            header = cells
            break
    if header is None:
        raise FileProblem("The file has no rows. Choose the CSV file that holds the registrations.")
    positions, headings, ignored = _map_headings(header)
    sheet = Sheet(delimiter, headings, ignored)
    for number, cells, problem in records:
        if cells is not None and _is_blank(cells):
            continue
        if len(sheet.rows) == MAX_ROWS:
            raise FileProblem(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files and import them "
                "one after the other."
            )
        sheet.rows.append(_row(number, cells, problem, positions, len(header)))
    if not sheet.rows:
        raise FileProblem("The file has column headings but no rows of people under them.")
    return sheet


def _map_headings(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    positions: dict[str, int] = {}
    headings: dict[str, str] = {}
    ignored: list[str] = []
    for position, raw in enumerate(header):
        heading = " ".join(raw.split())
        column = _COLUMN_BY_HEADING.get(heading_key(heading))
        if column is None:
            if heading:
                ignored.append(heading)
        elif column.key in positions:
            raise FileProblem(
                f"The columns “{headings[column.key]}” and “{heading}” both hold {column.label}. "
                "Keep one of them."
            )
        else:
            positions[column.key], headings[column.key] = position, heading
    missing = [column.label for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        wanted = " and ".join(f"“{label}”" for label in missing)
        hint = (
            " If one column holds whole names, split it into “First name” and “Family name”."
            if "First name" in missing and {"name", "fullname"} & {heading_key(h) for h in ignored}
            else ""
        )
        found = ", ".join(f"“{h}”" for h in header if h.strip()) or "none"
        raise FileProblem(
            f"The first row must name the columns, and there is no {wanted} column (the headings found: "
            f"{found}). Add it, or rename the column that holds it.{hint}"
        )
    return positions, headings, ignored


def _row(
    number: int, cells: list[str] | None, problem: str | None, positions: dict[str, int], width: int
) -> Row:
    if cells is None:
        return Row(number, {}, problem)
    values = {key: unneutralize(cells[at]) if at < len(cells) else "" for key, at in positions.items()}
    if not _is_blank(cells[width:]):
        problem = (
            f"This row has {len(cells)} cells but there are only {width} column headings. A cell that "
            "holds a comma needs quotes around it."
        )
    return Row(number, values, problem)


# --- cells --------------------------------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "1", "x", "agreed", "agree", "consent", "checked"})
_NO = frozenset({"no", "n", "false", "0", "", "none", "declined", "unchecked"})


def parse_yes_no(value: str) -> bool | None:
    """True, False, or None when the cell is neither a yes nor a no; an empty cell is no."""
    key = heading_key(value)
    return True if key in _YES else False if key in _NO else None


def match_choice(value: str, choices: Mapping[str, str]) -> str | None:
    """The value of the choice (value -> label) the cell names by value or label, in any case and spacing."""
    key = heading_key(value)
    for choice, label in choices.items():
        if key in (heading_key(choice), heading_key(label)):
            return choice
    return None


# --- writing ------------------------------------------------------------------------------------------


def _formula_like(value: str) -> bool:
    """Starts a formula, maybe behind apostrophes we added before (so the guard can be undone exactly)."""
    return value.lstrip("'")[:1] in FORMULA_STARTS


def neutralize(value: str) -> str:
    """The cell as a spreadsheet will show it as text and never run it: an apostrophe before a formula."""
    return "'" + value if _formula_like(value) else value


def unneutralize(value: str) -> str:
    """Undo neutralize, so what was exported imports back as it was."""
    return value[1:] if value.startswith("'") and _formula_like(value[1:]) else value


def write_csv(rows: Iterable[Sequence[object]], *, batch: int = 200) -> Iterator[str]:
    """The rows as CSV text in chunks: a BOM first, CRLF line ends, every cell neutralized; None is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralize("" if cell is None else str(cell)) for cell in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
