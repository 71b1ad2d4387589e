"""Cleaning what people type: names in every script stay as written; invisible tricks are refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from convening.text import clean_block, clean_line, forbidden_characters


def test_lines_are_composed_and_their_spaces_collapsed() -> None:
    assert clean_line("  He\u0301ctor \t\u00a0 Ramírez  ") == "Héctor Ramírez"
    assert clean_line(None) == ""


def test_blocks_keep_paragraphs_but_not_runs_of_blank_lines() -> None:
    assert clean_block("Wheelchair  access\r\n\r\n\r\n\r\nASL\rinterpretation ") == (
        "Wheelchair access\n\nASL\ninterpretation"
    )


def test_names_in_every_script_are_allowed() -> None:
    for name in ("Nguyễn Thị Minh Khai", "李小龍", "محمد عبد الله", "Ngũgĩ wa Thiong'o", "🌽 Ana", "ʻIolani"):
        assert forbidden_characters(clean_line(name)) is None, name


def test_control_characters_and_bidi_overrides_are_refused() -> None:
    assert forbidden_characters("Ana\x00") == "Remove the invisible control characters."
    assert forbidden_characters("line\nbreak") == "Remove the invisible control characters."
    assert forbidden_characters("line\nbreak", multiline=True) is None
    assert forbidden_characters("evil\u202egnp.exe") == "Remove the invisible text-direction characters."
    assert forbidden_characters("private\ue000use") == "Remove the characters that cannot be displayed."


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_no_edges(text: str) -> None:
    once = clean_line(text)
    assert clean_line(once) == once
    assert once == once.strip()
    block = clean_block(text)
    assert clean_block(block) == block


@given(st.text())
def test_whatever_passes_the_check_is_safe_to_store(text: str) -> None:
    cleaned = clean_line(text)
    if forbidden_characters(cleaned) is None:
        assert "\x00" not in cleaned
        assert not any(ord(char) < 32 for char in cleaned)
