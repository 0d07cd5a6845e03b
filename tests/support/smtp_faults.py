#!/usr/bin/python3
"""An SMTP server for tests whose answers depend on the recipient.

    smtp_faults.py PORT OUTFILE     an SMTP server, as below
    smtp_faults.py --silent PORT    accepts connections and never says a word

Listens on 127.0.0.1:PORT until it is killed.

- A message to a recipient whose local part starts with "refused" is answered 500 after its
  DATA, and the transaction is left open, as aiosmtpd's own Mailbox handler does when it cannot
  write a message (for instance a header that decodes to CR LF): a client that sends its next
  MAIL FROM on the same connection without RSET gets "503 nested MAIL command".
- A recipient whose local part starts with "sequence" is answered "503 bad sequence of
  commands" at RCPT TO.
- A message to a recipient whose local part starts with "hold" is not answered after its DATA
  until the file OUTFILE.go exists (OUTFILE.held is created while it waits); then it is
  accepted.
- Every accepted message is appended to OUTFILE: a line "MESSAGE <recipients>" and its bytes.
"""
import asyncio
import logging
import os
import socket
import sys
import threading

if sys.argv[1] == "--silent":
    listener = socket.create_server(("127.0.0.1", int(sys.argv[2])))
    held = []
    while True:
        held.append(listener.accept()[0])

from aiosmtpd.controller import Controller  # noqa: E402

port, outfile = int(sys.argv[1]), sys.argv[2]

# aiosmtpd logs a traceback for the refusal below; it is expected here.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


class MessageNotWritten(Exception):
    pass


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("sequence"):
            return "503 5.5.1 Error: bad sequence of commands"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.startswith("refused") for r in envelope.rcpt_tos):
            # aiosmtpd answers "500 Error: (MessageNotWritten) …" and keeps the envelope.
            raise MessageNotWritten("this recipient's message cannot be written")
        if any(r.startswith("hold") for r in envelope.rcpt_tos):
            open(outfile + ".held", "w").close()
            while not os.path.exists(outfile + ".go"):
                await asyncio.sleep(0.05)
        with open(outfile, "ab") as f:
            f.write(("MESSAGE " + ",".join(envelope.rcpt_tos) + "\n").encode())
            f.write(envelope.original_content or b"")
        return "250 OK"


controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
threading.Event().wait()
