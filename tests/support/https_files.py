#!/usr/bin/python3
"""An HTTPS server for tests that serves the files of one directory.

    https_files.py PORT CERT KEY DIR

Listens on 127.0.0.1:PORT with the given certificate and key until it is killed.
"""
import functools
import http.server
import ssl
import sys

port, cert, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=root))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
