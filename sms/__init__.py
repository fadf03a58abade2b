"""手机短信: subscriptions by mobile number, publication notices, 退订 and keyword queries by SMS.

``outbox`` is where ``sms.backends.locmem.SmsBackend`` puts what it sends (as Django's mail.outbox).
"""

outbox: list = []
