"""A small HTTP proxy in front of moto for the AWS restore drill's offline tests.

moto 5.2.1 keeps the drill's RDS clusters, DB instances, snapshots, EC2 instances, launch
templates, SSM parameters and CloudFormation stacks itself; this proxy forwards all of that
unchanged and adds only what moto cannot give:

- SSM DescribeInstanceInformation (HTTP 500 in moto): an instance's agent reports "Online" after
  `online_after` polls (a large number: never, for the time-out tests);
- SSM GetCommandInvocation: moto answers "Success" with no output, since nothing runs; here the
  test scripts what the instance printed: status, exit code, standard output and error, and how
  many polls it stays "InProgress" first ("hang": until the test stops the drill);
- injected faults: the next N calls of an action get an AWS error (a refused DB instance, a
  cluster that cannot be deleted, throttling), in the error format of the action's protocol.

Every request is recorded ({"service", "action", "params", "status"}) for the tests to assert on.

Control endpoints (JSON, used by the tests only):
  POST /_shim/ssm      {"status": "Success", "code": 0, "stdout": "...", "stderr": "", "polls": 1,
                        "online_after": 1, "hang": false}
  POST /_shim/fail     {"action": "CreateDBInstance", "code": "InsufficientDBInstanceCapacity", "count": 1}
  GET  /_shim/calls    every request seen
  POST /_shim/reset    forget calls, scripts and faults
"""

import json
import re
import threading
import urllib.parse
import uuid
from xml.sax.saxutils import escape

from moto_front import Front, FrontHandler, forward

DEFAULT_SSM = {"status": "Success", "code": 0, "stdout": "", "stderr": "", "polls": 1, "online_after": 1,
               "hang": False}


class State:
    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.calls = []
        self.ssm = dict(DEFAULT_SSM)
        self.faults = {}            # action -> [code, remaining]
        self.info_polls = {}        # instance id -> DescribeInstanceInformation calls
        self.invocation_polls = {}  # command id -> GetCommandInvocation calls


def service_of(headers):
    """The service a signed request is for, from the credential scope of its Authorization header."""
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request", headers.get("Authorization") or "")
    return m.group(1) if m else ""


def error_body(service, action, code, message):
    """An AWS error in the protocol of the service: JSON for SSM, EC2's XML, or the query XML of the rest."""
    request_id = str(uuid.uuid4())
    if service == "ssm":
        return "application/x-amz-json-1.1", json.dumps({"__type": code, "message": message})
    if service == "ec2":
        return "text/xml", (f"<Response><Errors><Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
                            f"</Errors><RequestID>{request_id}</RequestID></Response>")
    return "text/xml", (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}'
                        f"</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")


def make_handler(state):
    class Handler(FrontHandler):
        def control(self, body):
            path = urllib.parse.urlsplit(self.path).path
            data = json.loads(body or b"{}")
            with state.lock:
                if path == "/_shim/calls":
                    return self.reply(200, json.dumps(state.calls), "application/json")
                if path == "/_shim/ssm":
                    state.ssm = dict(DEFAULT_SSM, **data)
                elif path == "/_shim/fail":
                    state.faults[data["action"]] = [data["code"], int(data.get("count", 1))]
                elif path == "/_shim/reset":
                    state.reset()
                else:
                    return self.reply(404, "{}", "application/json")
            return self.reply(200, "{}", "application/json")

        def ssm(self, action, params):
            """The SSM answers moto cannot give; None to forward the call to moto."""
            script = state.ssm
            if action == "DescribeInstanceInformation":
                ids = [v for f in params.get("Filters", []) if f.get("Key") == "InstanceIds" for v in f.get("Values", [])]
                info = []
                for i in ids:
                    polls = state.info_polls[i] = state.info_polls.get(i, 0) + 1
                    online = polls > script["online_after"]
                    info.append({"InstanceId": i, "PingStatus": "Online" if online else "Inactive",
                                 "PlatformType": "Linux", "ResourceType": "EC2Instance"})
                return {"InstanceInformationList": info}
            if action == "GetCommandInvocation":
                cid = params.get("CommandId")
                polls = state.invocation_polls[cid] = state.invocation_polls.get(cid, 0) + 1
                base = {"CommandId": cid, "InstanceId": params.get("InstanceId"), "DocumentName": "AWS-RunShellScript",
                        "PluginName": "aws:runShellScript"}
                if script["hang"] or polls <= script["polls"]:
                    return dict(base, Status="InProgress", StatusDetails="InProgress", ResponseCode=-1,
                                StandardOutputContent="", StandardErrorContent="")
                return dict(base, Status=script["status"], StatusDetails=script["status"], ResponseCode=script["code"],
                            StandardOutputContent=script["stdout"], StandardErrorContent=script["stderr"])
            return None

        def any_method(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/_shim/"):
                return self.control(body)
            headers = dict(self.headers.items())
            service = service_of(headers)
            target = headers.get("X-Amz-Target") or headers.get("x-amz-target") or ""
            if target:
                action = target.split(".", 1)[1]
                params = json.loads(body or b"{}")
            else:
                params = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
                action = params.get("Action", "")
            call = {"service": service, "action": action, "params": params, "status": None}
            with state.lock:
                state.calls.append(call)
                fault = state.faults.get(action)
                if fault and fault[1] > 0:
                    fault[1] -= 1
                    call["status"] = 400
                    call["error"] = fault[0]
                    ctype, err = error_body(service, action, fault[0], f"injected by the test: {fault[0]}")
                    return self.reply(400, err, ctype)
                answer = self.ssm(action, params) if service == "ssm" else None
            if answer is not None:
                call["status"] = 200
                return self.reply(200, json.dumps(answer), "application/x-amz-json-1.1")
            status, resp_headers, data = forward(state.upstream, self.command, self.path, headers, body)
            call["status"] = status
            return self.reply(status, data, "text/xml", extra=resp_headers)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = any_method

    return Handler


class AwsShim(Front):
    """In-process use: AwsShim(upstream).start() -> url; .stop()."""

    def __init__(self, upstream, port=0):
        self.state = State(upstream)
        super().__init__(make_handler(self.state), port)
