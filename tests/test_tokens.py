"""The badge token codec: opaque, long enough, forgiving of how people and scanners type it."""

from __future__ import annotations

import io

import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from convening.badges.qr import qr_png
from convening.badges.tokens import ALPHABET, PREFIX, RANDOM_CHARS, new_token, normalize


def test_a_token_is_a_prefix_and_130_random_bits_without_look_alikes() -> None:
    token = new_token()
    assert token.startswith(PREFIX)
    assert len(token) == len(PREFIX) + RANDOM_CHARS
    assert set(token[len(PREFIX) :]) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) ** RANDOM_CHARS >= 2**128


def test_tokens_do_not_repeat() -> None:
    assert len({new_token() for _ in range(10_000)}) == 10_000


def test_typed_tokens_are_forgiven_case_spaces_and_look_alikes() -> None:
    token = "C1" + "0123456789ABCDEFGHJKMNPQRS"
    typed = " c1-0l23 4567 89ab-cdef ghjk mnpq rs "
    assert normalize(typed) == token
    assert normalize(token.replace("0", "O")) == token


@given(st.text(max_size=200))
def test_anything_else_is_refused_and_never_crashes(raw: str) -> None:
    result = normalize(raw)
    assert result is None or (result.startswith(PREFIX) and len(result) == len(PREFIX) + RANDOM_CHARS)


def test_every_new_token_is_already_canonical() -> None:
    for token in (new_token() for _ in range(1000)):
        assert normalize(token) == token
        assert normalize(token.lower()) == token


def test_the_qr_code_decodes_to_the_token() -> None:
    token = new_token()
    image = Image.open(io.BytesIO(qr_png(token)))
    [code] = zxingcpp.read_barcodes(image)
    assert code.text == token
    # Upper-case base32 fits QR alphanumeric mode: a small code that phones read at once.
    assert code.symbology_identifier.startswith("]Q")
    assert image.size[0] <= (25 + 8) * 8
