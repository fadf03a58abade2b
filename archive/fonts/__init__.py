"""The archive's PDF font: Noto Serif CJK SC re-cut so that WeasyPrint's subsets stay small.

WeasyPrint subsets an embedded font *keeping glyph ids* (its content streams address glyphs by
id), so a subset still carries an empty entry (hmtx, vmtx, CFF offsets) for every glyph below the
highest one used. In Noto Serif CJK SC (65,000 glyphs) the Chinese of one approval form reaches
glyph ~59,000: 150 KB per PDF, of which the glyphs actually drawn are ~15 KB. Here the SC face is
cut once per machine into a single-face font (no vertical metrics, no layout tables, no hinting)
whose glyphs are ordered by how often this platform uses them: the characters of its own forms,
catalogues and procedures (priority.txt, most frequent first), then GB 2312 level 1 and 2, then
every other character the face has. Every character of the original is still there, so nothing
falls back; typical forms use glyphs below ~4,500 and their PDFs are about a third of the size.

Built with HarfBuzz's subsetter (libharfbuzz-subset, which WeasyPrint itself needs; ~1 s) and
fontTools (reordering, a few seconds), into settings.ARCHIVE_FONT_DIR (VAR_DIR/fonts/) under a name that changes with the source
font and the recipe. Built when a web worker starts (archive.pdf.warm_up from cms/wsgi.py) or at
the first PDF; without the source font the PDFs use what fontconfig finds, as before.

No Django imports: spawned PDF worker processes use it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

SOURCE_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Serif CJK SC"
FAMILY = "Archive Serif"
RECIPE = 1  # bump when the cut below changes
PRIORITY_FILE = Path(__file__).with_name("priority.txt")
DROP_TABLES = (b"vmtx", b"vhea", b"VORG", b"BASE", b"DSIG", b"GSUB", b"GPOS", b"GDEF", b"JSTF")


def font_path(font_dir: Path, source: Path = SOURCE_FONT) -> Path:
    """Where the cut font of this source lives (whether or not it is built yet)."""
    stat = source.stat()
    key = f"{RECIPE}:{source}:{stat.st_size}:{int(stat.st_mtime)}:{PRIORITY_FILE.read_text(encoding='utf-8')}"
    return Path(font_dir) / f"ArchiveSerif-{hashlib.sha256(key.encode()).hexdigest()[:12]}.otf"


def ensure_font(font_dir: Path, source: Path = SOURCE_FONT) -> Path | None:
    """The cut font's path, building it if needed; None when the source font is not installed
    (the PDFs then fall back to the fonts fontconfig finds, as before)."""
    if not source.exists():
        return None
    path = font_path(font_dir, source)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    data = build_font(source)
    # Written under a temporary name and renamed: concurrent builders (several workers starting
    # at once) each produce the same bytes, and no reader ever sees half a font.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".otf")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; the web server's user must read it
    os.replace(tmp, path)
    return path


def character_order(cmap: dict[int, str]) -> list[int]:
    """Code points of the face, most used first (see the module docstring)."""
    order: list[int] = []
    seen: set[int] = set()

    def add(code: int) -> None:
        if code in cmap and code not in seen:
            seen.add(code)
            order.append(code)

    for code in range(0x20, 0x7F):  # ASCII: digits and dates are on every form
        add(code)
    for char in PRIORITY_FILE.read_text(encoding="utf-8"):
        add(ord(char))
    for high in range(0xA1, 0xF8):  # GB 2312 row by row: symbols, level 1 (0xB0–0xD7), level 2
        for low in range(0xA1, 0xFF):
            try:
                add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for code in sorted(cmap):
        add(code)
    return order


def build_font(source: Path = SOURCE_FONT) -> bytes:
    import io

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    index = _face_index(source, SOURCE_FAMILY)
    # The face's bounding box is kept as HarfBuzz wrote it: reordering changes no outline.
    cut = TTFont(io.BytesIO(_harfbuzz_cut(source, index)), recalcBBoxes=False)
    cmap = cut.getBestCmap()
    glyph_order = cut.getGlyphOrder()
    order = [glyph_order[0]]  # .notdef stays glyph 0
    placed = {glyph_order[0]}
    for code in character_order(cmap):
        name = cmap[code]
        if name not in placed:
            placed.add(name)
            order.append(name)
    order += [name for name in glyph_order if name not in placed]
    cff = cut["CFF "].cff
    top = cff.topDictIndex[0]
    # Noto CJK is CID-keyed: glyphs pick their Font DICT (and so their subroutines) through
    # FDSelect by glyph id. Take the charstrings out of the index under the old order first,
    # then give FDSelect the new order.
    charstrings = top.CharStrings
    glyphs = {name: charstrings[name] for name in glyph_order}
    fd_of = {name: top.FDSelect[gid] for gid, name in enumerate(glyph_order)} if hasattr(top, "FDSelect") else None
    reorderGlyphs(cut, order)
    charstrings.charStrings = {name: glyphs[name] for name in order}
    charstrings.charStringsAreIndexed = False
    if fd_of is not None:
        top.FDSelect.gidArray = [fd_of[name] for name in order]
        for name in order:
            glyphs[name].fdSelectIndex = fd_of[name]
    cut["name"].setName(FAMILY, 1, 3, 1, 0x409)
    cut["name"].setName(FAMILY, 4, 3, 1, 0x409)
    out = io.BytesIO()
    cut.save(out)
    return out.getvalue()


def _face_index(source: Path, family: str) -> int:
    from fontTools.ttLib import TTCollection

    if source.suffix.lower() not in (".ttc", ".otc"):
        return 0
    with TTCollection(str(source), lazy=True) as collection:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == family:
                return index
    raise LookupError(f"{source} 中没有 {family}")


def _harfbuzz_cut(source: Path, index: int) -> bytes:
    """The face with every character it maps and nothing else: no hinting, no layout closure, no vertical metrics."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(
        """
        typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
        typedef struct hb_subset_input_t hb_subset_input_t;
        hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
        void hb_blob_destroy(hb_blob_t *blob);
        const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
        hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
        void hb_face_destroy(hb_face_t *face);
        hb_blob_t *hb_face_reference_blob(hb_face_t *face);
        void hb_set_add(hb_set_t *set, uint32_t codepoint);
        void hb_set_invert(hb_set_t *set);
        uint32_t hb_tag_from_string(const char *str, int len);
        hb_subset_input_t *hb_subset_input_create_or_fail(void);
        void hb_subset_input_destroy(hb_subset_input_t *input);
        hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
        hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
        void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
        hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
        """
    )
    hb = ffi.dlopen("libharfbuzz-subset.so.0")
    no_hinting, notdef_outline, no_layout_closure = 0x1, 0x40, 0x200
    sets_drop_table_tag = 3
    blob = hb.hb_blob_create_from_file_or_fail(str(source).encode())
    if blob == ffi.NULL:
        raise OSError(f"无法读取字体 {source}")
    face = hb.hb_face_create(blob, index)
    subset_input = hb.hb_subset_input_create_or_fail()
    try:
        hb.hb_set_invert(hb.hb_subset_input_unicode_set(subset_input))  # every character
        drop = hb.hb_subset_input_set(subset_input, sets_drop_table_tag)
        for tag in DROP_TABLES:
            hb.hb_set_add(drop, hb.hb_tag_from_string(tag, -1))
        hb.hb_subset_input_set_flags(subset_input, no_hinting | notdef_outline | no_layout_closure)
        cut = hb.hb_subset_or_fail(face, subset_input)
        if cut == ffi.NULL:
            raise OSError(f"无法裁切字体 {source}")
        cut_blob = hb.hb_face_reference_blob(cut)
        length = ffi.new("unsigned int *")
        data = ffi.buffer(hb.hb_blob_get_data(cut_blob, length), length[0])[:]
        hb.hb_blob_destroy(cut_blob)
        hb.hb_face_destroy(cut)
        return data
    finally:
        hb.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
