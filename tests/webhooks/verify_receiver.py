#!/usr/bin/env python3
"""An independent Standard Webhooks receiver, standard library only.

Usage: verify_receiver.py SECRETS_FILE

Listens on 127.0.0.1 (a free port, printed first as `PORT <n>`), and for every
POST verifies the signature against the `whsec_...` secrets listed in
SECRETS_FILE (one per line, re-read on each request so the test can change
them). Answers 204 when one signature matches, 401 otherwise, and prints one
JSON line per request: {"id", "timestamp", "type", "valid", "reason", "body"}.
"""

import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECS = 5 * 60
# The server answers on several threads: one line at a time on stdout.
PRINT_LOCK = threading.Lock()


def read_secrets(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def verify(secrets, msg_id, timestamp, signature_header, body):
    """Returns (valid, reason)."""
    if not msg_id or not timestamp or not signature_header:
        return False, "missing header"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False, "bad timestamp"
    if abs(time.time() - sent_at) > TOLERANCE_SECS:
        return False, "timestamp out of tolerance"
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    for secret in secrets:
        if not secret.startswith("whsec_"):
            continue
        key = base64.b64decode(secret[len("whsec_"):])
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for candidate in signature_header.split(" "):
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value, expected):
                return True, "ok"
    return False, "no matching signature"


class Handler(BaseHTTPRequestHandler):
    secrets_path = None

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        valid, reason = verify(
            read_secrets(self.secrets_path), msg_id, timestamp, self.headers.get("webhook-signature", ""), body
        )
        try:
            event_type = json.loads(body).get("type")
        except ValueError:
            event_type = None
        self.send_response(204 if valid else 401)
        self.send_header("content-length", "0")
        self.end_headers()
        record = {
            "id": msg_id,
            "timestamp": timestamp,
            "type": event_type,
            "valid": valid,
            "reason": reason,
            "body": body.decode("utf-8", "replace"),
        }
        with PRINT_LOCK:
            sys.stdout.write(json.dumps(record) + "\n")
            sys.stdout.flush()

    def log_message(self, *args):
        pass


def main():
    Handler.secrets_path = sys.argv[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
