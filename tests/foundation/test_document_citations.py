"""Users have never heard of "seed files": documents are cited by their titles.

The five source documents were called 种子文件000–004 while the product was written; no
template, string shown to a user, demo data or database row may say so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from participation.models import DisclosureRequest, RuleSet

ROOT = Path(settings.BASE_DIR)
SEED = "种子文件"
# Migrations keep the help texts they were written with (history); their data is checked below.
SKIP_PARTS = {".venv", "node_modules", "migrations", "tests", "var", "test-artifacts", ".git", "bench"}


def user_facing_files():
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt", ".json", ".po", ".js", ".md"}:
            continue
        if SKIP_PARTS & set(path.relative_to(ROOT).parts):
            continue
        yield path


def test_no_template_string_or_demo_data_says_seed_file():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in user_facing_files()
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="ignore").splitlines(), 1)
        if SEED in line
    ]
    assert offenders == []


@pytest.mark.django_db
def test_no_rule_set_or_request_in_the_database_says_seed_file():
    assert not RuleSet.objects.filter(name__contains=SEED).exists()
    assert not RuleSet.objects.filter(basis__contains=SEED).exists()
    assert RuleSet.objects.filter(
        name="党务公开依申请公开", basis__startswith="《龙口市科技局党支部党务公开工作实施方案》"
    ).exists()
    assert not [r.pk for r in DisclosureRequest.objects.all() if SEED in str(r.rules)]


@pytest.mark.django_db
def test_model_help_texts_cite_titles():
    from django.apps import apps

    texts = [
        str(field.help_text)
        for model in apps.get_models()
        if model.__module__.split(".")[0] in {"disclosure_pages", "participation", "archive", "deadlines", "search"}
        for field in model._meta.get_fields()
        if getattr(field, "help_text", "")
    ]
    assert texts and not [t for t in texts if SEED in t]
    assert any("《中共惠农区委党务公开若干制度（试行）》第十五条" in t for t in texts)
