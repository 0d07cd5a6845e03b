#!/usr/bin/python3
"""A fake GMC Connect for tests: GetDoctorsForDB, TryAddDoctor and TryRemoveDoctor as SOAP 1.1
over plain HTTP on loopback. Standard library only (run it with /usr/bin/python3).

    fake_gmc.py --state STATE.json --log REQUESTS.jsonl --port-file PORT [--port 0]

STATE.json (re-read on every request, rewritten when a request changes it):
    {"dbs": {"1-1RSSQ05": [{"GMCReferenceNumber": "7012345", "DoctorFirstName": "Ada",
                            "DoctorLastName": "Byron", "DateAdded": "10/08/2025",
                            "SubmissionDate": "01/01/2030", "UnderNotice": "NO",
                            "DoctorStatus": "LICENSED"}]},
     "credentials": {"username": "u", "password": "p"},          # optional: else any
     "fail": {"mode": "http500" | "fault" | "code" | "garbage" | "drop",
              "code": 98, "delay": 1.5, "operations": ["TryAddDoctor"], "count": 1},
     "tis_extract": "...JSON lines served at GET /tis..."}
Row values are sent as given, so a test can plant a bad date. "fail" applies to the listed
operations (all when absent), `count` times (always when absent); "delay" alone just slows
the answer. POST /control with a JSON object merges its keys into the state.
Every request is appended to REQUESTS.jsonl: time, path, operation, SOAPAction and the fields
sent (the password is recorded only as password_ok).
"""
import argparse
import datetime
import itertools
import json
import os
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "urn:casegate:gmc-connect"
lock = threading.RLock()
request_ids = itertools.count(1000)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def load_state(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save_state(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1)
    os.replace(tmp, path)


def envelope(inner):
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<s:Envelope xmlns:s="{SOAP_NS}"><s:Body>{inner}</s:Body></s:Envelope>\n')


def response(operation, fields, extra=""):
    body = "".join(f"<g:{k}>{esc(v)}</g:{k}>" for k, v in fields.items())
    return envelope(f'<g:{operation}Response xmlns:g="{SERVICE_NS}"><g:{operation}Result>'
                    f'{body}{extra}</g:{operation}Result></g:{operation}Response>')


def fault(text):
    return envelope(f"<s:Fault><faultcode>s:Server</faultcode><faultstring>{esc(text)}"
                    "</faultstring></s:Fault>")


def parse_request(raw):
    """(operation, fields) from a SOAP request; fields are the leaf elements by local name."""
    root = ET.fromstring(raw)
    body = next(c for c in root if local(c.tag) == "Body")
    op = next(iter(body))
    fields = {}
    for el in op.iter():
        if len(el) == 0 and el is not op:
            fields[local(el.tag)] = (el.text or "").strip()
    return local(op.tag), fields


def today():
    return datetime.date.today().strftime("%d/%m/%Y")


def get_doctors(state, f):
    db = f.get("DesignatedBodyCode", "")
    if db not in state.get("dbs", {}):
        return {"ReturnCode": 80}, ""
    rows = "".join("<g:DoctorForDB>" + "".join(f"<g:{k}>{esc(v)}</g:{k}>" for k, v in r.items())
                   + "</g:DoctorForDB>" for r in state["dbs"][db])
    return {"ReturnCode": 0}, f"<g:DoctorsForDB>{rows}</g:DoctorsForDB>"


def refusal(dbs, gmc, db, f, reasons):
    """The code GMC refuses a TryAddDoctor/TryRemoveDoctor with, or None."""
    if not (len(gmc) == 7 and gmc.isdigit()):
        return 70
    if db not in dbs:
        return 80
    if not f.get("InternalUser"):
        return 110
    if f.get("ChangeReason") not in reasons:
        return 120
    return None


def try_add(state, f):
    gmc, db = f.get("GMCReferenceNumber", ""), f.get("DesignatedBodyCode", "")
    dbs = state.setdefault("dbs", {})
    code = refusal(dbs, gmc, db, f, ("1", "2"))
    if code is not None:
        return code
    if any(r.get("GMCReferenceNumber") == gmc for r in dbs[db]):
        return 100
    for rows in dbs.values():  # a doctor is connected to one DB at a time
        rows[:] = [r for r in rows if r.get("GMCReferenceNumber") != gmc]
    dbs[db].append({"GMCReferenceNumber": gmc, "DoctorFirstName": "", "DoctorLastName": "",
                    "DateAdded": today(), "SubmissionDate": "", "UnderNotice": "NO",
                    "DoctorStatus": "LICENSED"})
    return 0


def try_remove(state, f):
    gmc, db = f.get("GMCReferenceNumber", ""), f.get("DesignatedBodyCode", "")
    dbs = state.setdefault("dbs", {})
    code = refusal(dbs, gmc, db, f, ("1", "2", "3"))
    if code is not None:
        return code
    before = len(dbs[db])
    dbs[db][:] = [r for r in dbs[db] if r.get("GMCReferenceNumber") != gmc]
    return 0 if len(dbs[db]) < before else 140


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeGMC/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/xml; charset=utf-8"):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, entry):
        entry["time"] = time.time()
        entry["path"] = self.path
        with lock, open(self.server.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        self.record({"method": "GET"})
        if url.path == "/health":
            return self.send(200, "ok", "text/plain")
        if url.path == "/tis":
            with lock:
                state = load_state(self.server.state_path)
            if "tis_extract" not in state:
                return self.send(404, "no extract", "text/plain")
            return self.send(200, state["tis_extract"], "application/x-ndjson")
        if url.path == "/bytes":
            n = int(urllib.parse.parse_qs(url.query).get("n", ["0"])[0])
            return self.send(200, b"x" * n, "application/octet-stream")
        if url.path == "/status":
            code = int(urllib.parse.parse_qs(url.query).get("code", ["500"])[0])
            return self.send(code, "status %d" % code, "text/plain")
        self.send(404, "not found", "text/plain")

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/control":
            with lock:
                state = load_state(self.server.state_path)
                state.update(json.loads(raw))
                save_state(self.server.state_path, state)
            self.record({"method": "POST", "control": True})
            return self.send(200, "ok", "text/plain")
        try:
            operation, fields = parse_request(raw)
        except Exception as e:  # a malformed request gets a fault, as a SOAP stack would answer
            self.record({"method": "POST", "operation": None, "error": str(e)})
            return self.send(500, fault("Client: cannot read the request"))
        with lock:
            state = load_state(self.server.state_path)
            creds = state.get("credentials")
            password_ok = (creds is None or (fields.get("username") == creds.get("username")
                                             and fields.get("password") == creds.get("password")))
            logged = {k: v for k, v in fields.items() if k != "password"}
            self.record({"method": "POST", "operation": operation,
                         "soap_action": self.headers.get("SOAPAction"),
                         "content_type": self.headers.get("Content-Type"),
                         "fields": logged, "password_ok": password_ok})
            fail = dict(state.get("fail") or {})
            applies = bool(fail) and operation in fail.get("operations", [operation])
            if applies and "count" in fail:
                if fail["count"] <= 0:
                    applies = False
                else:
                    state["fail"]["count"] -= 1
                    save_state(self.server.state_path, state)
            reply, status = self.answer(state, operation, fields, password_ok,
                                        fail if applies else {})
        if fail.get("delay") and applies:
            time.sleep(float(fail["delay"]))
        if reply is None:  # "drop": close without answering
            self.close_connection = True
            return
        self.send(status, reply)

    def answer(self, state, operation, fields, password_ok, fail):
        mode = fail.get("mode")
        if mode == "http500":
            return "<html>Internal Server Error</html>", 500
        if mode == "fault":
            return fault("Server was unable to process request"), 500
        if mode == "garbage":
            return "<s:Envelope><not-closed>", 200
        if mode == "drop":
            return None, 0
        common = {"ClientRequestID": fields.get("ClientRequestID", ""),
                  "GMCRequestID": str(next(request_ids))}
        if mode == "code":
            return response(operation, {"ReturnCode": fail.get("code", 98), **common}), 200
        if not password_ok:
            return response(operation, {"ReturnCode": 99, **common}), 200
        if operation == "GetDoctorsForDB":
            head, rows = get_doctors(state, fields)
            return response(operation, {**head, **common}, rows), 200
        if operation in ("TryAddDoctor", "TryRemoveDoctor"):
            code = (try_add if operation == "TryAddDoctor" else try_remove)(state, fields)
            save_state(self.server.state_path, state)
            return response(operation, {"ReturnCode": code, **common}), 200
        return fault("Client: unknown operation " + operation), 500


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout test) leaves a broken pipe: expected, not news.
        import sys
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    server.state_path = args.state
    server.log_path = args.log
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
