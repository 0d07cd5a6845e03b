#!/usr/bin/python3
"""An SMTP server for tests that answers every RCPT TO with a permanent 550.

    smtp_refuse.py PORT

Listens on 127.0.0.1:PORT until it is killed.
"""
import sys
import threading

from aiosmtpd.controller import Controller


class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"


controller = Controller(Refuse(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
threading.Event().wait()
