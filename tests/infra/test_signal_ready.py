"""packer/files/signal-ready, offline: the real script and the real AWS CLI, against one local
HTTP server standing in for the app's readiness endpoint, the instance metadata service (IMDSv2)
and CloudFormation's SignalResource (which moto does not implement).

  python3 tests/infra/test_signal_ready.py [--results FILE] [-k PATTERN]

The CLI reaches the stand-in through AWS_ENDPOINT_URL (honoured by the CLI on PATH here, 1.45;
the script itself has no endpoint option, as on an instance). Each test scripts the readiness
answers and CloudFormation's reply, runs the script, and checks its exit status and the
SignalResource request the CLI sent.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SCRIPT = os.path.join(REPO, "packer", "files", "signal-ready")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import testrun  # noqa: E402

NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
FAKE_KEY_ID = "STANDIN" + secrets.token_hex(6).upper()
FAKE_SECRET = secrets.token_urlsafe(30)


class StandIn:
    """Readiness + IMDSv2 + CloudFormation on one loopback port; tests script it between runs."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def reset(self, ready_after=0, never_ready=False, signal_error=None, imds=True):
        with self.lock:
            self.ready_after = ready_after            # readiness answers 503 this many times first
            self.never_ready = never_ready
            self.signal_error = signal_error          # (code, message) or None
            self.imds = imds
            self.token = secrets.token_hex(16)
            self.instance_id = "i-0" + uuid.uuid4().hex[:16]
            self.readiness_calls = 0
            self.signals = []
            self.imds_calls = []

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def reply(self, status, body, ctype="text/plain"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                with standin.lock:
                    if self.path == "/observe/health/ready":
                        standin.readiness_calls += 1
                        ready = not standin.never_ready and standin.readiness_calls > standin.ready_after
                        return self.reply(200 if ready else 503, '{"status":"UP"}' if ready else '{"status":"DOWN"}')
                    if self.path == "/latest/meta-data/instance-id":
                        token = self.headers.get("X-aws-ec2-metadata-token")
                        standin.imds_calls.append(("GET", token))
                        if not standin.imds:
                            return self.reply(404, "")
                        if token != standin.token:     # IMDSv2 only, as the launch template requires
                            return self.reply(401, "")
                        return self.reply(200, standin.instance_id)
                return self.reply(404, "")

            def do_PUT(self):
                with standin.lock:
                    if self.path == "/latest/api/token":
                        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
                        standin.imds_calls.append(("PUT", ttl))
                        if not standin.imds:
                            return self.reply(404, "")
                        if not ttl:
                            return self.reply(400, "")
                        return self.reply(200, standin.token)
                return self.reply(404, "")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                with standin.lock:
                    standin.signals.append(params)
                    error = standin.signal_error
                request_id = str(uuid.uuid4())
                if params.get("Action") != "SignalResource":
                    error = ("InvalidAction", params.get("Action", "none"))
                if error:
                    code, message = error
                    return self.reply(400, f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
                                           f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
                                           "</ErrorResponse>", "text/xml")
                return self.reply(200, f'<SignalResourceResponse xmlns="{NS}"><ResponseMetadata><RequestId>{request_id}'
                                       "</RequestId></ResponseMetadata></SignalResourceResponse>", "text/xml")

        return Handler


S = None


def start():
    global S
    S = StandIn()


def stop():
    S.stop()


def run(*args, url=True, env_extra=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": FAKE_KEY_ID, "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": S.url, "IMDS_URL": S.url})
    env.update(env_extra or {})
    cmd = [SCRIPT, *args]
    if url:
        cmd += ["--url", S.url + "/observe/health/ready"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    res.output = res.stdout + res.stderr
    return res


STACK_ARGS = ("--stack", "conduit-prod", "--resource", "AutoScalingGroup", "--region", "eu-west-1")


class SignalReady(unittest.TestCase):

    def test_ready_instance_signals_success_with_its_instance_id(self):
        S.reset(ready_after=2)
        res = run(*STACK_ARGS, "--timeout", "30")
        self.assertEqual(res.returncode, 0, res.output)
        self.assertEqual(S.readiness_calls, 3, "polled until readiness answered 200")
        self.assertEqual(len(S.signals), 1, res.output)
        sig = S.signals[0]
        self.assertEqual(sig["Action"], "SignalResource")
        self.assertEqual(sig["StackName"], "conduit-prod")
        self.assertEqual(sig["LogicalResourceId"], "AutoScalingGroup")
        self.assertEqual(sig["UniqueId"], S.instance_id)
        self.assertEqual(sig["Status"], "SUCCESS")
        self.assertIn(f"signalled SUCCESS for {S.instance_id} to conduit-prod/AutoScalingGroup", res.output)

    def test_instance_id_comes_from_imdsv2_with_a_session_token(self):
        S.reset()
        res = run(*STACK_ARGS, "--timeout", "10")
        self.assertEqual(res.returncode, 0, res.output)
        self.assertEqual(S.imds_calls[0][0], "PUT", "a token first")
        self.assertTrue(S.imds_calls[0][1].isdigit(), "with a TTL")
        self.assertEqual(S.imds_calls[1], ("GET", S.token), "then the id, with the token")

    def test_instance_not_ready_in_time_signals_failure_and_exits_1(self):
        S.reset(never_ready=True)
        res = run(*STACK_ARGS, "--timeout", "3")
        self.assertEqual(res.returncode, 1, res.output)
        self.assertGreaterEqual(S.readiness_calls, 2, "readiness was polled until the timeout")
        self.assertEqual([s["Status"] for s in S.signals], ["FAILURE"])
        self.assertIn("not ready within 3s", res.output)

    def test_no_stack_operation_waiting_is_only_logged(self):
        """An instance launched by an instance refresh or a scale-out: CloudFormation refuses the
        signal (the message is the one AWS sends), the script logs it and succeeds."""
        S.reset(signal_error=("ValidationError", "Stack arn:aws:cloudformation:eu-west-1:123456789012:stack/conduit-prod/"
                                                 "7d2e3dd0-f5f3-11e7-93f5-50a686e4bb4a is in UPDATE_COMPLETE state and cannot be signaled"))
        res = run(*STACK_ARGS, "--timeout", "10")
        self.assertEqual(res.returncode, 0, res.output)
        self.assertEqual(len(S.signals), 1)
        self.assertIn("no stack operation waits for a signal", res.output)

    def test_a_signal_that_cannot_be_sent_exits_3_and_says_why(self):
        S.reset(signal_error=("AccessDenied", "User is not authorized to perform: cloudformation:SignalResource"))
        res = run(*STACK_ARGS, "--timeout", "10")
        self.assertEqual(res.returncode, 3, res.output)
        self.assertIn("signal-resource failed", res.output)
        self.assertIn("AccessDenied", res.output)

    def test_without_instance_metadata_nothing_is_signalled(self):
        S.reset(imds=False)
        res = run(*STACK_ARGS, "--timeout", "10")
        self.assertEqual(res.returncode, 0, res.output)
        self.assertEqual(S.signals, [])
        self.assertIn("nothing signalled", res.output)

    def test_readiness_is_asked_on_the_observe_port_from_the_environment_file(self):
        S.reset()
        port = S.server.server_address[1]
        with tempfile.NamedTemporaryFile("w", suffix=".env") as envfile:
            envfile.write(f"PORT=8080\nOBSERVE_PORT={port}\n")
            envfile.flush()
            res = run(*STACK_ARGS, "--timeout", "10", url=False, env_extra={"CONDUIT_ENV_FILE": envfile.name})
        self.assertEqual(res.returncode, 0, res.output)
        self.assertIn(f"http://127.0.0.1:{port}/observe/health/ready", res.output)
        self.assertEqual(S.readiness_calls, 1)
        self.assertEqual([s["Status"] for s in S.signals], ["SUCCESS"])

    def test_bad_usage_exits_2_before_anything(self):
        S.reset()
        for args in [("--stack", "s", "--resource", "r"), ("--stack",), ("--timeout", "5m", *STACK_ARGS),
                     ("--bogus", "x", *STACK_ARGS)]:
            res = run(*args, url=False)
            self.assertEqual(res.returncode, 2, f"{args}: {res.output}")
            self.assertIn("signal-ready:", res.stderr)
        self.assertEqual((S.readiness_calls, S.signals, S.imds_calls), (0, [], []))


if __name__ == "__main__":
    testrun.main(sys.modules[__name__], start, stop)
