"""A small HTTP proxy in front of moto that adds the Auto Scaling instance-refresh API.

moto 5.2.1 answers StartInstanceRefresh, DescribeInstanceRefreshes, CancelInstanceRefresh and
RollbackInstanceRefresh with HTTP 500. This proxy implements those four actions itself, with
outcomes a test scripts in advance, and forwards every other request to moto unchanged, so the
launch templates, groups and target groups are moto's own.

Behaviour (close to Auto Scaling's, compressed into a few polls):
- StartInstanceRefresh fails with InstanceRefreshInProgress while a refresh of the group is
  Pending / InProgress / Cancelling / RollbackInProgress / Baking.
- Each DescribeInstanceRefreshes call advances every running refresh one step:
  Pending -> InProgress (0% .. 100% in `steps` polls) -> the scripted outcome:
    "Successful"  the group's launch template becomes the desired configuration (in moto);
    "Failed"      with AutoRollback: RollbackInProgress -> RollbackSuccessful (group unchanged),
                  without: Failed;
    "hang"        stays InProgress until cancelled or rolled back.
- RollbackInstanceRefresh: RollbackInProgress -> RollbackSuccessful.
- CancelInstanceRefresh: Cancelling -> Cancelled.
- Errors can be injected per action, optionally for one group only (so tests can run side by
  side): the next N calls (after skipping M) get a 400 error with the given code (Throttling by
  default; e.g. ExpiredToken to lose track of a refresh).

Control endpoints (JSON, used by the tests, never by the scripts):
  POST /_proxy/script   {"asg": NAME, "outcomes": ["Successful"], "steps": 2}
  POST /_proxy/throttle {"action": "DescribeInstanceRefreshes", "count": 3, "after": 0, "code": "Throttling",
                         "asg": NAME (optional: only calls for this group)}
  GET  /_proxy/calls    every request seen: [{"action", "params", "status"}]
  POST /_proxy/reset    forget calls, scripts and refreshes

Run standalone:  python3 refresh_proxy.py --port 5001 --upstream http://127.0.0.1:5000
"""

import argparse
import datetime
import json
import threading
import urllib.parse
import uuid
from xml.sax.saxutils import escape

from moto_front import Front, FrontHandler, forward

NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
INTERCEPTED = {
    "StartInstanceRefresh",
    "DescribeInstanceRefreshes",
    "CancelInstanceRefresh",
    "RollbackInstanceRefresh",
}
ACTIVE = {"Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"}


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class Refresh:
    def __init__(self, asg, params, outcome, steps):
        self.id = str(uuid.uuid4())
        self.asg = asg
        self.params = params
        self.outcome = outcome
        self.steps = max(1, steps)
        self.step = 0
        self.status = "Pending"
        self.reason = ""
        self.percentage = 0
        self.start = now_iso()
        self.end = None
        self.auto_rollback = params.get("Preferences.AutoRollback", "false") == "true"
        self.lt_id = params.get("DesiredConfiguration.LaunchTemplate.LaunchTemplateId")
        self.lt_version = params.get("DesiredConfiguration.LaunchTemplate.Version")

    def finish(self, status, reason=""):
        self.status, self.reason, self.end = status, reason, now_iso()


