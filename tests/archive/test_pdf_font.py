"""The archive's PDF font: every character of Noto Serif CJK SC, common ones first, so that each PDF's subset is small."""

from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from archive import fonts, pdf, pdf_worker
from archive.services import approval_form_record_review
from tests.archive.conftest import pdf_text

needs_noto = pytest.mark.skipif(not fonts.SOURCE_FONT.exists(), reason="fonts-noto-cjk is not installed")


@needs_noto
def test_cut_font_keeps_every_character_of_the_sc_face_with_common_ones_first():
    cut = TTFont(fonts.ensure_font(settings.ARCHIVE_FONT_DIR))
    source = TTFont(
        str(fonts.SOURCE_FONT), fontNumber=fonts._face_index(fonts.SOURCE_FONT, fonts.SOURCE_FAMILY), lazy=True
    )
    cmap = cut.getBestCmap()
    assert set(cmap) == set(source.getBestCmap())
    for table in ("vmtx", "GSUB", "GPOS"):
        assert table not in cut
    # The characters of every approval form come before the rest of the face's 44,000.
    assert all(cut.getGlyphID(cmap[ord(char)]) < 1000 for char in "党务公开事项审批表同意年月日")
    assert cut.getGlyphID(cmap[ord("堃")]) > 7000  # not in GB 2312: kept, at the end


@needs_noto
def test_font_is_built_once_and_found_again(tmp_path):
    first = fonts.ensure_font(tmp_path)
    mtime = first.stat().st_mtime_ns
    assert fonts.ensure_font(tmp_path) == first and first.stat().st_mtime_ns == mtime
    assert [path.name for path in tmp_path.iterdir()] == [first.name]  # no half-written leftovers


def test_without_the_source_font_pdfs_use_the_installed_fonts(tmp_path, monkeypatch):
    assert fonts.ensure_font(tmp_path, Path("/nonexistent/NotoSerifCJK-Regular.ttc")) is None
    monkeypatch.setattr(pdf, "CJK_FONT_FILE", Path("/nonexistent/NotoSerifCJK-Regular.ttc"))
    assert pdf.font_src().startswith('local("Noto Serif CJK SC")')


@needs_noto
@pytest.mark.django_db
def test_approval_form_pdf_embeds_a_small_subset_and_keeps_its_text(wj_item, user_named):
    form = approval_form_record_review(
        item=wj_item,
        user=user_named("wj_reviewer"),
        disclose_opinion="agree",
        disclose_reason="属于公开目录规定内容",
        secrecy_opinion="pass",
        secrecy_reason="不涉及国家秘密和个人隐私",
    )
    data = pdf.approval_form_pdf(form)
    # Noto Serif CJK SC as installed made a form ~165 KB (its subset keeps 59,000 empty glyph
    # slots); bench/archive_pdf.py measures 32 KB for its forms, this one came out at ~60 KB.
    assert len(data) < 100 * 1024, len(data)
    text = pdf_text(data)
    assert "党务公开事项审批表" in text and "不涉及国家秘密和个人隐私" in text


@needs_noto
def test_warm_up_loads_the_font_configuration_once():
    pdf_worker._font_config = None
    assert pdf.warm_up() < 30
    config = pdf_worker._font_config
    assert config is not None
    pdf.warm_up()
    assert pdf_worker._font_config is config
