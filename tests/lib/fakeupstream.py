#!/usr/bin/env python3
"""A fault-injecting HTTP(S) upstream for cg-sync's tests.

  fakeupstream.py --dir DIR [--plan ACTION,ACTION,...] [--fail-rate P]
                  [--tls CERT KEY]

Writes its port to DIR/port, and one JSON line per request to
DIR/requests.jsonl: the action taken, the path and query, the headers that
matter (Idempotency-Key, Content-Encoding, whether Authorization came and
its value's SHA-256), whether the key is the SHA-256 of the decompressed
body, whether the data was accepted (the server kept it, even when the
answer was then lost), and the rids of the records.

Actions, taken by successive requests, then "ok" for ever (or, with
--fail-rate, with that probability a random one of --fail-actions):
  ok         200 {"ok":true}
  500        500
  429        429 with Retry-After: 1
  429date    429 with Retry-After as an HTTP date 1 s ahead
  hang       accepts, then answers nothing for 30 s
  reset      accepts, then resets the connection mid-response
  trickle    accepts, then sends the answer one byte a second
  400        400 {"error":"bad record"}
  401        401
  redirect   302 to http://other.invalid/
  chexc      200 whose body reports a ClickHouse exception (code 27)
  bulkpart   es _bulk: first item 201, second 400, others 409
  bulk429    es _bulk: every item 429
"""
import argparse, gzip, hashlib, json, os, random, socket, ssl, struct, sys, threading, time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--plan", default="")
ap.add_argument("--fail-rate", type=float, default=0.0)
ap.add_argument("--fail-actions", default="500,429,reset,hang")
ap.add_argument("--tls", nargs=2)
ap.add_argument("--sink", action="store_true", help="bench: read, answer 200, log nothing")
ap.add_argument("--bodies", action="store_true",
                help="append every decoded body to DIR/bodies.jsonl (what reached the server)")
ap.add_argument("--latency", type=float, default=0.0,
                help="seconds to wait before every answer, as a distant platform would")
args = ap.parse_args()

plan = [a for a in args.plan.split(",") if a]
lock = threading.Lock()
log = open(os.path.join(args.dir, "requests.jsonl"), "a", buffering=1)
count = 0


def next_action():
    global count
    with lock:
        count += 1
        if plan:
            return plan.pop(0)
    if args.fail_rate and random.random() < args.fail_rate:
        return random.choice(args.fail_actions.split(","))
    return "ok"


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The status line and the body go out in two writes; with Nagle on,
    # the body waits for the client's delayed ACK, 40 ms a request, which
    # no real upstream charges.
    disable_nagle_algorithm = True
    timeout = 60

    def log_message(self, *a):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        if args.sink:
            while n > 0:
                n -= len(self.rfile.read(min(n, 1 << 20)))
            self.answer(200, b"{}")
            return
        raw = self.rfile.read(n)
        enc = self.headers.get("Content-Encoding", "")
        try:
            body = gzip.decompress(raw) if enc == "gzip" else raw
        except Exception:
            body = None
        key = self.headers.get("Idempotency-Key", "")
        action = next_action()
        rids, bad = [], 0
        lines = body.decode("utf-8").splitlines() if body is not None else []
        for line in lines:
            try:
                o = json.loads(line)
            except Exception:
                bad += 1
                continue
            if "rid" in o:
                rids.append(o["rid"])
        accepted = action in ("ok", "hang", "reset", "trickle", "bulkpart", "chexc") and body is not None
        auth = self.headers.get("Authorization")
        rec = {
            "n": count, "action": action, "path": self.path, "key": key,
            "encoding": enc, "content_type": self.headers.get("Content-Type", ""),
            "key_ok": body is not None and hashlib.sha256(body).hexdigest() == key,
            "body_sha": hashlib.sha256(raw).hexdigest(),
            "accepted": accepted and action not in ("chexc",),
            "auth": hashlib.sha256(auth.encode()).hexdigest() if auth else None,
            "records": len(lines), "bad": bad, "rids": rids,
        }
        log.write(json.dumps(rec) + "\n")
        if args.bodies and body is not None:
            with open(os.path.join(args.dir, "bodies.jsonl"), "ab") as bf:
                bf.write(body if body.endswith(b"\n") or not body else body + b"\n")
        if args.latency:
            time.sleep(args.latency)
        if action == "ok" and self.path.split("?")[0].endswith("/_bulk"):
            self.answer(200, b'{"took":1,"errors":false,"items":[]}\n')
        elif action == "ok":
            self.answer(200, b'{"ok":true}\n')
        elif action == "500":
            self.answer(500, b"internal error\n")
        elif action == "429":
            self.answer(429, b"slow down\n", [("Retry-After", "1")])
        elif action == "429date":
            self.answer(429, b"slow down\n", [("Retry-After", formatdate(time.time() + 1, usegmt=True))])
        elif action == "hang":
            time.sleep(float(os.environ.get("FAKEUPSTREAM_HANG", "30")))
            self.close_connection = True
        elif action == "reset":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"ok"')
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif action == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        elif action == "400":
            self.answer(400, b'{"error":"bad record"}\n')
        elif action == "401":
            self.answer(401, b"who are you\n")
        elif action == "redirect":
            self.answer(302, b"", [("Location", "http://other.invalid/ingest")])
        elif action == "chexc":
            self.answer(200, b"Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected { before: x, (version 18.16.1)\n")
        elif action in ("bulkpart", "bulk429"):
            items = []
            for i in range(len(lines) // 2):
                if action == "bulk429":
                    st = 429
                else:
                    st = 201 if i == 0 else 400 if i == 1 else 409
                it = {"_id": rids[i] if i < len(rids) else "", "status": st}
                if st >= 400 and st != 409:
                    it["error"] = {"type": "mapper_parsing_exception" if st == 400 else "es_rejected_execution_exception"}
                items.append({"create": it})
            self.answer(200, json.dumps({"took": 1, "errors": True, "items": items}).encode(),
                        [("Content-Type", "application/json")])
        else:
            self.answer(200, b'{"ok":true}\n')


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
if args.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.tls[0], args.tls[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(os.path.join(args.dir, "port.tmp"), "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
srv.serve_forever()
