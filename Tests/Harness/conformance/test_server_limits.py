"""The simulator as a server under hostile clients: body size limit and header timeout.

Raw sockets, so that the requests can be what no HTTP library sends: a request line that
never ends, headers trickled byte by byte, a body larger than the limit announced with
Content-Length or sent in chunks.
"""
import json
import socket
import time

import pytest

HEADER_TIMEOUT = 1.0
GRACE = 2.0
MAX_BODY = 65536


@pytest.fixture(scope="module")
def limited_sim(start_sim):
    return start_sim("--rate-limit", "off", "--header-timeout", "1s", "--max-body-size", str(MAX_BODY))


def connect(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def seconds_until_closed(sock, limit=10.0):
    """Seconds until the server closes `sock` (reads and drops whatever it sends)."""
    started = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        return None
    return time.monotonic() - started


def read_response(sock):
    """(status, headers, body) of one response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside the body"
        rest += chunk
    return status, headers, rest[:length]


def request_head(server, method, path, extra):
    return (
        f"{method} /v7{path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n{extra}\r\n"
    ).encode()


def assert_too_large(status, headers, body):
    assert status == 413, (status, body[:200])
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 413
    assert problem["title"] == "Content Too Large"
    assert problem["detail"] == f"The request body is larger than the limit of {MAX_BODY} bytes."
    assert problem["instance"] == "/v7/users"


def test_a_request_line_that_never_ends_is_closed_after_the_header_timeout(limited_sim):
    sock = connect(limited_sim)
    sock.sendall(b"GET /v7/users HT")
    elapsed = seconds_until_closed(sock)
    assert elapsed is not None, "the server held a half-sent request line open for 10 s"
    assert HEADER_TIMEOUT * 0.8 <= elapsed <= HEADER_TIMEOUT + GRACE, elapsed


def test_headers_trickled_byte_by_byte_do_not_extend_the_timeout(limited_sim):
    sock = connect(limited_sim)
    started = time.monotonic()
    head = request_head(limited_sim, "GET", "/users", "X-Padding: " + "a" * 200 + "\r\n")
    closed = False
    for byte in head[:-2]:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        time.sleep(0.05)
        if time.monotonic() - started > HEADER_TIMEOUT + GRACE:
            break
    if not closed:
        closed = seconds_until_closed(sock, limit=0.5) is not None
    elapsed = time.monotonic() - started
    assert closed, "the server kept a connection whose headers never ended"
    assert elapsed <= HEADER_TIMEOUT + GRACE, elapsed


def test_an_idle_connection_without_a_request_is_closed(limited_sim):
    sock = connect(limited_sim)
    elapsed = seconds_until_closed(sock)
    assert elapsed is not None and elapsed <= HEADER_TIMEOUT + GRACE, elapsed


def test_a_complete_request_is_answered_and_keep_alive_still_works(limited_sim):
    sock = connect(limited_sim)
    for _ in range(2):
        sock.sendall(request_head(limited_sim, "GET", "/users/current", ""))
        status, headers, body = read_response(sock)
        assert status == 200 and json.loads(body)["uid"]
        time.sleep(HEADER_TIMEOUT / 2)
    sock.close()


def test_a_body_over_the_limit_announced_by_content_length_gets_413_problem(limited_sim):
    sock = connect(limited_sim)
    body = b'{"name": "' + b"x" * MAX_BODY + b'"}'
    sock.sendall(request_head(limited_sim, "POST", "/users", f"Content-Length: {len(body)}\r\n") + body)
    status, headers, payload = read_response(sock)
    assert_too_large(status, headers, payload)
    assert headers.get("connection") == "close"
    sock.close()


def test_a_huge_announced_body_is_refused_before_it_is_sent(limited_sim):
    sock = connect(limited_sim)
    sock.sendall(request_head(limited_sim, "POST", "/users", "Content-Length: 10000000000\r\n") + b'{"na')
    status, headers, payload = read_response(sock)
    assert_too_large(status, headers, payload)
    # The rest is never waited for: the connection goes once the client stops sending.
    elapsed = seconds_until_closed(sock)
    assert elapsed is not None and elapsed <= HEADER_TIMEOUT + GRACE, elapsed


def test_a_chunked_body_over_the_limit_gets_413_problem(limited_sim):
    sock = connect(limited_sim)
    sock.sendall(request_head(limited_sim, "POST", "/users", "Transfer-Encoding: chunked\r\n"))
    chunk = b"x" * 8192
    try:
        for _ in range(MAX_BODY // len(chunk) + 2):
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    status, headers, payload = read_response(sock)
    assert_too_large(status, headers, payload)
    sock.close()


def test_a_body_at_the_limit_is_read_and_validated(limited_sim):
    sock = connect(limited_sim)
    name = "x" * (MAX_BODY - len('{"name": ""}'))
    body = ('{"name": "%s"}' % name).encode()
    assert len(body) == MAX_BODY
    sock.sendall(request_head(limited_sim, "POST", "/users", f"Content-Length: {len(body)}\r\n") + body)
    status, headers, payload = read_response(sock)
    assert status == 400, status
    assert headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in json.loads(payload)["errors"]}
    assert "email" in fields
    sock.close()
