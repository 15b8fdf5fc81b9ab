"""Schemathesis hooks for Halles.

Every POST honours Idempotency-Key: the same key with another body is refused (422,
`idempotency_key_reused`), which is right for a client but not for a fuzzer that draws keys
from a small alphabet. Each request gets a fresh key, so a refusal means the data was refused.
"""

import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.method.upper() == "POST":
        headers = dict(case.headers or {})
        headers["Idempotency-Key"] = str(uuid.uuid4())
        case.headers = headers
