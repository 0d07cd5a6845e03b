#!/usr/bin/python3
"""An SMTP server for tests that accepts only AUTH XOAUTH2 with one bearer token.

    smtp_xoauth2.py PORT USER TOKEN OUTFILE

Listens on 127.0.0.1:PORT until it is killed. Mail is refused unless the session
authenticated as USER with TOKEN; each accepted message's recipients and bytes are appended
to OUTFILE. A TOKEN of "introspect=URL" accepts instead any token that URL (a token
service's RFC 7662 introspection, as tests/support/oauth2_server.py answers it) says is active.
"""
import base64
import json
import sys
import threading
import urllib.parse
import urllib.request

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, user, token, outfile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
expected = f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def introspected(response):
    prefix = f"user={user}\x01auth=Bearer ".encode()
    if not response.startswith(prefix) or not response.endswith(b"\x01\x01"):
        return False
    bearer = response[len(prefix):-2].decode("ascii", "replace")
    body = urllib.parse.urlencode({"token": bearer}).encode()
    try:
        with urllib.request.urlopen(token[len("introspect="):], body, timeout=5) as r:
            return json.load(r).get("active") is True
    except OSError:
        return False


class Handler:
    async def auth_XOAUTH2(self, server, args):
        if len(args) > 1:  # initial response on the AUTH line
            try:
                response = base64.b64decode(args[1], validate=True)
            except ValueError:
                response = b""
        else:  # sent after an empty challenge; aiosmtpd decodes it
            response = await server.challenge_auth("", encode_to_b64=False)
        if token.startswith("introspect="):
            ok = introspected(response)
        else:
            ok = response == expected
        if ok:
            return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Authentication credentials invalid")

    async def handle_DATA(self, server, session, envelope):
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        with open(outfile, "ab") as f:
            f.write((",".join(envelope.rcpt_tos) + "\n").encode())
            f.write(envelope.original_content or b"")
        return "250 OK"


controller = Controller(Handler(), hostname="127.0.0.1", port=port,
                        auth_require_tls=False, auth_required=True,
                        auth_exclude_mechanism=["LOGIN", "PLAIN"])
controller.start()
threading.Event().wait()