class State:
    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.calls = []
        self.scripts = {}      # asg -> {"outcomes": [...], "steps": n}
        self.throttle = {}     # (action, asg or None) -> {"count", "after", "code"}: injected errors
        self.refreshes = []    # newest last

    # -- upstream helper: change the group's launch template in moto -------------------------
    def set_group_template(self, asg, lt_id, version):
        body = urllib.parse.urlencode({
            "Action": "UpdateAutoScalingGroup",
            "Version": "2011-01-01",
            "AutoScalingGroupName": asg,
            "LaunchTemplate.LaunchTemplateId": lt_id,
            "LaunchTemplate.Version": version,
        })
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            # moto picks the service from the credential scope of the Authorization header
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/autoscaling/aws4_request, "
                             "SignedHeaders=host, Signature=0",
        }
        status, _, data = forward(self.upstream, "POST", "/", headers, body.encode())
        if status != 200:
            raise RuntimeError(f"moto UpdateAutoScalingGroup failed: {status} {data[:300]!r}")

    # -- the four actions ----------------------------------------------------------------------
    def start(self, p):
        asg = p.get("AutoScalingGroupName")
        if not asg:
            raise ApiError("ValidationError", "AutoScalingGroupName is required")
        for r in self.refreshes:
            if r.asg == asg and r.status in ACTIVE:
                raise ApiError("InstanceRefreshInProgress",
                               f"An Instance Refresh is already in progress and blocks the execution of this Instance Refresh. ({r.id})")
        if p.get("Preferences.AutoRollback") == "true" and not p.get("DesiredConfiguration.LaunchTemplate.LaunchTemplateId"):
            raise ApiError("ValidationError", "AutoRollback requires a desired configuration")
        script = self.scripts.get(asg, {})
        outcomes = script.get("outcomes") or ["Successful"]
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        r = Refresh(asg, p, outcome, script.get("steps", 2))
        self.refreshes.append(r)
        return f"<InstanceRefreshId>{r.id}</InstanceRefreshId>"

    def advance(self, r):
        if r.status == "Pending":
            r.status, r.reason = "InProgress", "Waiting for instances to warm up before continuing."
        elif r.status == "InProgress":
            if r.outcome == "hang":
                r.percentage = 50
                r.reason = "Waiting for instances to pass the load balancer health checks."
                return
            r.step += 1
            r.percentage = min(100, int(100 * r.step / r.steps))
            if r.step < r.steps:
                r.reason = "Waiting for instances to warm up before continuing."
                return
            if r.outcome == "Successful":
                if r.lt_id and r.lt_version:
                    self.set_group_template(r.asg, r.lt_id, r.lt_version)
                r.percentage = 100
                r.finish("Successful")
            elif r.auto_rollback:
                r.status = "RollbackInProgress"
                r.reason = "Instance refresh failed: new instances did not pass the ELB health checks. Rolling back."
            else:
                r.finish("Failed", "Instance refresh failed: new instances did not pass the ELB health checks.")
        elif r.status == "RollbackInProgress":
            r.percentage = 100
            r.finish("RollbackSuccessful", r.reason.replace("Rolling back.", "Rolled back.") or "Rolled back on request.")
        elif r.status == "Cancelling":
            r.finish("Cancelled", "Cancelled on request.")

    def describe(self, p):
        asg = p.get("AutoScalingGroupName")
        ids = {v for k, v in p.items() if k.startswith("InstanceRefreshIds.member.")}
        members = []
        for r in reversed(self.refreshes):            # newest first, like Auto Scaling
            if r.asg != asg or (ids and r.id not in ids):
                continue
            self.advance(r)
            members.append(self.member_xml(r))
        return f"<InstanceRefreshes>{''.join(members)}</InstanceRefreshes>"

    def rollback(self, p):
        asg = p.get("AutoScalingGroupName")
        for r in reversed(self.refreshes):
            if r.asg == asg and r.status in ("Pending", "InProgress", "Baking"):
                if not r.lt_id:
                    raise ApiError("ValidationError", "Rollback needs a refresh started with a desired configuration")
                r.status, r.reason = "RollbackInProgress", "Rollback requested."
                return f"<InstanceRefreshId>{r.id}</InstanceRefreshId>"
        raise ApiError("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found.")

    def cancel(self, p):
        asg = p.get("AutoScalingGroupName")
        for r in reversed(self.refreshes):
            if r.asg == asg and r.status in ("Pending", "InProgress", "Baking"):
                r.status, r.reason = "Cancelling", "Cancellation requested."
                return f"<InstanceRefreshId>{r.id}</InstanceRefreshId>"
        raise ApiError("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found.")

    @staticmethod
    def member_xml(r):
        to_update = 0 if r.status in ("Successful", "RollbackSuccessful") else max(0, 2 - 2 * r.percentage // 100)
        parts = [
            f"<InstanceRefreshId>{r.id}</InstanceRefreshId>",
            f"<AutoScalingGroupName>{escape(r.asg)}</AutoScalingGroupName>",
            f"<Status>{r.status}</Status>",
            f"<StatusReason>{escape(r.reason)}</StatusReason>" if r.reason else "",
            f"<StartTime>{r.start}</StartTime>",
            f"<EndTime>{r.end}</EndTime>" if r.end else "",
            f"<PercentageComplete>{r.percentage}</PercentageComplete>",
            f"<InstancesToUpdate>{to_update}</InstancesToUpdate>",
        ]
        if r.lt_id:
            parts.append(
                "<DesiredConfiguration><LaunchTemplate>"
                f"<LaunchTemplateId>{escape(r.lt_id)}</LaunchTemplateId>"
                f"<Version>{escape(r.lt_version or '')}</Version>"
                "</LaunchTemplate></DesiredConfiguration>")
        return "<member>" + "".join(parts) + "</member>"

    def handle(self, action, params):
        with self.lock:
            rule = self.throttle.get((action, params.get("AutoScalingGroupName"))) or self.throttle.get((action, None))
            if rule and rule["after"] > 0:
                rule["after"] -= 1
            elif rule and rule["count"] > 0:
                rule["count"] -= 1
                messages = {"Throttling": "Rate exceeded",
                            "ExpiredToken": "The security token included in the request is expired"}
                raise ApiError(rule["code"], messages.get(rule["code"], rule["code"]))
            if action == "StartInstanceRefresh":
                return self.start(params)
            if action == "DescribeInstanceRefreshes":
                return self.describe(params)
            if action == "RollbackInstanceRefresh":
                return self.rollback(params)
            if action == "CancelInstanceRefresh":
                return self.cancel(params)
        raise ApiError("InvalidAction", action)


def query_params(body, path):
    params = {}
    for source in (urllib.parse.urlsplit(path).query, body.decode("utf-8", "replace")):
        for k, v in urllib.parse.parse_qsl(source, keep_blank_values=True):
            params[k] = v
    return params


def make_handler(state):
    class Handler(FrontHandler):
        def control(self, method, body):
            path = urllib.parse.urlsplit(self.path).path
            data = json.loads(body or b"{}")
            with state.lock:
                if path == "/_proxy/calls" and method == "GET":
                    return self.reply(200, json.dumps(state.calls), "application/json")
                if path == "/_proxy/script" and method == "POST":
                    state.scripts[data["asg"]] = {"outcomes": list(data.get("outcomes", ["Successful"])),
                                                  "steps": int(data.get("steps", 2))}
                elif path == "/_proxy/throttle" and method == "POST":
                    state.throttle[(data["action"], data.get("asg"))] = {"count": int(data.get("count", 1)), "after": int(data.get("after", 0)),
                                                      "code": data.get("code", "Throttling")}
                elif path == "/_proxy/reset" and method == "POST":
                    state.reset()
                else:
                    return self.reply(404, "{}", "application/json")
            return self.reply(200, "{}", "application/json")

        def any_method(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/_proxy/"):
                return self.control(self.command, body)
            params = query_params(body, self.path) if "form-urlencoded" in (self.headers.get("Content-Type") or "") else {}
            action = params.get("Action", "")
            call = {"action": action, "params": params, "status": None}
            with state.lock:
                state.calls.append(call)
            if action in INTERCEPTED:
                request_id = str(uuid.uuid4())
                try:
                    result = state.handle(action, params)
                    call["status"] = 200
                    xml = (f'<{action}Response xmlns="{NS}"><{action}Result>{result}</{action}Result>'
                           f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>")
                    return self.reply(200, xml)
                except ApiError as e:
                    call["status"] = e.status
                    call["error"] = e.code
                    xml = (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{e.code}</Code>'
                           f"<Message>{escape(e.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
                    return self.reply(e.status, xml)
            status, headers, data = forward(state.upstream, self.command, self.path, dict(self.headers.items()), body)
            call["status"] = status
            return self.reply(status, data, extra=headers)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = any_method

    return Handler


class RefreshProxy(Front):
    """In-process use: RefreshProxy(upstream).start() -> url; .stop()."""

    def __init__(self, upstream, port=0):
        self.state = State(upstream)
        super().__init__(make_handler(self.state), port)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--upstream", required=True)
    args = ap.parse_args()
    proxy = RefreshProxy(args.upstream, args.port)
    print(proxy.url, flush=True)
    proxy.server.serve_forever()


if __name__ == "__main__":
    main()
