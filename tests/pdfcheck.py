"""Reading badge PDFs in tests as a printer and a scanner would: pages, text, QR codes and embedded glyphs.

Text comes from poppler's pdftotext, pages are drawn by pdftoppm at the issue's 150 dpi and QR codes are
read by zxing-cpp, a real decoder: nothing here trusts what the renderer says it drew.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import zxingcpp
from fontTools.cffLib import CFFFontSet
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def write(pdf: bytes, tmp_path: Path, name: str = "badges.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


def text(path: Path, *, page: int | None = None) -> str:
    """The PDF's text in content order (`-raw`), NFKC-folded (Arabic presentation forms become letters)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    output = subprocess.run(
        ["pdftotext", "-raw", *pages, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return unicodedata.normalize("NFKC", output)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text))


def printed(name: str, text: str) -> bool:
    """Whether `name` is in the extracted text, wrapped over lines or not.

    A name wrapped on the badge comes out with a line break where it wrapped, so whitespace is collapsed
    on both sides, and a break after a hyphen joins the two halves again. Right-to-left names are compared
    word by word and letter by letter: pdftotext puts Arabic words in visual order (محمد عبد الله comes
    out as الله عبد محمد, with direction marks) and may reorder the letters inside a ligature, so for them
    the same words, each with the same letters, count.
    """
    flat = " ".join(unicodedata.normalize("NFKC", text).replace("-\n", "-").split())
    wanted = " ".join(unicodedata.normalize("NFKC", name).split())
    if wanted in flat:
        return True
    if not RIGHT_TO_LEFT.search(wanted):
        return False
    found = {"".join(sorted(word)) for word in words(flat)}
    return all("".join(sorted(word)) in found for word in words(wanted))


@dataclass(frozen=True)
class Word:
    """A word on a page and its box, in points from the page's top left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def word_boxes(path: Path, page: int) -> list[Word]:
    """Where each word of a page is printed, from `pdftotext -bbox`."""
    output = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        Word(unicodedata.normalize("NFKC", html.unescape(word)), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, word in _WORD.findall(output)
    ]


def image_count(path: Path) -> int:
    """Distinct images embedded in the PDF: pdfimages lists each placement, with the image's object."""
    output = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in output.stdout.splitlines()[2:]]  # after two header lines
    return len({(row[10], row[11]) for row in rows})  # object number and generation


def page_images(path: Path, tmp_path: Path, *, dpi: int = 150) -> list[Path]:
    """Every page as a PNG, in order, as a volunteer's phone would see the printed sheet."""
    prefix = tmp_path / f"{path.stem}-page"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix)], check=True)
    # pdftoppm pads page numbers to the width of the last one, so names sort in page order.
    return sorted(tmp_path.glob(f"{path.stem}-page-*.png"))


@dataclass(frozen=True)
class Code:
    """A decoded QR code and its centre on the page, in points from the top left corner."""

    text: str
    x: float
    y: float


def qr_codes(image: Path, *, dpi: int = 150) -> list[Code]:
    """Every QR code on the page, top to bottom, then left to right."""
    found = []
    for code in zxingcpp.read_barcodes(Image.open(image), formats=zxingcpp.QRCode):
        corners = (code.position.top_left, code.position.top_right, code.position.bottom_left)
        corners += (code.position.bottom_right,)
        x = sum(point.x for point in corners) / 4 * 72 / dpi
        y = sum(point.y for point in corners) / 4 * 72 / dpi
        found.append(Code(code.text, x, y))
    found.sort(key=lambda code: (round(code.y / 36), code.x))
    return found


def qr_pages(path: Path, tmp_path: Path) -> list[list[str]]:
    """The QR payloads of each page, page by page, each page's top to bottom and left to right."""
    return [[code.text for code in qr_codes(image)] for image in page_images(path, tmp_path)]


# --- embedded fonts --------------------------------------------------------------------------------------

_HEX = r"<([0-9A-Fa-f]+)>"
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be")


