"""moto with a proxy of ours in front: what the offline AWS tests share.

moto keeps the AWS resources; a front (refresh_proxy.RefreshProxy for the release, aws_shim.AwsShim
for the restore drill) forwards what moto does unchanged and answers what moto lacks. The scripts
under test talk to the front's URL; the tests read moto directly through `moto_url`.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

REGION = "us-east-1"
# moto accepts any key pair: one is made up per run, so nothing key-shaped is written down.
FAKE_KEY_ID = "MOTO" + secrets.token_hex(8).upper()
FAKE_SECRET = secrets.token_urlsafe(30)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def forward(upstream, method, path, headers, body):
    """The request sent on to moto as it came; its status, headers and body."""
    u = urllib.parse.urlsplit(upstream)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        hdrs = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection", "content-length")}
        hdrs["Host"] = u.netloc
        hdrs["Content-Length"] = str(len(body))
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


class FrontHandler(BaseHTTPRequestHandler):
    """A front's request handler: HTTP/1.1, quiet, and one way to answer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):   # quiet
        pass

    def reply(self, status, body, ctype="text/xml", extra=()):
        """An answer with its length. Of the `extra` headers (moto's, when forwarding), those that this
        answer sets itself or that belong to one connection are left out."""
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        sent = set()
        for k, v in extra:
            if k.lower() in ("content-length", "transfer-encoding", "connection", "server", "date"):
                continue
            self.send_header(k, v)
            sent.add(k.lower())
        if "content-type" not in sent:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Front:
    """A front served in-process on a thread of its own: start() -> url; stop()."""

    def __init__(self, handler, port=0):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self.url

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class MotoBehind:
    """moto_server on a free port with a front (a Front class taking moto's URL) before it,
    shared by all tests of one run: start() before them, stop() after."""

    def __init__(self, front_class):
        self.front_class = front_class
        self.process = None
        self.front = None
        self.log = None
        self.moto_url = None
        self.url = None
        self._clients = threading.Lock()

    def start(self):
        port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
        self.process = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.moto_url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(self.moto_url + "/moto-api/", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"moto_server did not start (see {self.log.name})")
                time.sleep(0.1)
        self.front = self.front_class(self.moto_url)
        self.url = self.front.start()

    def stop(self):
        if self.front:
            self.front.stop()
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            os.unlink(self.log.name)

    def client(self, service):
        """A boto3 client of moto itself."""
        # boto3's default session is not thread-safe while it makes clients (tests may run side
        # by side); the clients themselves are
        with self._clients:
            return boto3.client(service, endpoint_url=self.moto_url, region_name=REGION,
                                aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)

    def control(self, path, body=None):
        """A call to the front's own control endpoints: POST with a body, GET without."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method="POST" if data is not None else "GET",
                                     headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(req, timeout=10).read() or b"{}")

    @staticmethod
    def script_env(**extra):
        """The environment of a script under test: this run's key pair, no AWS settings of the
        machine's, and short retry back-offs."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": FAKE_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_RETRY_BASE_SECONDS": "0.05",
            "AWS_RETRY_MAX_SECONDS": "0.2",
        })
        env.update(extra)
        return env
