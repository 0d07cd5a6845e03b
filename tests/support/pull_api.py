#!/usr/bin/python3
"""A form service's pull API for tests, misbehaving on request.

    pull_api.py PORT DIR

Serves one submission, receipt 20261203-090000-000001-abcdef, with one document listed as
10 bytes, to a client presenting the bearer token in DIR/token. Each request reads DIR/mode:
  short      the document is sent 5 bytes long (not the size listed)
  ack-fails  acknowledgements are answered HTTP 500
  (else)     everything as the real service answers it
Every acknowledgement is appended to DIR/acks as "STATUS RECEIPT"; once one succeeded the
submission is no longer listed.
"""
import http.server
import json
import os
import sys

port, root = int(sys.argv[1]), sys.argv[2]
RECEIPT = "20261203-090000-000001-abcdef"
FIELDS = {
    "trainee_name": "Dana Doctor", "gmc_number": "7091234", "referrer_name": "Sam Supervisor",
    "referrer_email": "sam.pull@trust.example.nhs.uk", "referrer_role": "Educational Supervisor",
    "concern_route": "Professional", "concern_type": "Conduct", "support_requested": ["Coaching"],
    "details": "Missed three shifts without telling anyone.", "terms_accepted": True,
}
DOCUMENT = b"0123456789"


def read(name):
    try:
        with open(os.path.join(root, name)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


class PullApi(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, kind="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorised(self):
        if self.headers.get("Authorization") == "Bearer " + read("token"):
            return True
        self.answer(401, {"error": "unauthorised"})
        return False

    def acknowledged(self):
        return any(line.split() == ["200", RECEIPT] for line in read("acks").splitlines())

    def do_GET(self):
        if not self.authorised():
            return
        path = self.path.split("?")[0]
        if path == "/api/submissions":
            self.answer(200, {"submissions": [] if self.acknowledged() else [RECEIPT]})
        elif path == "/api/submissions/" + RECEIPT:
            self.answer(200, {"received_at": "2026-12-03T09:00:00Z", "fields": FIELDS,
                              "documents": [{"filename": "statement.txt", "content_type": "text/plain",
                                             "size": len(DOCUMENT)}]})
        elif path == "/api/submissions/" + RECEIPT + "/documents/1":
            self.answer(200, DOCUMENT[:5] if read("mode") == "short" else DOCUMENT, "text/plain")
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        if not self.authorised():
            return
        if self.path != "/api/submissions/" + RECEIPT + "/ack":
            self.answer(404, {"error": "not found"})
            return
        status = 500 if read("mode") == "ack-fails" else 200
        with open(os.path.join(root, "acks"), "a") as f:
            f.write(f"{status} {RECEIPT}\n")
        self.answer(status, {"acknowledged": status == 200})


http.server.ThreadingHTTPServer(("127.0.0.1", port), PullApi).serve_forever()
