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
    paced       a model that takes `delay` seconds to write the whole reply: a plain
                answer arrives after `delay`; a streamed one starts after
                `first_token_delay` and its pieces arrive evenly until `delay`
    cut         stream the first `cut_after` words, then end the stream without a
                finish reason (`cut_ending="close"`) or with an error event ("error");
                a plain request gets HTTP 500
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
`pause_after_words = n` makes a stream ("ok", "slow" or "cut") stop after its
first n words until the test sets `resume`, so a test can look at what the app
did with part of a reply, without timing anything.
`reply_text` may be a callable of the request body, for replies that vary with
the question (`varied_reply` is one).

Run it by hand to point the app at it: `python -m tests.peers.openai_server`.
"""

import argparse
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

DEFAULT_REPLY = ("Keep your chest up and push your knees out as you squat. "
                 "Go down until your thighs are about level with the floor.")
MODES = ("ok", "slow", "paced", "cut", "error500", "error429", "timeout", "malformed", "empty",
         "tool_call", "no_tools")


class OpenAIPeer:
    """The server and the knobs a test turns."""

    def __init__(self, host="127.0.0.1", port=0):
        self.mode = "ok"
        self.reply_text = DEFAULT_REPLY
        self.delay = 2.0            # seconds, for "slow"
        self.chunk_delay = 0.0      # seconds between streamed chunks
        self.first_token_delay = 0.2  # seconds to the first streamed piece, for "paced"
        self.cut_after = 8          # words streamed before a "cut" stream ends
        self.cut_ending = "close"   # how a "cut" stream ends: "close" or "error"
        self.pause_after_words = None  # a stream waits for `resume` after this many words
        self.resume = threading.Event()
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
        self.resume.set()
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
        if seconds > 0:
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
        elif mode == "cut" and not stream:
            return self._error(500, "The server had an error while processing your request.",
                               "server_error")
        elif mode == "paced" and not stream:
            peer.wait(peer.delay)
        elif mode == "malformed":
            if stream:
                return self._sse([b'data: {"id": "chatcmpl-peer", "choices": [{"delta": \n\n'])
            return self._send(200, b'{"id": "chatcmpl-peer", "choices": [', "application/json")

        if mode == "tool_call" and not _has_tool_result(body):
            message = {"role": "assistant", "content": peer.tool_content,
                       "tool_calls": [_tool_call(peer.tool_arguments)]}
            finish = "tool_calls"
        else:
            text = "" if mode == "empty" else _reply_text(peer, body)
            message = {"role": "assistant", "content": text}
            finish = peer.finish_reason or "stop"
        usage = _usage(body, message)
        if stream:
            return self._stream(body, message, finish, usage, mode)
        completion = {**_envelope(body, "chat.completion"),
                      "choices": [{"index": 0, "message": {**message, "refusal": None},
                                   "logprobs": None, "finish_reason": finish}],
                      "usage": usage}
        self._send(200, json.dumps(completion).encode(), "application/json")

    def _stream(self, body, message, finish, usage, mode):
        envelope = _envelope(body, "chat.completion.chunk")

        def chunk(delta, finish_reason=None):
            return {**envelope, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                             "finish_reason": finish_reason}]}

        chunks = [chunk({"role": "assistant", "content": ""})]
        pieces = _pieces(message.get("content") or "")
        if mode == "cut":
            return self._cut(chunks, [chunk({"content": p}) for p in pieces[:self.peer.cut_after]])
        if mode == "paced":
            return self._paced(chunks, [chunk({"content": p}) for p in pieces], finish, usage,
                               envelope, body)
        for piece in pieces:
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

    def _paced(self, opening, pieces, finish, usage, envelope, body):
        """Stream `pieces` evenly so that the last arrives `delay` s after the request."""
        peer = self.peer
        started = time.monotonic()
        peer.wait(peer.first_token_delay)
        self._sse_start()
        self._sse_send(opening)
        step = max(0.0, peer.delay - peer.first_token_delay) / max(1, len(pieces) - 1)
        for number, piece in enumerate(pieces):
            peer.wait(started + peer.first_token_delay + number * step - time.monotonic())
            self._sse_send([piece])
        ending = [{**envelope, "choices": [{"index": 0, "delta": {}, "logprobs": None,
                                            "finish_reason": finish}]}]
        if (body.get("stream_options") or {}).get("include_usage"):
            ending.append({**envelope, "choices": [], "usage": usage})
        self._sse_send(ending, done=True)

    def _cut(self, opening, pieces):
        self._sse_start()
        self._sse_send(opening)
        self._sse_paused(pieces)
        if self.peer.cut_ending == "error":
            self._sse_send([{"error": {"message": "The server had an error while streaming.",
                                       "type": "server_error", "param": None, "code": None}}])
        self.close_connection = True

    def _sse_start(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def _sse_send(self, chunks, done=False):
        events = [b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks]
        self.wfile.write(b"".join(events) + (b"data: [DONE]\n\n" if done else b""))
        self.wfile.flush()

    def _sse_paused(self, pieces):
        """Send the pieces, stopping after `pause_after_words` of them until `resume`."""
        pause = self.peer.pause_after_words
        if pause is None:
            return self._sse_send(pieces)
        self._sse_send(pieces[:pause])
        self.peer.resume.wait(self.peer.hang)
        self._sse_send(pieces[pause:])

    def _sse(self, events):
        self._sse_start()
        words = self.peer.pause_after_words
        pause_at = None if words is None else 1 + words  # after the opening and n words
        for number, event in enumerate(events):
            if number == pause_at:
                self.peer.resume.wait(self.peer.hang)
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


def _reply_text(peer, body):
    return peer.reply_text(body) if callable(peer.reply_text) else peer.reply_text


_OPENINGS = ("Start with about {n} minutes of easy movement to warm up.",
             "Aim for about {n} minutes of steady effort on most days.",
             "Begin with {n} slow and controlled repetitions.",
             "Try {n} minutes of brisk walking before anything harder.")
_MIDDLES = ("Keep your back straight and breathe out as you push.",
            "Move through the whole range without rushing the lowering part.",
            "Drink some water and have a snack with protein afterwards.",
            "Keep the effort at a level where you could still talk.")
_ENDINGS = ("Rest about {m} seconds between sets and stop if anything hurts.",
            "Add a little more each week, about {m} seconds at a time.",
            "After {m} seconds of rest, go again if you feel good.")


def varied_reply(body):
    """A three-sentence coaching reply that differs with the caller's last words, as a
    model's replies do, so the app's audio cache misses as it would in real traffic."""
    said = next((m.get("content") or "" for m in reversed(body["messages"])
                 if isinstance(m, dict) and m.get("role") == "user"), "")
    seed = int.from_bytes(hashlib.sha256(str(said).encode()).digest()[:8], "big")
    n, m = 5 + seed % 40, 20 + (seed >> 8) % 70
    pick = [pool[(seed >> shift) % len(pool)]
            for pool, shift in ((_OPENINGS, 16), (_MIDDLES, 24), (_ENDINGS, 32))]
    return " ".join(pick).format(n=n, m=m)


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


def main():
    parser = argparse.ArgumentParser(description="A local Chat Completions server.")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--mode", choices=MODES, default="ok")
    parser.add_argument("--delay", type=float, default=2.0, help="seconds, for slow and paced")
    parser.add_argument("--first-token-delay", type=float, default=0.2)
    parser.add_argument("--varied", action="store_true",
                        help="replies that differ with the question (varied_reply)")
    args = parser.parse_args()
    with OpenAIPeer(port=args.port) as running:
        running.mode, running.delay = args.mode, args.delay
        running.first_token_delay = args.first_token_delay
        if args.varied:
            running.reply_text = varied_reply
        print(f"Chat Completions peer at {running.base_url}; Ctrl-C to stop", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
