"""Inbound SMS (退订, keyword queries): keep an SMPP transceiver bound and hand each deliver_sm to
sms_receive. With --simulate NUMBER TEXT, one inbound message is handled without a gateway (for
the console and file backends)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sms.backends.base import GatewayError
from sms.numbers import mask_number
from sms.services import sms_receive


class Command(BaseCommand):
    help = "接收上行短信（TD 退订、单位名称查询）：保持与短信网关（SMPP）的收发绑定。"

    def add_arguments(self, parser):
        parser.add_argument("--simulate", nargs=2, metavar=("NUMBER", "TEXT"), help="模拟一条上行短信，不连接网关")
        parser.add_argument("--max-messages", type=int, default=None, help="处理这么多条后退出")
        parser.add_argument("--reconnect-delay", type=float, default=10.0, help="连接中断后等待多少秒重连")
        parser.add_argument("--once", action="store_true", help="连接中断时退出，不重连")

    def handle(self, *args, **options):
        if options["simulate"]:
            number, text = options["simulate"]
            message = sms_receive(number=number, text=text)
            if message is None:
                raise CommandError("不是中国大陆手机号码，已忽略。")
            self.stdout.write(f"回复 {message.number_masked}：{message.text}")
            return
        if not settings.SMPP_HOST:
            raise CommandError("未配置短信网关（SMPP_HOST），可用 --simulate 模拟上行短信。")
        from sms.backends.smpp import listen

        def handle_one(number: str, text: str) -> None:
            message = sms_receive(number=number, text=text)
            if message is not None:
                self.stdout.write(f"收到 {mask_number(number)} 的短信，已回复（{message.get_kind_display()}）。")

        remaining = options["max_messages"]
        while True:
            try:
                handled = listen(handle_one, max_messages=remaining)
            except GatewayError as exc:
                self.stderr.write(str(exc))
                if options["once"]:
                    raise CommandError(str(exc))
                time.sleep(options["reconnect_delay"])
                continue
            if remaining is not None:
                remaining -= handled
                if remaining <= 0:
                    return
