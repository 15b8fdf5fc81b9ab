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


def _is_server_cursor(value):
    """Cursors are opaque values the server hands out in `Link: rel="next"`."""
    import base64

    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except Exception:
        return False
    return text.startswith("id:") and text[3:].lstrip("-").isdigit()


@schemathesis.hook
def map_query(context, query):
    # A drawn cursor is garbage the server rightly refuses (400 `invalid_cursor`); only those it
    # issued, or none, are valid requests.
    if query and "cursor" in query and query["cursor"] and not _is_server_cursor(str(query["cursor"])):
        del query["cursor"]
    return query
