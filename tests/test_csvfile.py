"""CSV files on their own: decoding, headings, rows as a spreadsheet numbers them, and the formula guard."""

from __future__ import annotations

import codecs
import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convening.registration import csvfile
from convening.registration.csvfile import (
    FileProblem,
    decode,
    neutralize,
    read_sheet,
    unneutralize,
    write_csv,
)

NAMES = ["Nguyễn Thị Lan", "李小龍", "محمد الأمين", "Siobhán O'Connor", "Zoë Åberg"]


def test_utf8_with_and_without_bom_reads_the_same() -> None:
    text = "First name,Email\r\nNguyễn,lan@example.org\r\n"
    assert decode(text.encode()) == csvfile.Decoded(text, "UTF-8")
    assert decode(codecs.BOM_UTF8 + text.encode()) == csvfile.Decoded(text, "UTF-8")


def test_utf16_from_excel_unicode_text_is_read() -> None:
    text = "First name\tEmail\r\n李小龍\tbruce@example.org\r\n"
    decoded = decode(text.encode("utf-16"))
    assert decoded == csvfile.Decoded(text, "UTF-16")
    assert read_sheet(decoded.text).rows[0].cells["first_name"] == "李小龍"


def test_windows_1252_is_a_guess_that_is_said_out_loud() -> None:
    decoded = decode("First name,Email\nHéctor,hector@example.org\n".encode("cp1252"))
    assert decoded.text.splitlines()[1] == "Héctor,hector@example.org"
    assert decoded.encoding == "Windows-1252"
    assert decoded.guessed


def test_a_file_mixing_utf8_and_another_encoding_is_refused_with_its_line() -> None:
    data = "First name,Email\nNguyễn,lan@example.org\n".encode() + "Héctor,h@example.org\n".encode("cp1252")
    with pytest.raises(FileProblem, match="Line 3 is not UTF-8") as caught:
        decode(data)
    assert "CSV UTF-8" in caught.value.message


def test_bytes_that_no_encoding_we_know_explains_are_refused() -> None:
    with pytest.raises(FileProblem, match="line 2 is neither UTF-8 nor Windows-1252"):
        decode(b"First name,Email\nAn\x81a,a@example.org\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \r\n\r\n", "The file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "older Excel workbook (.xls)"),
        (b"%PDF-1.7\n", "This is a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"a" * (csvfile.MAX_BYTES + 1), "over 10 MB"),
    ],
)
def test_files_that_are_not_csv_are_refused_plainly(data: bytes, message: str) -> None:
    with pytest.raises(FileProblem, match=re.escape(message)):
        decode(data)


@pytest.mark.parametrize(
    "heading",
    [
        "First name",
        "first_name",
        "FIRST NAME",
        " First  Name ",
        "FirstName",
        "first-name",
        "Given name",
        "Prénom",
    ],
)
def test_headings_match_whatever_their_case_spacing_or_usual_synonym(heading: str) -> None:
    sheet = read_sheet(f"{heading},E-mail\nAna,ana@example.org\n")
    assert sheet.headings == {"first_name": " ".join(heading.split()), "email": "E-mail"}


def test_every_heading_and_alias_names_one_column() -> None:
    seen: dict[str, str] = {}
    for column in csvfile.COLUMNS:
        for name in (column.key, column.label, *column.aliases):
            assert seen.setdefault(csvfile.heading_key(name), column.key) == column.key, name


def test_unknown_columns_are_reported_once_not_as_errors() -> None:
    sheet = read_sheet("Email,First name,Shirt size,,Notes\na@example.org,Ana,M,,hi\n")
    assert sheet.ignored == ["Shirt size", "Notes"]
    assert sheet.rows[0].cells == {"email": "a@example.org", "first_name": "Ana"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Family name,Email\nRuiz,a@example.org\n", "there is no “First name” column"),
        ("First name,Phone\nAna,555\n", "there is no “Email” column"),
        ("Name,Email\nAna Ruiz,a@example.org\n", "split it into “First name” and “Family name”"),
        (
            "Email,E-mail,First name\na@example.org,b@example.org,Ana\n",
            "“Email” and “E-mail” both hold Email",
        ),
        ("First name,Email\r\n", "column headings but no rows of people"),
        ("First name,Email\n\n,,\n  ,\n", "column headings but no rows of people"),
        ('"First name,Email\nAna,a@example.org\n', "Row 1, the column headings"),
    ],
)
def test_a_file_without_what_an_import_needs_is_refused(text: str, message: str) -> None:
    with pytest.raises(FileProblem, match=message):
        read_sheet(text)


def test_too_many_rows_are_refused_before_anything_is_checked() -> None:
    rows = "".join(f"P{n},p{n}@example.org\n" for n in range(csvfile.MAX_ROWS + 1))
    with pytest.raises(FileProblem, match="more than 10,000 rows"):
        read_sheet("First name,Email\n" + rows)


def test_row_numbers_are_those_a_spreadsheet_shows() -> None:
    text = (
        "\r\n"  # row 1 is blank: the headings are row 2
        "First name,Email,Accessibility needs\r\n"
        'Ana,ana@example.org,"Step-free access,\r\nlarge print"\r\n'  # one row, with a line break inside
        "\r\n"
        ",,\r\n"
        "Bo,bo@example.org,\r\n"
    )
    sheet = read_sheet(text)
    assert [row.number for row in sheet.rows] == [3, 6]
    assert sheet.rows[0].cells["accessibility_needs"] == "Step-free access,\r\nlarge print"


