"""A local HTTP server that speaks OpenAI's Chat Completions protocol.

The real `openai` client talks to it through `base_url`, so tests exercise the
SDK, HTTP, JSON and server-sent events for real. Tell it how to behave per test:

    def test_slow_model(openai_server):
        openai_server.mode = "slow"
        openai_server.delay = 2.0
        ...
        assert openai_server.requests[0]["messages"][0]["role"] == "system"

Modes:
    ok          answer `reply_text` (plain JSON, or SSE chunks when the request streams)
    slow        wait `delay` seconds, then answer as "ok"
    error500    HTTP 500 with an OpenAI-shaped error body
    error429    HTTP 429 with `Retry-After: retry_after`
    timeout     accept the request and say nothing until the client gives up
    malformed   HTTP 200 with a body (or stream event) that is not valid JSON
    empty       an answer whose content is empty
    no_tools    like a server started without tool support (vLLM without
                --enable-auto-tool-choice): HTTP 400 for requests with tools,
                "ok" for the rest
    tool_call   an `update_profile` tool call with `tool_arguments` (and
                `tool_content` as text alongside, if set); the follow-up request
                that carries the tool result gets `reply_text`, or is answered
                in `follow_up_mode` when that is set

`finish_reason` overrides the finish reason of text answers (e.g. "length").

Run it by hand to point the app at it: `python -m tests.peers.openai_server`.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

DEFAULT_REPLY = ("Keep your chest up and push your knees out as you squat. "
                 "Go down until your thighs are about level with the floor.")
MODES = ("ok", "slow", "error500", "error429", "timeout", "malformed", "empty", "tool_call",
         "no_tools")


class OpenAIPeer:
    """The server and the knobs a test turns."""

    def __init__(self, host="127.0.0.1", port=0):
        self.mode = "ok"
        self.reply_text = DEFAULT_REPLY
        self.delay = 2.0            # seconds, for "slow"
        self.chunk_delay = 0.0      # seconds between streamed chunks
        self.hang = 30.0            # longest a "timeout" request hangs (released on stop)
        self.retry_after = 1        # seconds, for "error429"
        self.tool_arguments = {"name": "Sam", "goal": "build muscle"}  # dict, or a raw string
        self.tool_content = None
        self.follow_up_mode = None  # the mode for the request after a tool call
        self.finish_reason = None   # override "stop" on text answers
        self.requests = []          # JSON bodies received, oldest first
        self.headers = []           # their headers, as dicts
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = None

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self):
        # A short poll interval makes stop() (and so each test's teardown) quick.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="openai-peer", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def record(self, body, headers):
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)

    def wait(self, seconds):
        """Sleep, but wake up at once when the server stops."""
        self._release.wait(seconds)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _handler_for(peer):
    class Handler(_ChatHandler):
        pass
    Handler.peer = peer
    return Handler


class _ChatHandler(BaseHTTPRequestHandler):
    peer: OpenAIPeer
    server_version = "openai-peer/1"

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass

    def do_POST(self):
        try:
            self._post()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout); nothing to answer

    def _post(self):
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._error(404, f"Unknown path {self.path}", "invalid_request_error")
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return self._error(400, "Request body is not valid JSON", "invalid_request_error")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return self._error(400, "'messages' is required", "invalid_request_error")
        peer = self.peer
        peer.record(body, {name.lower(): value for name, value in self.headers.items()})
        stream = bool(body.get("stream"))
        mode = peer.mode
        if mode == "tool_call" and _has_tool_result(body) and peer.follow_up_mode:
            mode = peer.follow_up_mode
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")

        if mode == "slow":
            peer.wait(peer.delay)
        elif mode == "timeout":
            peer.wait(peer.hang)
            return
        elif mode == "error500":
            return self._error(500, "The server had an error while processing your request.",
                               "server_error")
        elif mode == "error429":
            return self._error(429, "Rate limit reached for requests.", "requests",
                               code="rate_limit_exceeded",
                               headers={"Retry-After": str(peer.retry_after)})
        elif mode == "no_tools" and body.get("tools"):
            return self._error(400, '"auto" tool choice requires --enable-auto-tool-choice and '
                               "--tool-call-parser to be set", "BadRequestError")
        elif mode == "malformed":
            if stream:
                return self._sse([b'data: {"id": "chatcmpl-peer", "choices": [{"delta": \n\n'])
            return self._send(200, b'{"id": "chatcmpl-peer", "choices": [', "application/json")

        if mode == "tool_call" and not _has_tool_result(body):
            message = {"role": "assistant", "content": peer.tool_content,
                       "tool_calls": [_tool_call(peer.tool_arguments)]}
            finish = "tool_calls"
        else:
            text = "" if mode == "empty" else peer.reply_text
            message = {"role": "assistant", "content": text}
            finish = peer.finish_reason or "stop"
        usage = _usage(body, message)
        if stream:
            return self._stream(body, message, finish, usage)
        completion = {**_envelope(body, "chat.completion"),
                      "choices": [{"index": 0, "message": {**message, "refusal": None},
                                   "logprobs": None, "finish_reason": finish}],
                      "usage": usage}
        self._send(200, json.dumps(completion).encode(), "application/json")

    def _stream(self, body, message, finish, usage):
        envelope = _envelope(body, "chat.completion.chunk")

        def chunk(delta, finish_reason=None):
            return {**envelope, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                             "finish_reason": finish_reason}]}

        chunks = [chunk({"role": "assistant", "content": ""})]
        for piece in _pieces(message.get("content") or ""):
            chunks.append(chunk({"content": piece}))
        for index, call in enumerate(message.get("tool_calls") or ()):
            arguments = call["function"]["arguments"]
            chunks.append(chunk({"tool_calls": [{
                "index": index, "id": call["id"], "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""}}]}))
            for start in range(0, len(arguments), 12):
                chunks.append(chunk({"tool_calls": [{
                    "index": index, "function": {"arguments": arguments[start:start + 12]}}]}))
        chunks.append(chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({**envelope, "choices": [], "usage": usage})
        events = [b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks]
        self._sse([*events, b"data: [DONE]\n\n"])

    def _sse(self, events):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for event in events:
            self.wfile.write(event)
            self.wfile.flush()
            if self.peer.chunk_delay:
                self.peer.wait(self.peer.chunk_delay)

    def _error(self, status, message, kind, code=None, headers=None):
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        self._send(status, json.dumps(body).encode(), "application/json", headers)

    def _send(self, status, payload, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _has_tool_result(body):
    return any(isinstance(m, dict) and m.get("role") == "tool" for m in body["messages"])


def _tool_call(arguments):
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return {"id": "call_peer_1", "type": "function",
            "function": {"name": "update_profile", "arguments": arguments}}


def _envelope(body, kind):
    return {"id": "chatcmpl-peer", "object": kind, "created": int(time.time()),
            "model": body.get("model") or "peer-model", "system_fingerprint": "fp_peer"}


def _pieces(text):
    """Split text the way a model streams it: a word or two at a time."""
    words = text.split(" ")
    return [word if i == 0 else " " + word for i, word in enumerate(words) if word or i == 0]


def _count(text):
    return len(str(text or "").split())


def _usage(body, message):
    """Deterministic token counts: one token per whitespace-separated word."""
    prompt = sum(_count(m.get("content")) for m in body["messages"] if isinstance(m, dict))
    completion = _count(message.get("content"))
    for call in message.get("tool_calls") or ():
        completion += _count(call["function"]["arguments"])
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


@pytest.fixture
def openai_server():
    """A Chat Completions server on a free loopback port, stopped after the test."""
    with OpenAIPeer() as peer:
        yield peer


if __name__ == "__main__":
    with OpenAIPeer(port=8001) as running:
        print(f"Chat Completions peer at {running.base_url}; Ctrl-C to stop")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
