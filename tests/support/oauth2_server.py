#!/usr/bin/python3
"""A small OAuth 2.0 token service for tests, in the manner of Microsoft's identity platform:
it issues access tokens (client credentials or refresh token grants), answers a mail server's
token introspection (RFC 7662), and can be told to expire every token or refuse every request.
Standard library only (run it with /usr/bin/python3); plain HTTP on 127.0.0.1.

    oauth2_server.py --port PORT --client-id ID --client-secret SECRET --user MAILBOX
                     [--refresh-token TOKEN] [--lifetime SECONDS] [--log FILE.jsonl]

POST /token          grant_type=client_credentials (client_id, client_secret, scope) or
                     grant_type=refresh_token (client_id, refresh_token; client_secret when
                     given must match). A refresh token is rotated: the answer carries a new
                     one and the old one stops working. Errors as RFC 6749 5.2 (400, JSON).
POST /introspect     token=... -> {"active": true|false, "username": MAILBOX}
POST /control        JSON: {"expire": true} ends every access token issued so far;
                     {"refuse": "invalid_client"} makes /token answer that error until
                     {"refuse": null}; {"lifetime": N} changes the lifetime of new tokens.
GET  /stats          {"issued": {grant: count}, "introspected": n, "refused": n}
Every /token request is appended to the log file: time, grant, outcome (never a secret).
"""
import argparse
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
args = None
state = {
    "tokens": {},  # access token -> expiry (epoch seconds)
    "refresh": None,  # the one refresh token that works now
    "refuse": None,
    "lifetime": 3600,
    "issued": {},
    "introspected": 0,
    "refused": 0,
}


def log(entry):
    if not args.log:
        return
    entry["time"] = time.time()
    with open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode("utf-8", "replace")

    def do_GET(self):
        if self.path != "/stats":
            return self.reply(404, {"error": "not_found"})
        with lock:
            return self.reply(200, {k: state[k] for k in ("issued", "introspected", "refused")})

    def do_POST(self):
        raw = self.body()
        if self.path == "/control":
            change = json.loads(raw or "{}")
            with lock:
                if change.get("expire"):
                    for t in state["tokens"]:
                        state["tokens"][t] = 0
                if "refuse" in change:
                    state["refuse"] = change["refuse"]
                if "lifetime" in change:
                    state["lifetime"] = int(change["lifetime"])
            return self.reply(200, {"ok": True})
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        if self.path == "/introspect":
            with lock:
                state["introspected"] += 1
                expiry = state["tokens"].get(form.get("token", ""))
                active = expiry is not None and expiry > time.time()
            answer = {"active": active}
            if active:
                answer["username"] = args.user
            return self.reply(200, answer)
        if self.path != "/token":
            return self.reply(404, {"error": "not_found"})
        grant = form.get("grant_type", "")
        with lock:
            error = self.check(grant, form)
            if error:
                state["refused"] += 1
                log({"grant": grant, "outcome": error})
                return self.reply(400 if error != "invalid_client" else 401,
                                  {"error": error, "error_description": f"AADSTS: {error} (test)"})
            token = secrets.token_urlsafe(24)
            state["tokens"][token] = time.time() + state["lifetime"]
            state["issued"][grant] = state["issued"].get(grant, 0) + 1
            answer = {"access_token": token, "token_type": "Bearer",
                      "expires_in": state["lifetime"], "ext_expires_in": state["lifetime"]}
            if grant == "refresh_token":
                state["refresh"] = secrets.token_urlsafe(24)
                answer["refresh_token"] = state["refresh"]
        log({"grant": grant, "outcome": "issued"})
        return self.reply(200, answer)

    @staticmethod
    def check(grant, form):
        if state["refuse"]:
            return state["refuse"]
        if form.get("client_id") != args.client_id:
            return "invalid_client"
        if grant == "client_credentials":
            if form.get("client_secret") != args.client_secret:
                return "invalid_client"
            return None
        if grant == "refresh_token":
            if "client_secret" in form and form["client_secret"] != args.client_secret:
                return "invalid_client"
            if not state["refresh"] or form.get("refresh_token") != state["refresh"]:
                return "invalid_grant"
            return None
        return "unsupported_grant_type"


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--refresh-token")
    p.add_argument("--lifetime", type=int, default=3600)
    p.add_argument("--log")
    args = p.parse_args()
    state["refresh"] = args.refresh_token
    state["lifetime"] = args.lifetime
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