def test_semicolons_from_european_excel_and_tabs_are_understood() -> None:
    for delimiter in (";", "\t"):
        sheet = read_sheet(f"First name{delimiter}Email\nAna{delimiter}ana@example.org\n")
        assert sheet.delimiter == delimiter
        assert sheet.rows[0].cells == {"first_name": "Ana", "email": "ana@example.org"}


def test_quoted_commas_quotes_and_line_breaks_stay_in_their_cell() -> None:
    sheet = read_sheet('First name,Email,Organization\n"Ana ""Annie""",a@example.org,"Tucson, City of"\n')
    assert sheet.rows[0].cells["first_name"] == 'Ana "Annie"'
    assert sheet.rows[0].cells["organization"] == "Tucson, City of"


def test_broken_quotes_and_extra_cells_are_problems_of_their_row_only() -> None:
    sheet = read_sheet(
        "First name,Email\n"
        'Ana "the mayor" Ruiz,a@example.org\n'  # quotes inside an unquoted cell are kept as text
        '"Bo"x,b@example.org\n'
        "Cy,c@example.org,Tucson, AZ\n"
        "Di,d@example.org,,\n"
        '"Ed,e@example.org\n'
    )
    problems = {row.number: row.problem for row in sheet.rows}
    assert problems[2] is None
    assert sheet.rows[0].cells["first_name"] == 'Ana "the mayor" Ruiz'
    assert "quotes in this row are not placed right" in problems[3]
    assert "4 cells but there are only 2 column headings" in problems[4]
    assert problems[5] is None  # empty extra cells, as Excel sometimes leaves
    assert "never closed" in problems[6]


def test_the_guard_apostrophe_comes_off_on_the_way_in() -> None:
    sheet = read_sheet("First name,Email,Phone\n'=HYPERLINK(\"x\"),a@example.org,'+44 20 7946 0958\n")
    assert sheet.rows[0].cells["first_name"] == '=HYPERLINK("x")'
    assert sheet.rows[0].cells["phone"] == "+44 20 7946 0958"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("x", True),
        ("no", False),
        ("", False),
        ("maybe", None),
    ],
)
def test_yes_and_no(value: str, expected: bool | None) -> None:
    assert csvfile.parse_yes_no(value) is expected


def test_choices_match_by_value_or_label() -> None:
    choices = {"gluten_free": "Gluten-free", "none": "No dietary needs"}
    assert csvfile.match_choice("gluten free", choices) == "gluten_free"
    assert csvfile.match_choice("GLUTEN_FREE", choices) == "gluten_free"
    assert csvfile.match_choice("No dietary needs", choices) == "none"
    assert csvfile.match_choice("pescatarian", choices) is None


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
        ("+1 312 555 0143", "'+1 312 555 0143"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("O'Connor", "O'Connor"),
        ("'Ōlelo", "'Ōlelo"),
        ("Ana", "Ana"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(value: str, written: str) -> None:
    assert neutralize(value) == written
    assert unneutralize(written) == value


@given(st.text())
def test_neutralized_text_never_starts_a_formula_and_comes_back_exactly(value: str) -> None:
    written = neutralize(value)
    assert written[:1] not in csvfile.FORMULA_STARTS
    assert unneutralize(written) == value


def test_written_files_open_in_excel_with_a_bom_and_crlf() -> None:
    text = "".join(write_csv([["First name", "Email"], ["Nguyễn", "lan@example.org"], ["=1+1", None]]))
    assert text.startswith("\ufeff")
    assert text.encode()[:3] == codecs.BOM_UTF8
    assert text == "\ufeffFirst name,Email\r\nNguyễn,lan@example.org\r\n'=1+1,\r\n"


def test_writing_comes_in_chunks_for_streaming() -> None:
    chunks = list(write_csv(([f"row {n}"] for n in range(450)), batch=200))
    assert len(chunks) == 3
    assert "".join(chunks).count("\r\n") == 450


# Cells as people type them: any text but the NUL that marks a binary file and lone surrogates.
CELL = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30)


@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=8), st.sampled_from(NAMES))
def test_what_is_written_reads_back_unchanged(rows: list[tuple[str, str, str]], name: str) -> None:
    rows = [(name, *rest) for _, *rest in rows]  # a first name in every row, so none is blank
    written = "".join(write_csv([["First name", "Email", "Organization"], *rows]))
    sheet = read_sheet(decode(written.encode("utf-8")).text)
    assert [(r.cells["first_name"], r.cells["email"], r.cells["organization"]) for r in sheet.rows] == rows
    assert all(row.problem is None for row in sheet.rows)
    assert [row.number for row in sheet.rows] == list(range(2, len(rows) + 2))


@given(st.text(st.characters(codec="cp1252", exclude_characters="\x00"), min_size=1))
def test_windows_1252_text_is_read_exactly_or_refused_never_garbled(text: str) -> None:
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return  # bytes that are valid UTF-8 too ("Ã©" is "é"): UTF-8 wins, as it should for any real file
    if not data.strip():
        return
    if csvfile._UTF8_SEQUENCE.search(data):
        with pytest.raises(FileProblem, match="not UTF-8 while the rest of the file is"):
            decode(data)
    else:
        assert decode(data) == csvfile.Decoded(text, "Windows-1252")


@given(st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1))
def test_any_utf8_text_decodes_to_itself_with_or_without_bom(text: str) -> None:
    if text.encode().strip():
        assert decode(text.encode()).text == text
        assert decode(codecs.BOM_UTF8 + text.encode()).text == text


def test_csv_module_agrees_with_our_reading_of_quotes() -> None:
    """Our writer is the csv module's; a file another program quoted fully reads the same."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows([["First name", "Email"], ["Zoë", "z@example.org"]])
    assert read_sheet(buffer.getvalue()).rows[0].cells == {"first_name": "Zoë", "email": "z@example.org"}
