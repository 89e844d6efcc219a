#!/usr/bin/env python3
"""server.py - an OpenAI-compatible chat-completions server for the tests.

Standard library only.  Binds 127.0.0.1 on a free port and prints the port
as the first line of stdout.  POST /v1/chat/completions (any path ending in
/chat/completions) behaves according to the "model" in the request body;
the part of the model name before '#' picks the behaviour, the whole name
keys the per-model request counter (so "429#a" and "429#b" retry
independently):

  plain         200, JSON reply "Hello from plain [1]."
  stream        SSE reply in a few chunks, role chunk, usage chunk, [DONE]
  stream-split  the same SSE bytes in tiny odd-sized pieces, CRLF endings
  stream-error  SSE: one chunk, then {"error":{"message":...}}
  stream-json   streaming asked, but a plain JSON reply comes back
  429           first request 429 with Retry-After: 1, then a JSON reply
  500x2         500 twice, then a JSON reply
  401           401 with an OpenAI-style error body
  ollama-error  404 with {"error":"model 'x' not found"}
  malformed     200 with invalid JSON
  stall         sleeps 3 s before answering
  stall-mid     SSE: one chunk, then sleeps 3 s
  cut           SSE chunks, proper end of body, but no [DONE]
  cut-hard      SSE chunk, then the connection closes mid-body
  big           JSON reply whose content is 10 MB
  echo-key      401 whose message echoes the Authorization header
  echo-key-reply   200, JSON reply whose text holds the API key
  echo-key-stream  SSE reply with the API key split across three chunks
  escape        200, JSON reply holding OSC 0 / OSC 52 / CSI (ESC and C1)
  stream-escape the same as an SSE stream, sequences split across chunks
  escape-error  400 whose message holds escape sequences
  keepalive     SSE: a role chunk, then ": keep-alive" comments forever
  drip          SSE: one byte of a comment line every second, forever
  error-endless 400 whose body never ends
  data-endless  SSE: one event of 64 KB data: lines that never ends
  markdown      SSE: MARKDOWN (bold, code, a list, a code block, long
                words) in pieces cut inside words and marks, after 1 s

Any path is accepted when it ends in /chat/completions before an optional
?query; /last also reports the request's path and query as "path".

GET /last returns {"body": <last POST body>, "authorization": <header or
null>, "count": {model: n}}.  The server exits by itself when its parent
process goes away.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"body": None, "authorization": None, "count": {}, "path": None}
ESCAPES = ("A \x1b]0;PWNED\x07 B \x1b]52;c;SGVsbG8=\x07 C \x1b[2J D "
           "\u009b31m E \x7f F [18].")
FOREVER = 120  # seconds an endless behaviour keeps going at most


def reply_json(text, model):
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
    }


def sse_events(pieces, done=True):
    out = []
    first = {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}
    out.append("data: " + json.dumps(first) + "\n\n")
    out.append(": keep-alive comment\n\n")
    for p in pieces:
        chunk = {"choices": [{"index": 0, "delta": {"content": p}}]}
        out.append("event: message\nid: 1\ndata: " + json.dumps(chunk) + "\n\n")
    empty = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    out.append("data: " + json.dumps(empty) + "\n\n")
    out.append('data: {"choices":[],"usage":{"total_tokens":7}}\n\n')
    if done:
        out.append("data: [DONE]\n\n")
    return "".join(out)


MARKDOWN = ("Dropout is a **regularization technique** that randomly "
            "ignores neurons [1]. Use `nn.Dropout(p=0.5)` in PyTorch; "
            "supercalifragilisticexpialidocious words stay whole.\n\n"
            "- first point about *overfitting* which is long enough to "
            "wrap onto a second line\n"
            "- second point\n\n"
            "```python\nlayer = nn.Dropout(0.5)  # keep   spacing\n```\n"
            "Done.")
STREAM_PIECES = ["Hello", ", ", "stream ", "world", " [2]", ".", " \u00e9\u4e16"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    # ---- plumbing -------------------------------------------------------
    def send_body(self, status, body, ctype="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def chunk(self, data):
        data = data.encode() if isinstance(data, str) else data
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # ---- routes ---------------------------------------------------------
    def do_GET(self):
        if self.path != "/last":
            self.send_body(404, '{"error":"no such path"}')
            return
        with LOCK:
            self.send_body(200, json.dumps(STATE))

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        auth = self.headers.get("Authorization")
        try:
            req = json.loads(raw)
        except ValueError:
            req = {}
        model = str(req.get("model", ""))
        with LOCK:
            STATE["body"] = raw.decode("utf-8", "replace")
            STATE["authorization"] = auth
            STATE["path"] = self.path
            count = STATE["count"].get(model, 0) + 1
            STATE["count"][model] = count
        if not self.path.split("?")[0].endswith("/chat/completions"):
            self.send_body(404, '{"error":{"message":"unknown path %s"}}'
                           % self.path)
            return
        kind = model.split("#")[0]
        fn = getattr(self, "b_" + kind.replace("-", "_"), None)
        if fn is None:
            self.send_body(404, json.dumps({"error": "model '%s' not found"
                                            % model}))
            return
        try:
            fn(model, count, auth)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # ---- behaviours -------------------------------------------------------
    def b_plain(self, model, count, auth):
        self.send_body(200, json.dumps(reply_json("Hello from plain [1].", model)))

    def b_stream(self, model, count, auth):
        self.start_chunked()
        for ev in sse_events(STREAM_PIECES).split("\n\n"):
            if ev:
                self.chunk(ev + "\n\n")
        self.end_chunked()

    def b_stream_split(self, model, count, auth):
        data = sse_events(STREAM_PIECES).replace("\n", "\r\n").encode()
        self.start_chunked()
        sizes = [1, 3, 2, 7, 5, 11, 1, 13]
        i = k = 0
        while i < len(data):
            step = sizes[k % len(sizes)]
            self.chunk(data[i:i + step])
            i += step
            k += 1
            if k % 8 == 0:
                time.sleep(0.002)
        self.end_chunked()

    def b_stream_error(self, model, count, auth):
        self.start_chunked()
        self.chunk(sse_events(["partial"], done=False).split("\n\n")[2] + "\n\n")
        self.chunk('data: {"error":{"message":"the model is overloaded",'
                   '"type":"server_error"}}\n\n')
        self.end_chunked()

    def b_stream_json(self, model, count, auth):
        self.send_body(200, json.dumps(reply_json("Not streamed [3].", model)))

    def b_429(self, model, count, auth):
        if count == 1:
            self.send_body(429, '{"error":{"message":"Rate limit reached"}}',
                           extra=[("Retry-After", "1")])
        else:
            self.send_body(200, json.dumps(reply_json("after 429", model)))

    def b_500x2(self, model, count, auth):
        if count <= 2:
            self.send_body(500, "Internal Server Error\nTraceback...",
                           ctype="text/plain")
        else:
            self.send_body(200, json.dumps(reply_json("after 500x2", model)))

    def b_401(self, model, count, auth):
        self.send_body(401, json.dumps({"error": {
            "message": "Incorrect API key provided: sk-te****1234.",
            "type": "invalid_request_error", "code": "invalid_api_key"}}))

    def b_ollama_error(self, model, count, auth):
        self.send_body(404, json.dumps({"error": "model 'x' not found"}))

    def b_malformed(self, model, count, auth):
        self.send_body(200, '{"choices": [ {"message": ')

    def b_stall(self, model, count, auth):
        time.sleep(3)
        self.send_body(200, json.dumps(reply_json("too late", model)))

    def b_stall_mid(self, model, count, auth):
        self.start_chunked()
        self.chunk(sse_events(["early "], done=False).split("\n\n")[2] + "\n\n")
        time.sleep(3)
        self.chunk("data: [DONE]\n\n")
        self.end_chunked()

    def b_cut(self, model, count, auth):
        self.start_chunked()
        self.chunk(sse_events(["cut ", "short"], done=False))
        self.end_chunked()

    def b_cut_hard(self, model, count, auth):
        self.start_chunked()
        self.chunk(sse_events(["cut ", "hard"], done=False).split("\n\n")[2]
                   + "\n\n")
        self.wfile.write(b"400\r\ndata: {\"cho")
        self.wfile.flush()
        self.close_connection = True

    def b_big(self, model, count, auth):
        text = "0123456789abcdef" * (10 * 1024 * 1024 // 16)
        self.send_body(200, json.dumps(reply_json(text, model)))

    def b_echo_key(self, model, count, auth):
        self.send_body(401, json.dumps({"error": {
            "message": "Invalid credentials: %s (from header)" % auth}}))

    def b_echo_key_reply(self, model, count, auth):
        key = (auth or "").replace("Bearer ", "")
        self.send_body(200, json.dumps(reply_json(
            "Your key is %s, see [18]." % key, model)))

    def b_echo_key_stream(self, model, count, auth):
        key = (auth or "").replace("Bearer ", "")
        pieces = ["Your key is ", key[:3], key[3:11], key[11:] + ", see",
                  " [18]."]
        self.start_chunked()
        for ev in sse_events(pieces).split("\n\n"):
            if ev:
                self.chunk(ev + "\n\n")
        self.end_chunked()

    def b_escape(self, model, count, auth):
        self.send_body(200, json.dumps(reply_json(ESCAPES, model)))

    def b_stream_escape(self, model, count, auth):
        # cut inside every sequence: ESC | ]0;..., BEL | ..., C1 | 31m
        cuts = [0, 3, 4, 11, 12, 30, 36, 41, 42, 45, len(ESCAPES)]
        pieces = [ESCAPES[a:b] for a, b in zip(cuts, cuts[1:])]
        self.start_chunked()
        for ev in sse_events(pieces).split("\n\n"):
            if ev:
                self.chunk(ev + "\n\n")
        self.end_chunked()

    def b_escape_error(self, model, count, auth):
        self.send_body(400, json.dumps({"error": {
            "message": "bad model \x1b]0;PWNED\x07 \u009b2J here"}}))

    def b_keepalive(self, model, count, auth):
        self.start_chunked()
        self.chunk(sse_events([], done=False).split("\n\n")[0] + "\n\n")
        end = time.time() + FOREVER
        while time.time() < end:
            self.chunk(": keep-alive\n\n")
            time.sleep(0.2)

    def b_drip(self, model, count, auth):
        self.start_chunked()
        end = time.time() + FOREVER
        while time.time() < end:
            self.chunk(":")
            time.sleep(1)

    def b_error_endless(self, model, count, auth):
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk('{"error":{"message":"bad request ')
        end = time.time() + FOREVER
        while time.time() < end:
            self.chunk("x" * 8192)

    def b_data_endless(self, model, count, auth):
        self.start_chunked()
        line = "data: " + "x" * 65536 + "\n"
        end = time.time() + FOREVER
        while time.time() < end:
            self.chunk(line)


    def b_markdown(self, model, count, auth):
        time.sleep(1)
        pieces = [MARKDOWN[i:i + 7] for i in range(0, len(MARKDOWN), 7)]
        self.start_chunked()
        for ev in sse_events(pieces).split("\n\n"):
            if ev:
                self.chunk(ev + "\n\n")
                time.sleep(0.01)
        self.end_chunked()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients hang up on purpose (stall, abort tests): stay quiet.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def watchdog(parent):
    # Exit when the test that started us is gone, even if it crashed.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=watchdog, args=(os.getppid(),),
                     daemon=True).start()
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
