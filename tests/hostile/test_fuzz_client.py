"""The CMR client fed random answers: every call ends in a result or a CmrApiError, nothing else.

hypothesis (derandomized) draws, for a random endpoint of the API map, a sequence of answers:
any status code, any headers that matter (Retry-After, Location), any body (envelopes with
wrong types, arbitrary JSON, bytes that are not UTF-8, truncated JSON) or a transport error.
A requests transport adapter serves them in-process, so thousands of cases take seconds.
The client must return a ``CmrResponse`` (``call``) or a list (``get_all``), or raise
``CmrApiError`` with a one-line message free of the API key; error reports carry no secret.
"""

from __future__ import annotations

import json
import typing as t

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient, CmrResponse

# Built at run time: hypothesis seeds its generators with the literals of this file, and would
# otherwise send the bare password as a whole body, which no client could recognise as a secret.
KEY = "-".join(("KEY", "fuzz", "0123456789abcdef", "SECRET"))
PASSWORD = "-".join(("Pw", "fuzz", "9f8e7d6c5b4a"))
ENDPOINTS = sorted((value for value in vars(_api).values() if isinstance(value, _api.Endpoint)), key=lambda e: (e.path, e.method))
EXAMPLES = 1500
CASES = {"count": 0}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
STATUS = st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504]) | st.integers(100, 599)
PAGINATION = st.fixed_dictionaries({}, optional={
    "totalPages": JSON | st.integers(0, 3), "currentPage": JSON | st.integers(0, 3), "nextPage": JSON})
PAGE = st.fixed_dictionaries({"pagination": PAGINATION}, optional={
    "users": st.lists(JSON, max_size=3), "subscriptions": st.lists(JSON, max_size=3), "password": st.just(PASSWORD)})
ENVELOPE = st.fixed_dictionaries(
    {"status": STATUS | JSON, "message": st.text(max_size=30) | JSON, "data": JSON | st.lists(JSON, max_size=3) | PAGE},
    optional={"actionId": st.text(max_size=10) | JSON, "password": st.just(PASSWORD)},
)


def encode(body: t.Any) -> bytes:
    return json.dumps(body, allow_nan=True).encode()


BODY = (
    ENVELOPE.map(encode)
    | JSON.map(encode)
    | ENVELOPE.map(lambda body: encode(body)[: max(1, len(encode(body)) // 2)])  # cut off mid-answer
    | st.binary(max_size=60)
    | st.sampled_from([b"", b"<html><body>502 Bad Gateway</body></html>", b"\xff\xfe\x00", b"null", b"[]", b"{}", b"NaN"])
)
TRANSPORT_ERRORS = st.sampled_from([
    requests.exceptions.ConnectionError("connection reset by peer"),
    requests.exceptions.ConnectTimeout("connect timed out"),
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.SSLError("certificate verify failed"),
    requests.exceptions.ChunkedEncodingError("broken chunk"),
    requests.exceptions.ContentDecodingError("bad gzip"),
    requests.exceptions.TooManyRedirects("loop"),
    requests.exceptions.InvalidURL("bad url"),
])
HEADERS = st.fixed_dictionaries({}, optional={
    "Retry-After": st.sampled_from(["0", "1", "-5", "nan", "inf", "1e308", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", ""]) | st.text(max_size=8),
    "Location": st.text(st.characters(max_codepoint=255), max_size=20),  # header text arrives as latin-1
    "Content-Type": st.sampled_from(["application/json", "text/html", "application/octet-stream"]),
})
ANSWER = st.tuples(STATUS, HEADERS, BODY) | TRANSPORT_ERRORS


class ScriptedAdapter(requests.adapters.BaseAdapter):
    """Answers each request with the next scripted answer (the last one repeats)."""

    def __init__(self, answers: list[t.Any]) -> None:
        super().__init__()
        self.answers = answers
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: t.Any) -> requests.Response:  # pylint: disable=arguments-differ
        self.sent.append(request)
        answer = self.answers[min(len(self.sent) - 1, len(self.answers) - 1)]
        if isinstance(answer, Exception):
            raise answer
        status, headers, body = answer
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = body  # pylint: disable=protected-access
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def _count(record_property: t.Any) -> t.Iterator[None]:
    CASES["count"] = 0
    yield
    record_property("generated_cases", CASES["count"])


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(ENDPOINTS), answers=st.lists(ANSWER, min_size=1, max_size=6),
       paginate=st.booleans(), items_key=st.sampled_from([None, "users", "subscriptions"]),
       retries=st.integers(0, 3), report=st.booleans())
def test_client_ends_in_a_result_or_cmr_api_error(endpoint, answers, paginate, items_key, retries, report):
    CASES["count"] += 1
    reports: list[tuple] = []
    client = CmrClient("http://127.0.0.1:9/api/v1/integration", KEY, retries=retries, retry_timeout=5, rate_limit=0,
                       backoff_initial=0, backoff_max=0, report_errors=report,
                       error_callback=lambda *args: reports.append(args))
    client._sleep = lambda seconds: None  # pylint: disable=protected-access
    adapter = ScriptedAdapter(answers)
    client._session.mount("http://", adapter)  # pylint: disable=protected-access
    body = {"userId": "U1", "password": PASSWORD}
    try:
        if paginate:
            result: t.Any = client.get_all(endpoint, {"userId": "U1"}, items_key)
            assert isinstance(result, list)
        else:
            result = client.call(endpoint, {"userId": "U1"}, body)
            assert isinstance(result, CmrResponse)
            assert isinstance(result.status, int) and isinstance(result.message, str)
    except CmrApiError as exc:
        text = str(exc)
        assert text and "\n" not in text and KEY not in text, text
        assert exc.status is None or isinstance(exc.status, int)
    finally:
        client.close()
    # Sent at most once more than the retries allow per call; a write that may have arrived is never re-sent.
    if not endpoint.safe_to_repeat and not paginate:
        assert len(adapter.sent) <= 1 + retries
    for sent_report in reports:
        assert KEY not in repr(sent_report) and PASSWORD not in repr(sent_report), sent_report
