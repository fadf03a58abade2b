"""Following a request with its number and secret code: a wrong code tells nothing."""

from __future__ import annotations

import re

NOT_FOUND = "申请编号或查询码不正确，或该申请不存在。"


def check(client, number, code):
    return client.post("/requests/status/", {"tracking_number": number, "code": code})


def test_right_code_shows_the_status(client, make_request):
    created = make_request()
    response = check(client, created.request.tracking_number, created.secret_code)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert created.request.tracking_number in page and "已提交（待受理）" in page
    assert "请公开2025年度党费收缴" in page


def test_code_is_accepted_in_lower_case_and_without_dashes(client, make_request):
    created = make_request()
    relaxed = created.secret_code.replace("-", "").lower()
    assert check(client, created.request.tracking_number.lower(), relaxed).status_code == 302


def test_wrong_code_and_unknown_number_get_the_same_message(client, make_request):
    created = make_request()
    wrong_code = check(client, created.request.tracking_number, "AAAA-BBBB-CCCC")
    unknown = check(client, "YSQ-2026-999999", created.secret_code)
    assert wrong_code.status_code == unknown.status_code == 200
    for response in (wrong_code, unknown):
        page = response.content.decode()
        assert NOT_FOUND in page
        assert "请公开2025年度党费收缴" not in page
    # Apart from the number typed and the CSRF token, the two pages are identical: no hint which was wrong.
    assert wrong_code.content.decode().replace(created.request.tracking_number, "X").replace(
        _csrf(wrong_code), "T"
    ) == unknown.content.decode().replace("YSQ-2026-999999", "X").replace(_csrf(unknown), "T")
    assert "AAAA-BBBB-CCCC" not in wrong_code.content.decode()  # the code typed is not echoed


def _csrf(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_status_page_needs_the_code_in_this_session(client, make_request):
    created = make_request()
    number = created.request.tracking_number
    response = client.get(f"/requests/status/{number}/")
    assert response.status_code == 302 and response["Location"] == f"/requests/status/?number={number}"
    assert "请公开2025年度党费收缴" not in client.get(response["Location"]).content.decode()


def test_status_page_masks_contact_details(client, make_request):
    created = make_request()
    check(client, created.request.tracking_number, created.secret_code)
    page = client.get(f"/requests/status/{created.request.tracking_number}/").content.decode()
    assert "138****5678" in page and "z***@example.com" in page and "张*" in page
    assert "13812345678" not in page and "zhangsan@example.com" not in page and "张三" not in page


def test_a_number_not_of_the_issued_form_is_no_request_and_asks_the_database_nothing(
    make_request, django_assert_num_queries
):
    """PostgreSQL refuses a NUL in a string literal (a 500 at /requests/status/%00/): such a number never
    reaches the database."""
    from participation.selectors import find_request

    created = make_request()
    number = created.request.tracking_number
    assert find_request(f" {number.lower()} ") == created.request
    with django_assert_num_queries(0):
        for typed in ("\x00", f"{number}\x00", "1", number.replace("YSQ", "ABC"), f"{number}/clarify"):
            assert find_request(typed) is None
