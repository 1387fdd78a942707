"""scripts/release, scripts/rollback and scripts/bake against moto, with the instance-refresh API
added by refresh_proxy.py (moto 5.2.1 has none of it).

  python3 tests/infra/test_release.py [--results FILE] [-k PATTERN]

Starts moto_server on a free loopback port and the proxy in front of it, runs the real scripts
with the AWS CLI pointed at the proxy (--endpoint-url), and checks what they did to moto's launch
templates and groups and which refresh calls they made. Each test has its own launch template
and group. Prints one line per test and, with --results, writes "PASS name" / "FAIL name" lines.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # no __pycache__ in the work tree
import testrun  # noqa: E402
from moto_front import REGION, MotoBehind  # noqa: E402
from refresh_proxy import RefreshProxy  # noqa: E402

SCRIPT_TIMEOUT = 180   # a release makes ~16 CLI calls of ~0.5 s CPU each; generous for a loaded machine


# moto + the proxy, shared by all tests of one run.
Stack = MotoBehind(RefreshProxy)
client = Stack.client
control = Stack.control

# The AWS CLI installed with the Python that runs these tests (boto3 and moto come from there
# too), called directly: a version manager's shim on PATH (pyenv here) adds a few processes to
# each of the suite's few hundred calls.
_SIBLING_CLI = os.path.join(os.path.dirname(sys.executable), "aws")
AWS_CLI = os.environ.get("AWS_CLI") or (_SIBLING_CLI if os.access(_SIBLING_CLI, os.X_OK) else "aws")


def script_env(**extra):
    return Stack.script_env(**{"AWS_CLI": AWS_CLI, **extra})


class Group:
    """A launch template (v1 = old AMI) and an Auto Scaling group using it, behind a target group."""

    def __init__(self):
        self.ec2, self.asg, self.elb = client("ec2"), client("autoscaling"), client("elbv2")
        tag = uuid.uuid4().hex[:8]
        self.name = f"conduit-{tag}"
        self.old_ami = self.ec2.register_image(Name=f"conduit-old-{tag}", Architecture="arm64",
                                               RootDeviceName="/dev/xvda", VirtualizationType="hvm")["ImageId"]
        self.new_ami = self.ec2.register_image(Name=f"conduit-new-{tag}", Architecture="arm64",
                                               RootDeviceName="/dev/xvda", VirtualizationType="hvm")["ImageId"]
        lt = self.ec2.create_launch_template(
            LaunchTemplateName=f"{self.name}-app", VersionDescription="stack baseline",
            LaunchTemplateData={"ImageId": self.old_ami, "InstanceType": "t4g.small",
                                "MetadataOptions": {"HttpTokens": "required"}})
        self.lt_id = lt["LaunchTemplate"]["LaunchTemplateId"]
        subnets = [s["SubnetId"] for s in self.ec2.describe_subnets()["Subnets"]][:2]
        vpc = self.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        self.tg = self.elb.create_target_group(
            Name=f"tg-{tag}", Protocol="HTTP", Port=8080, VpcId=vpc,
            HealthCheckPath="/observe/health/ready")["TargetGroups"][0]["TargetGroupArn"]
        self.asg.create_auto_scaling_group(
            AutoScalingGroupName=self.name, LaunchTemplate={"LaunchTemplateId": self.lt_id, "Version": "1"},
            MinSize=2, MaxSize=4, DesiredCapacity=2, VPCZoneIdentifier=",".join(subnets),
            TargetGroupARNs=[self.tg], HealthCheckType="ELB", HealthCheckGracePeriod=120)
        self.ssm = client("ssm")
        self.parameter = f"/conduit/{tag}/ami-id"
        self.ssm.put_parameter(Name=self.parameter, Type="String", DataType="aws:ec2:image", Value=self.old_ami)

    def recorded_ami(self):
        return self.ssm.get_parameter(Name=self.parameter)["Parameter"]["Value"]

    def script(self, outcomes, steps=2):
        control("/_proxy/script", {"asg": self.name, "outcomes": outcomes, "steps": steps})

    def versions(self):
        out = self.ec2.describe_launch_template_versions(LaunchTemplateId=self.lt_id)["LaunchTemplateVersions"]
        return {v["VersionNumber"]: v for v in out}

    def group_version(self):
        g = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[self.name])["AutoScalingGroups"][0]
        return g["LaunchTemplate"]["Version"]

    def calls(self, action):
        return [c for c in control("/_proxy/calls")
                if c["action"] == action and c["params"].get("AutoScalingGroupName", self.name) == self.name
                and (c["params"].get("LaunchTemplateId", self.lt_id) == self.lt_id)]

    def run(self, script, *args, env=None):
        cmd = [os.path.join(REPO, "scripts", script), "--endpoint-url", Stack.url, "--region", REGION,
               "--asg", self.name, "--poll", "0.1", *args]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT, env=env or script_env())
        res.output = res.stdout + res.stderr
        return res


def members(params, prefix):
    keys = sorted((k for k in params if k.startswith(prefix + ".member.")), key=lambda k: int(k.rsplit(".", 1)[1]))
    return [params[k] for k in keys]


class ReleaseSucceeds(unittest.TestCase):
    """One successful release with checkpoints and alarm gating; several properties of it."""

    @classmethod
    def setUpClass(cls):
        cls.g = Group()
        cls.g.script(["Successful"], steps=3)
        cls.res = cls.g.run("release", "--ami", cls.g.new_ami, "--warmup", "90",
                            "--checkpoints", "50", "--checkpoint-delay", "60",
                            "--alarms", "conduit-target-5xx,conduit-unhealthy-hosts",
                            "--ami-parameter", cls.g.parameter)
        cls.start = cls.g.calls("StartInstanceRefresh")

    def test_release_exits_zero_when_the_refresh_succeeds(self):
        self.assertEqual(self.res.returncode, 0, self.res.output)
        self.assertIn("release done", self.res.output)

    def test_new_launch_template_version_pins_the_new_ami(self):
        versions = self.g.versions()
        self.assertEqual(sorted(versions), [1, 2])
        self.assertEqual(versions[2]["LaunchTemplateData"]["ImageId"], self.g.new_ami)
        self.assertEqual(versions[1]["LaunchTemplateData"]["ImageId"], self.g.old_ami)
        self.assertIn(f"(from v1)", versions[2]["VersionDescription"])

    def test_new_version_is_derived_from_the_version_the_group_runs(self):
        create = self.g.calls("CreateLaunchTemplateVersion")
        self.assertEqual(len(create), 1)
        self.assertEqual(create[0]["params"]["SourceVersion"], "1")
        self.assertEqual(create[0]["params"]["LaunchTemplateData.ImageId"], self.g.new_ami)

    def test_refresh_is_pinned_to_the_new_version(self):
        self.assertEqual(len(self.start), 1)
        p = self.start[0]["params"]
        self.assertEqual(p["DesiredConfiguration.LaunchTemplate.LaunchTemplateId"], self.g.lt_id)
        self.assertEqual(p["DesiredConfiguration.LaunchTemplate.Version"], "2")
        self.assertEqual(p["Strategy"], "Rolling")

    def test_refresh_launches_before_terminating_half_the_group_at_a_time(self):
        p = self.start[0]["params"]
        self.assertEqual(p["Preferences.MinHealthyPercentage"], "100")
        self.assertEqual(p["Preferences.MaxHealthyPercentage"], "150")

    def test_the_released_ami_is_recorded_where_the_stack_reads_it(self):
        self.assertEqual(self.g.recorded_ami(), self.g.new_ami)
        self.assertIn(f"recorded {self.g.new_ami} in {self.g.parameter}", self.res.output)

    def test_refresh_is_health_gated_with_warmup_and_rolls_back_automatically(self):
        p = self.start[0]["params"]
        self.assertEqual(p["Preferences.InstanceWarmup"], "90")
        self.assertEqual(p["Preferences.AutoRollback"], "true")
        self.assertEqual(p["Preferences.SkipMatching"], "true")

    def test_checkpoints_and_alarms_are_passed(self):
        p = self.start[0]["params"]
        self.assertEqual(members(p, "Preferences.CheckpointPercentages"), ["50", "100"])
        self.assertEqual(p["Preferences.CheckpointDelay"], "60")
        self.assertEqual(members(p, "Preferences.AlarmSpecification.Alarms"),
                         ["conduit-target-5xx", "conduit-unhealthy-hosts"])

    def test_progress_is_reported_until_the_end(self):
        self.assertIn("InProgress", self.res.output)
        self.assertIn("Successful, 100% done", self.res.output)
        self.assertIn(f"refresh_id=", self.res.stdout)

    def test_group_runs_the_new_version_afterwards(self):
        self.assertEqual(self.g.group_version(), "2")


class ReleaseFails(unittest.TestCase):

    def test_failed_refresh_that_rolled_back_exits_non_zero(self):
        g = Group()
        g.script(["Failed"])
        res = g.run("release", "--ami", g.new_ami)
        self.assertEqual(res.returncode, 1, res.output)
        self.assertIn("RollbackSuccessful", res.output)
        self.assertIn("rolled back", res.output)
        self.assertEqual(g.group_version(), "1")

    def test_release_that_loses_track_exits_5_with_the_command_to_pick_it_up(self):
        g = Group()
        g.script(["Successful"], steps=3)
        # the check for a running refresh passes; every later read fails as with an expired SSO token
        control("/_proxy/throttle", {"action": "DescribeInstanceRefreshes", "after": 1, "count": 50, "code": "ExpiredToken",
                                     "asg": g.name})
        res = g.run("release", "--ami", g.new_ami, "--ami-parameter", g.parameter)
        control("/_proxy/throttle", {"action": "DescribeInstanceRefreshes", "count": 0, "asg": g.name})
        self.assertEqual(res.returncode, 5, res.output)
        self.assertIn("LOST TRACK", res.output)
        self.assertNotIn("release FAILED", res.output)
        refresh_id = next(line.split("=", 1)[1] for line in res.stdout.splitlines() if line.startswith("refresh_id="))
        self.assertIn(f"scripts/release --asg {g.name} --follow {refresh_id} --ami-parameter {g.parameter}", res.output)
        self.assertEqual(g.recorded_ami(), g.old_ami, "nothing is recorded while the outcome is unknown")

        again = g.run("release", "--follow", refresh_id, "--ami-parameter", g.parameter)
        self.assertEqual(again.returncode, 0, again.output)
        self.assertIn("Successful", again.output)
        self.assertEqual(g.recorded_ami(), g.new_ami, "picking the refresh up again records the AMI on success")
        self.assertEqual(len(g.calls("StartInstanceRefresh")), 1, "following starts nothing")

    def test_failed_refresh_without_auto_rollback_exits_6_and_says_the_group_may_be_mixed(self):
        g = Group()
        g.script(["Failed"])
        res = g.run("release", "--ami", g.new_ami, "--no-auto-rollback", "--ami-parameter", g.parameter)
        self.assertEqual(res.returncode, 6, res.output)
        self.assertIn("may run a mix", res.output)
        self.assertEqual(g.recorded_ami(), g.old_ami, "a failed release records nothing")
        self.assertIn("Failed", res.output)
        self.assertEqual(g.calls("StartInstanceRefresh")[0]["params"]["Preferences.AutoRollback"], "false")

    def test_unknown_ami_is_refused_before_anything_changes(self):
        g = Group()
        res = g.run("release", "--ami", "ami-0000000000000dead")
        self.assertNotEqual(res.returncode, 0, res.output)
        self.assertEqual(sorted(g.versions()), [1])
        self.assertEqual(g.calls("StartInstanceRefresh"), [])

    def test_release_warns_when_the_stack_parameter_and_the_group_disagree(self):
        g = Group()
        g.ssm.put_parameter(Name=g.parameter, Type="String", DataType="aws:ec2:image", Value=g.new_ami, Overwrite=True)
        # an unknown AMI stops the release right after the check, before anything changes
        res = g.run("release", "--ami", "ami-0000000000000dead", "--ami-parameter", g.parameter)
        self.assertIn(f"warning: {g.parameter} says {g.new_ami} but {g.name} runs {g.old_ami}", res.output)
        self.assertNotEqual(res.returncode, 0, res.output)

    def test_refresh_still_running_at_timeout_exits_4(self):
        g = Group()
        g.script(["hang"])
        res = g.run("release", "--ami", g.new_ami, "--timeout", "1")
        self.assertEqual(res.returncode, 4, res.output)
        self.assertIn("still running", res.output)
        g.run("rollback")   # leave nothing running


class OneRefreshAtATime(unittest.TestCase):

    def test_second_release_while_one_runs_is_refused_and_rollback_stops_the_first(self):
        g = Group()
        g.script(["hang"])
        first = g.run("release", "--ami", g.new_ami, "--no-wait")
        self.assertEqual(first.returncode, 0, first.output)

        second = g.run("release", "--ami", g.new_ami)
        self.assertEqual(second.returncode, 3, second.output)
        self.assertIn("refusing to start", second.output)
        self.assertEqual(len(g.calls("StartInstanceRefresh")), 1, "no second refresh was requested")
        self.assertEqual(sorted(g.versions()), [1, 2], "no launch template version was made for it")

        back = g.run("rollback")
        self.assertEqual(back.returncode, 0, back.output)
        self.assertEqual(len(g.calls("RollbackInstanceRefresh")), 1)
        self.assertIn("RollbackSuccessful", back.output)
        self.assertEqual(g.group_version(), "1")


class Rollback(unittest.TestCase):

    def test_rollback_after_a_finished_release_returns_to_the_previous_version(self):
        g = Group()
        g.script(["Successful"])
        rel = g.run("release", "--ami", g.new_ami)
        self.assertEqual(rel.returncode, 0, rel.output)
        self.assertEqual(g.group_version(), "2")

        back = g.run("rollback", "--warmup", "30", "--ami-parameter", g.parameter)
        self.assertEqual(back.returncode, 0, back.output)
        start = g.calls("StartInstanceRefresh")[-1]["params"]
        self.assertEqual(start["DesiredConfiguration.LaunchTemplate.Version"], "1")
        self.assertEqual(start["Preferences.MinHealthyPercentage"], "100")
        self.assertEqual(start["Preferences.MaxHealthyPercentage"], "150")
        self.assertEqual(g.recorded_ami(), g.old_ami, "the rolled-back AMI is recorded for the stack")
        self.assertEqual(start["Preferences.InstanceWarmup"], "30")
        self.assertEqual(g.group_version(), "1")
        self.assertIn(g.old_ami, back.output)

    def test_rollback_that_fails_exits_non_zero(self):
        g = Group()
        g.script(["Successful", "Failed"])
        self.assertEqual(g.run("release", "--ami", g.new_ami).returncode, 0)
        back = g.run("rollback")
        self.assertEqual(back.returncode, 1, back.output)
        self.assertEqual(g.group_version(), "2")

    def test_rollback_without_a_release_asks_for_a_version(self):
        g = Group()
        back = g.run("rollback")
        self.assertEqual(back.returncode, 2, back.output)
        self.assertIn("--to-version", back.output)


class StackOutputs(unittest.TestCase):

    def test_release_reads_group_template_and_alarms_from_the_stack(self):
        g = Group()
        g.script(["Successful"])
        name = f"stack-{g.name}"
        template = {
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {
                "AutoScalingGroupName": {"Value": g.name},
                "LaunchTemplateId": {"Value": g.lt_id},
                "ReleaseAlarms": {"Value": "s-target-5xx,s-elb-5xx,s-unhealthy-hosts"},
            },
        }
        client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
        cmd = [os.path.join(REPO, "scripts", "release"), "--endpoint-url", Stack.url, "--region", REGION,
               "--stack", name, "--ami", g.new_ami, "--poll", "0.1"]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT, env=script_env())
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        p = g.calls("StartInstanceRefresh")[0]["params"]
        self.assertEqual(p["AutoScalingGroupName"], g.name)
        self.assertEqual(p["DesiredConfiguration.LaunchTemplate.LaunchTemplateId"], g.lt_id)
        self.assertEqual(members(p, "Preferences.AlarmSpecification.Alarms"),
                         ["s-target-5xx", "s-elb-5xx", "s-unhealthy-hosts"])


class SafeDefaults(unittest.TestCase):

    def test_alarms_alone_bring_a_checkpoint_and_a_bake_time_the_alarms_can_evaluate_in(self):
        sys.path.insert(0, HERE)
        import checks
        stack = checks.load_stack()
        alarms = [ref["Ref"] for ref in stack["Outputs"]["ReleaseAlarms"]["Value"]["Fn::Join"][1]]
        evaluation = 0
        for name in alarms:
            a = stack["Resources"][name]["Properties"]
            period = a.get("Period") or max(m["MetricStat"]["Period"] for m in a["Metrics"] if "MetricStat" in m)
            evaluation = max(evaluation, period * a["EvaluationPeriods"])
        g = Group()
        g.script(["Successful"])
        res = g.run("release", "--ami", g.new_ami, "--alarms", ",".join(alarms))
        self.assertEqual(res.returncode, 0, res.output)
        p = g.calls("StartInstanceRefresh")[0]["params"]
        self.assertEqual(members(p, "Preferences.CheckpointPercentages"), ["50", "100"])
        self.assertGreaterEqual(int(p["Preferences.CheckpointDelay"]), evaluation,
                                "the first half is judged by the alarms before the second starts")
        # CloudWatch publishes ALB metrics about a minute late; the bake covers evaluation + delay
        self.assertGreaterEqual(int(p["Preferences.BakeTime"]), evaluation + 120)
        self.assertEqual(p["Preferences.MaxHealthyPercentage"], "150")

    def test_an_aws_cli_too_old_is_refused_before_anything_changes(self):
        g = Group()
        with tempfile.TemporaryDirectory() as tmp:
            old = os.path.join(tmp, "aws")
            with open(old, "w") as f:   # Debian 12's awscli: a stand-in that only answers --version
                f.write('#!/bin/sh\necho "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off"\n')
            os.chmod(old, 0o755)
            res = g.run("release", "--ami", g.new_ami, env=script_env(AWS_CLI=old))
        self.assertEqual(res.returncode, 2, res.output)
        self.assertIn("AWS CLI 2.9.19 is too old", res.output)
        self.assertIn("2.19.0", res.output)
        self.assertEqual(sorted(g.versions()), [1], "no launch template version was made")

    def test_the_cli_in_use_is_new_enough(self):
        res = subprocess.run(["bash", "-c", f". {REPO}/scripts/lib/aws-common.sh; require_aws_cli && aws --version"],
                             capture_output=True, text=True, timeout=60, env=script_env())
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)


class AmiSourceOfTruth(unittest.TestCase):
    """Release AMI B over a stack created with AMI A, then update the stack: which AMI does the
    group's launch template version carry? The stack operations run through cfn_model (a model
    of the CloudFormation behaviour that matters: SSM-typed parameters resolved at create and at
    every update; see its docstring) over moto's real SSM, launch templates and Auto Scaling; the
    release is the real scripts/release. The launch template and group are infra/conduit.yaml's
    own, verbatim."""

    def setUp(self):
        import checks
        from cfn_model import CloudFormationModel, subset
        self.template = subset(checks.load_stack(), ["LaunchTemplate", "AutoScalingGroup"])
        self.ec2, self.asg, self.ssm = client("ec2"), client("autoscaling"), client("ssm")
        self.cfn = CloudFormationModel(self.ssm, self.ec2, self.asg, region=REGION)
        tag = uuid.uuid4().hex[:8]
        self.stack = f"conduit-{tag}"
        self.ami_a, self.ami_b = (self.ec2.register_image(Name=f"conduit-{n}-{tag}", Architecture="arm64",
                                                          RootDeviceName="/dev/xvda", VirtualizationType="hvm")["ImageId"]
                                  for n in ("a", "b"))
        self.parameter = f"/conduit/{tag}/ami-id"
        self.ssm.put_parameter(Name=self.parameter, Type="String", DataType="aws:ec2:image", Value=self.ami_a)
        subnets = [s["SubnetId"] for s in self.ec2.describe_subnets()["Subnets"]][:2]
        vpc = self.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        tg = client("elbv2").create_target_group(Name=f"tg-{tag}", Protocol="HTTP", Port=8080, VpcId=vpc)
        # resources the model does not create, mapped to moto's
        self.externals = {"PrivateSubnetA": subnets[0], "PrivateSubnetB": subnets[1],
                          "TargetGroup": tg["TargetGroups"][0]["TargetGroupArn"]}

    def create(self, template, ami_parameter_value):
        # parameters without a default that only properties outside the model use (user data)
        required = {p: f"{p}-unused" for p, spec in template["Parameters"].items() if "Default" not in spec}
        stack = self.cfn.create(self.stack, template, {**required, "AmiId": ami_parameter_value,
                                                        "InstanceType": "t4g.small", "MinSize": "2", "MaxSize": "4"},
                                self.externals)
        self.group = self.cfn.physical_id(self.stack, "AutoScalingGroup")
        self.lt_id = self.cfn.physical_id(self.stack, "LaunchTemplate")
        self.assertIn("LaunchTemplateData.UserData", stack["dropped"]["LaunchTemplate"], "the model says what it leaves out")
        self.assertEqual(self.running()["ImageId"], self.ami_a)
        return stack

    def release_b(self):
        run_release = subprocess.run(
            [os.path.join(REPO, "scripts", "release"), "--endpoint-url", Stack.url, "--region", REGION,
             "--asg", self.group, "--ami", self.ami_b, "--ami-parameter", self.parameter, "--poll", "0.1"],
            capture_output=True, text=True, timeout=SCRIPT_TIMEOUT, env=script_env())
        self.assertEqual(run_release.returncode, 0, run_release.stdout + run_release.stderr)
        self.assertEqual(self.running()["ImageId"], self.ami_b, "the release moved the group to B")
        self.assertEqual(self.ssm.get_parameter(Name=self.parameter)["Parameter"]["Value"], self.ami_b)

    def running(self):
        """The data of the launch template version the group uses now (moto's)."""
        g = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[self.group])["AutoScalingGroups"][0]
        version = g["LaunchTemplate"]["Version"]
        v = self.ec2.describe_launch_template_versions(LaunchTemplateId=self.lt_id, Versions=[version])
        data = v["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        data["_version"] = v["LaunchTemplateVersions"][0]["VersionNumber"]
        return data

    def test_release_then_stack_update_keeps_the_new_ami_with_a_cloudformation_model_of_ssm_parameters(self):
        from cfn_model import dumps
        self.create(self.template, self.parameter)
        self.release_b()
        # an update that changes nothing: the parameter now resolves to B, so the stack writes
        # its own version with B and the group moves to it (one replacement, same AMI)
        stack = self.cfn.update(self.stack, self.template, {})
        now = self.running()
        self.assertEqual((now["ImageId"], now["_version"]), (self.ami_b, 3),
                         "v1 by the stack, v2 by the release, v3 by the update\n" + dumps(stack))
        # an unrelated change that rewrites the launch template
        stack = self.cfn.update(self.stack, self.template, {"InstanceType": "t4g.medium"})
        now = self.running()
        self.assertEqual(now["InstanceType"], "t4g.medium", "the update reached the group")
        self.assertEqual(now["ImageId"], self.ami_b, "the stack update kept the released AMI\n" + dumps(stack))
        self.assertEqual(now["_version"], 4)

    def test_counter_case_a_plain_string_ami_parameter_goes_back_to_the_old_ami_with_a_cloudformation_model(self):
        """The check above can fail: the same template with AmiId as a plain String (the drift the
        issue describes) puts the group back on A at the first update that touches the launch
        template; until then the drift is latent."""
        plain = json.loads(json.dumps(self.template))
        plain["Parameters"]["AmiId"] = {"Type": "String"}
        self.create(plain, self.ami_a)
        self.release_b()
        self.cfn.update(self.stack, plain, {})
        self.assertEqual((self.running()["ImageId"], self.running()["_version"]), (self.ami_b, 2),
                         "an update that does not touch the launch template leaves the release alone")
        self.cfn.update(self.stack, plain, {"InstanceType": "t4g.medium"})
        now = self.running()
        self.assertEqual(now["InstanceType"], "t4g.medium")
        self.assertEqual(now["ImageId"], self.ami_a, "a plain String parameter undoes the release")

    def test_the_model_reads_the_ssm_parameter_again_at_update_not_at_create_only(self):
        self.create(self.template, self.parameter)
        self.ssm.put_parameter(Name=self.parameter, Type="String", DataType="aws:ec2:image", Value=self.ami_b,
                               Overwrite=True)
        stack = self.cfn.update(self.stack, self.template, {})
        self.assertEqual(stack["inputs"]["AmiId"], self.parameter, "the parameter keeps the SSM name")
        self.assertEqual(stack["params"]["AmiId"], self.ami_b, "and resolves to the value at update time")


class Throttling(unittest.TestCase):

    def test_throttled_calls_are_retried(self):
        g = Group()
        g.script(["Successful"])
        control("/_proxy/throttle", {"action": "StartInstanceRefresh", "count": 2, "asg": g.name})
        control("/_proxy/throttle", {"action": "DescribeInstanceRefreshes", "count": 3, "asg": g.name})
        # AWS_MAX_ATTEMPTS=1 turns the CLI's own retries off, so the scripts' back-off is what works
        res = g.run("release", "--ami", g.new_ami, env=script_env(AWS_MAX_ATTEMPTS="1"))
        self.assertEqual(res.returncode, 0, res.output)
        self.assertGreaterEqual(res.output.count("throttled on"), 5, res.output)
        self.assertEqual(len([c for c in g.calls("StartInstanceRefresh") if c["status"] == 200]), 1)


class Bake(unittest.TestCase):

    def test_bake_runs_packer_and_records_the_ami_id(self):
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(HERE, "fake-packer")
            artifacts = os.path.join(tmp, "target")
            os.makedirs(os.path.join(artifacts, "libs"))
            open(os.path.join(artifacts, "conduit.jar"), "w").close()
            res = subprocess.run(
                [os.path.join(REPO, "scripts", "bake"), "--region", "eu-west-1", "--arch", "arm64",
                 "--skip-app-build", "--artifact-dir", artifacts, "--app-version", "test", "--out-dir", tmp],
                capture_output=True, text=True, timeout=60,
                env=script_env(PACKER=fake, FAKE_PACKER_LOG=os.path.join(tmp, "calls")))
            output = res.stdout + res.stderr
            self.assertEqual(res.returncode, 0, output)
            with open(os.path.join(tmp, "ami-id")) as f:
                self.assertEqual(f.read().strip(), "ami-0fedcba9876543210")
            self.assertIn("Waiting for the AOT training run", output)      # progress is shown
            with open(os.path.join(tmp, "calls")) as f:
                calls = f.read()
            self.assertIn("init", calls)
            self.assertIn("validate", calls)
            self.assertIn("build -machine-readable", calls)
            self.assertIn("-var arch=arm64", calls)
            self.assertIn(f"-var artifact_dir={artifacts}", calls)
            with open(os.path.join(tmp, "packer-manifest.json")) as f:
                self.assertIn("ami-0fedcba9876543210", f.read())


if __name__ == "__main__":
    # side by side: each test has its own group, and injected errors name it
    testrun.main(sys.modules[__name__], Stack.start, Stack.stop, workers=2)
