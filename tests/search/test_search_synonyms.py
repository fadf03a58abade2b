"""Synonyms and abbreviations, edited in the Wagtail admin (片段 › 检索同义词)
and applied at query time by both backends (issue 4 point 4)."""

from __future__ import annotations

import pytest

from search.models import Synonym, split_terms
from search.services import index_sync
from tests.builders import make_item
from tests.search.helpers import WJ, ZJ, found_titles

ADD_URL = "/admin/snippets/search/synonym/add/"


@pytest.fixture
def items(embedded_site_backend):
    found = [
        make_item(WJ, "1-1-1", title="鲲鹏计划班子分工", scope="public"),
        make_item(ZJ, "1-1-1", title="浈江区鲲鹏工作", scope="public"),
    ]
    index_sync(item_ids=[i.pk for i in found])
    return found


def test_seeded_list_is_in_the_admin(admin_client):
    content = admin_client.get("/admin/snippets/search/synonym/").content.decode()
    assert "纪委 ↔ 纪律检查委员会 ↔ 纪检委" in content
    assert "三重一大 ↔ 重大事项决策、重要干部任免、重大项目安排和大额度资金使用" in content


def test_synonym_added_in_the_admin_applies_at_once(admin_client, client, items):
    assert found_titles("大鹏") == []
    response = admin_client.post(ADD_URL, {"terms": "鲲鹏\n大鹏", "note": "测试", "enabled": "on"})
    assert response.status_code == 302
    assert sorted(found_titles("大鹏")) == ["浈江区鲲鹏工作", "鲲鹏计划班子分工"]
    assert "<mark>鲲鹏</mark>" in client.get("/search/", {"q": "大鹏"}).content.decode()


def test_disabled_synonym_is_not_applied(items):
    group = Synonym.objects.create(terms="鲲鹏\n大鹏", enabled=True)
    assert len(found_titles("大鹏")) == 2
    group.enabled = False
    group.save()
    assert found_titles("大鹏") == []


def test_admin_form_rejects_a_single_term(admin_client):
    response = admin_client.post(ADD_URL, {"terms": "鲲鹏\n鲲鹏", "enabled": "on"})
    assert response.status_code == 200
    assert "一组同义词至少要有两个不同的词语" in response.content.decode()
    assert not Synonym.objects.filter(terms__contains="鲲鹏").exists()


def test_admin_form_rejects_a_term_without_text(admin_client):
    response = admin_client.post(ADD_URL, {"terms": "鲲鹏 ↔ ！！", "enabled": "on"})
    assert "“！！”中没有可检索的文字或数字" in response.content.decode()


def test_a_term_may_itself_contain_commas():
    assert split_terms("三重一大 ↔ 重大事项决策、重要干部任免\n\n三重一大") == [
        "三重一大",
        "重大事项决策、重要干部任免",
    ]