def to_unicode(cmap: str) -> dict[int, str]:
    """A ToUnicode CMap as glyph code -> text (a ligature's code maps to several characters)."""
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        for code, target in re.findall(rf"{_HEX}\s*{_HEX}", block):
            mapping[int(code, 16)] = _utf16(target)
    for block in _BFRANGE.findall(cmap):
        for start, end, target in re.findall(rf"{_HEX}\s*{_HEX}\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            first, last = int(start, 16), int(end, 16)
            if target.startswith("["):
                for offset, item in enumerate(re.findall(_HEX, target)):
                    mapping[first + offset] = _utf16(item)
            else:
                base = _utf16(target[1:-1])
                for offset in range(last - first + 1):
                    mapping[first + offset] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


@dataclass
class EmbeddedFont:
    name: str
    glyphs: dict[int, str]  # glyph id -> the text it draws, from the ToUnicode map
    inked: set[int]  # those of its glyph ids with an outline in the embedded font program


def _inked_glyphs(descriptor: dict, wanted: set[int]) -> set[int]:
    """Which of the `wanted` glyph ids draw something in the embedded program (TrueType, or CFF)."""
    if "/FontFile2" in descriptor:
        font = TTFont(BytesIO(descriptor["/FontFile2"].get_object().get_data()))
    else:
        stream = descriptor["/FontFile3"].get_object()
        data = stream.get_data()
        if stream.get("/Subtype") == "/OpenType":
            font = TTFont(BytesIO(data))
        else:  # bare CFF (CIDFontType0C): glyph order follows the charset, glyph id = index
            cff = CFFFontSet()
            cff.decompile(BytesIO(data), None)
            top = cff[cff.fontNames[0]]
            return _with_ink(top.CharStrings, top.getGlyphOrder(), wanted)
    return _with_ink(font.getGlyphSet(), font.getGlyphOrder(), wanted)


def _with_ink(glyphs: object, order: list[str], wanted: set[int]) -> set[int]:
    """A glyph id beyond the font's glyphs (how a missing glyph can be drawn) has no ink either."""
    return {gid for gid in wanted if gid < len(order) and _has_ink(glyphs, order[gid])}


def _has_ink(glyphs: object, name: str) -> bool:
    pen = BoundsPen(glyphs)  # the glyph set resolves the components of composite glyphs
    glyphs[name].draw(pen)  # type: ignore[index]
    return pen.bounds is not None


def embedded_fonts(path: Path) -> list[EmbeddedFont]:
    """The composite (Type0, Identity-H) fonts the PDF embeds, with what each glyph drawn stands for.

    WeasyPrint writes CIDToGIDMap /Identity, so a code in the text is the glyph id in the font program.
    """
    fonts: dict[int, EmbeddedFont] = {}
    for page in PdfReader(path).pages:
        for reference in page["/Resources"].get("/Font", {}).values():
            if reference.idnum in fonts:
                continue
            font = reference.get_object()
            assert font["/Subtype"] == "/Type0", f"{font['/BaseFont']} is not a composite font"
            descendant = font["/DescendantFonts"][0].get_object()
            assert descendant.get("/CIDToGIDMap", "/Identity") == "/Identity", font["/BaseFont"]
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, (
                f"{font['/BaseFont']} not embedded"
            )
            glyphs = to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
            fonts[reference.idnum] = EmbeddedFont(
                str(font["/BaseFont"]), glyphs, _inked_glyphs(descriptor, set(glyphs))
            )
    return list(fonts.values())


def missing_glyphs(path: Path, names: list[str]) -> set[str]:
    """The characters of `names` no embedded font draws with a real glyph: a box in print, if any.

    A character counts as drawn when some font maps a glyph other than glyph 0 (.notdef, the box) to it
    and that glyph has an outline in the embedded program. Characters are compared decomposed (NFD), so
    ễ drawn as e plus two marks, or as one precomposed glyph, both count. Spaces draw no ink.
    """
    drawn: set[str] = set()
    for font in embedded_fonts(path):
        for glyph, chars in font.glyphs.items():
            if glyph != 0 and glyph in font.inked:
                drawn |= set(unicodedata.normalize("NFD", chars)) | set(unicodedata.normalize("NFC", chars))
    wanted = {char for name in names for char in unicodedata.normalize("NFD", name) if not char.isspace()}
    return wanted - drawn


def notdef_drawn(path: Path) -> list[str]:
    """Fonts whose ToUnicode maps glyph 0: the text drew a .notdef box somewhere."""
    return [font.name for font in embedded_fonts(path) if 0 in font.glyphs]
