"""Requests answered properly: files with the answer (checked like every upload, served only to the
applicant with number + code and to the unit's handlers), a mail to the applicant when an address was
given, and a forgotten code re-sent to the address on file without telling anyone whether a number exists."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participation.models import AnswerAttachment
from participation.services import RequestError, request_accept, request_answer, request_refuse, request_verify
from tests.builders import pdf_bytes

pytestmark = pytest.mark.django_db


def _pdf(name="答复材料.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("答复"), content_type="application/pdf")


def _verify(client, number, code):
    return client.post(reverse("participation:request_status"), {"tracking_number": number, "code": code})


@pytest.fixture
def accepted(make_request, staff):
    created = make_request()
    request_accept(request=created.request, actor=staff("wj_editor"))
    return created


def test_staff_answer_with_a_file_and_only_the_applicant_downloads_it(client, accepted, staff, outsider_editor):
    req = accepted.request
    client.force_login(staff("wj_editor"))
    url = reverse("participation_admin:request_action", args=[req.pk, "answer"])
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and "答复附件" in form
    response = client.post(url, {"outcome": "disclosed", "answer_text": "现将2025年度党费情况答复如下。", "attachments": [_pdf()]})
    assert response.status_code == 302
    attachment = AnswerAttachment.objects.get(request=req)
    assert attachment.name == "答复材料.pdf"
    admin_file = reverse("participation_admin:request_attachment", args=[req.pk, attachment.pk])
    assert client.get(admin_file).status_code == 200
    client.force_login(outsider_editor)
    assert client.get(admin_file).status_code in (302, 403, 404)

    client.logout()
    public_file = reverse("participation:request_attachment", args=[req.tracking_number, attachment.pk])
    assert client.get(public_file).status_code == 404  # not verified in this session
    _verify(client, req.tracking_number, "AAAA-BBBB-CCCC")
    assert client.get(public_file).status_code == 404  # a wrong code verifies nothing
    _verify(client, req.tracking_number, accepted.secret_code)
    detail = client.get(reverse("participation:request_detail", args=[req.tracking_number])).content.decode()
    assert public_file in detail and "答复材料.pdf" in detail
    download = client.get(public_file)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # the file is not under MEDIA_ROOT, so no /media/ URL reaches it
    from django.conf import settings

    assert not str(attachment.file.path).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("假的.pdf", b"MZ\x90\x00 not a pdf"), "文件内容与扩展名 .pdf 不符"),
        (SimpleUploadedFile("程序.exe", b"MZ\x90\x00"), "不支持的文件类型"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_and_nothing_is_answered(client, accepted, staff, upload, message):
    req = accepted.request
    client.force_login(staff("wj_editor"))
    url = reverse("participation_admin:request_action", args=[req.pk, "answer"])
    response = client.post(url, {"outcome": "disclosed", "answer_text": "答复内容保留", "attachments": [upload]})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "答复内容保留" in html
    req.refresh_from_db()
    assert req.status == "accepted" and not AnswerAttachment.objects.exists()


def test_the_service_checks_files_too(accepted, staff):
    with pytest.raises(RequestError):
        request_answer(
            request=accepted.request,
            actor=staff("wj_editor"),
            outcome="disclosed",
            answer_text="答复",
            attachments=[SimpleUploadedFile("x.png", b"not a png")],
        )


def test_the_applicant_is_mailed_when_answered_without_the_code_or_the_answer(
    accepted, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_answer(request=accepted.request, actor=staff("wj_editor"), outcome="disclosed", answer_text="党费收缴明细如下：机密数字")
    assert [m.to for m in mail.outbox] == [["zhangsan@example.com"]]
    message = mail.outbox[0]
    assert accepted.request.tracking_number in message.subject and "已答复" in message.subject
    assert "予以公开" in message.body and "/requests/status/?number=" in message.body
    assert accepted.secret_code not in message.body and "机密数字" not in message.body


def test_no_address_no_mail(make_request, staff, django_capture_on_commit_callbacks):
    created = make_request(contact_email="")
    with django_capture_on_commit_callbacks(execute=True):
        request_refuse(request=created.request, actor=staff("wj_editor"), reason="不属于本单位职责")
    assert mail.outbox == []


def test_a_refusal_is_mailed_too(make_request, staff, django_capture_on_commit_callbacks):
    created = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        request_refuse(request=created.request, actor=staff("wj_editor"), reason="不属于本单位职责")
    assert len(mail.outbox) == 1 and "不予受理" in mail.outbox[0].subject


def _resend(client, number, email):
    return client.post(reverse("participation:request_resend"), {"tracking_number": number, "email": email})


def test_a_forgotten_code_is_replaced_and_sent_to_the_address_on_file(client, make_request, django_capture_on_commit_callbacks):
    created = make_request()
    number = created.request.tracking_number
    assert "忘记查询码" in client.get(reverse("participation:request_status")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _resend(client, number.lower(), "ZhangSan@Example.com")
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["zhangsan@example.com"]]
    new_code = re.search(r"新的查询码：([A-Z0-9-]{14})", mail.outbox[0].body).group(1)
    assert request_verify(tracking_number=number, code=new_code) is not None
    assert request_verify(tracking_number=number, code=created.secret_code) is None  # the old code is void


def test_the_answer_is_the_same_whether_or_not_the_number_or_address_exists(client, make_request, django_capture_on_commit_callbacks):
    created = make_request()
    number = created.request.tracking_number
    with django_capture_on_commit_callbacks(execute=True):
        right = _resend(client, number, "zhangsan@example.com").content.decode()
        wrong_address = _resend(client, number, "someone@example.com").content.decode()
        unknown = _resend(client, "YSQ-2026-999999", "zhangsan@example.com").content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(right) == strip(wrong_address) == strip(unknown)
    assert "新的查询码已发送到该邮箱" in right
    assert len(mail.outbox) == 1  # only the matching one
    assert request_verify(tracking_number=number, code=created.secret_code) is None


def test_resending_is_rate_limited(client, make_request, settings):
    settings.PARTICIPATION_RESEND_RATE = "3/h"
    created = make_request()
    for _ in range(3):
        assert _resend(client, created.request.tracking_number, "nobody@example.com").status_code == 200
    assert _resend(client, created.request.tracking_number, "zhangsan@example.com").status_code == 429
    assert mail.outbox == []


def test_resend_form_errors_are_chinese_and_keep_what_was_typed(client, db):
    response = _resend(client, "YSQ-2026-000001", "不是邮箱")
    html = response.content.decode()
    assert response.status_code == 200 and "请填写有效的电子邮箱" in html and "YSQ-2026-000001" in html
