"""scripts/restore-drill aws against moto, with what moto lacks added by aws_shim.py.

  python3 tests/infra/test_restore_drill.py [--results FILE] [-k PATTERN]

moto holds the source stack (a CloudFormation stack whose outputs name an Aurora cluster with its
writer, a DB subnet group, security groups, an instance profile, a launch template and an AMI
parameter) and everything the drill creates; the shim answers the SSM agent's status and the
output of the verify command (nothing runs an instance here, so what verify printed is scripted
per test) and injects faults. Each test has its own stack. The checks: what the drill asked AWS
for (restore parameters, instance class, AMI, subnet, security group, profile, user data, the
command and its environment), its exit status and report, and that moto holds nothing of the
drill afterwards: after success, after verify found faults, after a step failed, after a
time-out and after Ctrl-C; and that a clean-up that cannot finish says what is left (exit 3).
"""

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.dont_write_bytecode = True      # no __pycache__ in the work tree
import testrun  # noqa: E402
from aws_shim import AwsShim  # noqa: E402
from moto_front import REGION, MotoBehind  # noqa: E402

SCRIPT_TIMEOUT = 120
TAG = "conduit:restore-drill"


# moto + the shim, shared by all tests of one run.
Moto = MotoBehind(AwsShim)
client = Moto.client
control = Moto.control
script_env = Moto.script_env


def verify_output(ok=True):
    """What `conduit.jar verify` prints on the instance (scripted: nothing runs an instance here)."""
    report = {"ok": ok, "target": "jdbc:mysql://restored:3306/conduit", "faultCount": 0 if ok else 1,
              "checks": [], "faults": [] if ok else [{"check": "emails", "table": "users", "key": "id=7",
                                                     "what": "email does not decrypt"}],
              "notes": [], "tables": {"users": {"rows": 3, "sha256": "ab" * 32}}}
    human = ("verify jdbc:mysql://restored:3306/conduit\n  emails          ok     3 users: 3 emails open, 0 faults\n"
             "verify: OK in 1.2 s, peak heap 30 MB of 77 MB\n") if ok else (
             "verify jdbc:mysql://restored:3306/conduit\n"
             "  FAULT [emails] users id=7: email does not decrypt\nverify: FAILED, 1 faults in 1.2 s\n")
    return human + "=== verify json ===\n" + json.dumps(report) + "\n=== end ===\n", report


class Source:
    """An Aurora cluster with a writer, the network and app pieces around it, and a stack naming them."""

    def __init__(self, with_ami_parameter=True, drop_output=None):
        self.rds, self.ec2, self.ssm = client("rds"), client("ec2"), client("ssm")
        tag = uuid.uuid4().hex[:8]
        self.name = f"stack-{tag}"
        vpc = self.ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        self.subnets = [s["SubnetId"] for s in self.ec2.describe_subnets()["Subnets"]][:2]
        self.db_sg = self.ec2.create_security_group(GroupName=f"db-{tag}", Description="db", VpcId=vpc)["GroupId"]
        self.app_sg = self.ec2.create_security_group(GroupName=f"app-{tag}", Description="app", VpcId=vpc)["GroupId"]
        self.subnet_group = f"dbsubnets-{tag}"
        self.rds.create_db_subnet_group(DBSubnetGroupName=self.subnet_group, DBSubnetGroupDescription="db",
                                        SubnetIds=self.subnets)
        self.cluster = f"conduit-db-{tag}"
        self.rds.create_db_cluster(DBClusterIdentifier=self.cluster, Engine="aurora-mysql",
                                   EngineVersion="8.0.mysql_aurora.3.08.2", MasterUsername="admin",
                                   MasterUserPassword=secrets.token_hex(12), DatabaseName="conduit",
                                   DBSubnetGroupName=self.subnet_group, VpcSecurityGroupIds=[self.db_sg],
                                   StorageEncrypted=True, KmsKeyId=f"arn:aws:kms:{REGION}:123456789012:key/{tag}",
                                   DeletionProtection=True, BackupRetentionPeriod=14)
        self.rds.create_db_instance(DBInstanceIdentifier=f"{self.cluster}-writer", DBClusterIdentifier=self.cluster,
                                    Engine="aurora-mysql", DBInstanceClass="db.r6g.large")
        self.profile = f"conduit-{tag}"
        arn = client("iam").create_instance_profile(InstanceProfileName=self.profile)["InstanceProfile"]["Arn"]
        self.template_ami = self.ec2.register_image(Name=f"conduit-old-{tag}", Architecture="arm64",
                                                    RootDeviceName="/dev/xvda", VirtualizationType="hvm")["ImageId"]
        self.current_ami = self.ec2.register_image(Name=f"conduit-new-{tag}", Architecture="arm64",
                                                   RootDeviceName="/dev/xvda", VirtualizationType="hvm")["ImageId"]
        self.lt = self.ec2.create_launch_template(
            LaunchTemplateName=f"{self.name}-app", LaunchTemplateData={
                "ImageId": self.template_ami, "InstanceType": "t4g.small", "IamInstanceProfile": {"Arn": arn},
                "SecurityGroupIds": [self.app_sg], "MetadataOptions": {"HttpTokens": "required"}})["LaunchTemplate"]["LaunchTemplateId"]
        self.ami_parameter = f"/conduit/{tag}/ami"
        self.ssm.put_parameter(Name=self.ami_parameter, Value=self.current_ami, Type="String")
        self.data_key = f"arn:aws:kms:{REGION}:123456789012:key/data-{tag}"
        self.secret = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:conduit-db-{tag}"
        outputs = {
            "DbClusterIdentifier": self.cluster, "DbSubnetGroupName": self.subnet_group,
            "DbSecurityGroupId": self.db_sg, "AppSecurityGroupId": self.app_sg,
            "PrivateSubnetIds": ",".join(self.subnets), "InstanceProfileName": self.profile,
            "LaunchTemplateId": self.lt, "DataKeyArn": self.data_key, "DbSecretArn": self.secret,
        }
        if with_ami_parameter:
            outputs["AmiParameterName"] = self.ami_parameter
        outputs.pop(drop_output, None)
        template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                    "Outputs": {k: {"Value": v} for k, v in outputs.items()}}
        client("cloudformation").create_stack(StackName=self.name, TemplateBody=json.dumps(template))

    def run(self, *args, env=None):
        res = subprocess.run(self.command(*args), capture_output=True, text=True, timeout=SCRIPT_TIMEOUT,
                             env=env or script_env(), cwd=REPO)
        res.output = res.stdout + res.stderr
        return res

    def command(self, *args):
        return [os.path.join(REPO, "scripts", "restore-drill"), "aws", "--endpoint-url", Moto.url, "--region", REGION,
                "--stack", self.name, "--poll", "0.1", "--timeout", "20", *args]

    def calls(self, action):
        """This source's calls of one action: those naming its stack, cluster, template, drill or instance."""
        names = [self.name, self.cluster, self.lt]
        drill = self.drill_id()
        if drill:
            names.append(drill)
            names += [i["InstanceId"] for r in self.ec2.describe_instances(
                Filters=[{"Name": f"tag:{TAG}", "Values": [drill]}])["Reservations"] for i in r["Instances"]]
        return [c for c in control("/_shim/calls")
                if c["action"] == action and any(n in json.dumps(c["params"]) for n in names)]

    def drill_id(self):
        restores = [c for c in control("/_shim/calls")
                    if c["action"].startswith("RestoreDBCluster") and (c["params"].get("SourceDBClusterIdentifier") == self.cluster
                                                                       or self.cluster in c["params"].get("SnapshotIdentifier", ""))]
        return restores[0]["params"]["DBClusterIdentifier"] if restores else None

    def leftovers(self):
        """What of the drill still exists in moto: clusters, DB instances, live EC2 instances."""
        drill = self.drill_id()
        if drill is None:
            return []
        clusters = [c["DBClusterIdentifier"] for c in self.rds.describe_db_clusters()["DBClusters"]
                    if c["DBClusterIdentifier"].startswith(drill)]
        instances = [i["DBInstanceIdentifier"] for i in self.rds.describe_db_instances()["DBInstances"]
                     if i["DBInstanceIdentifier"].startswith(drill)]
        ec2 = [i["InstanceId"] for r in self.ec2.describe_instances(
            Filters=[{"Name": f"tag:{TAG}", "Values": [drill]}])["Reservations"] for i in r["Instances"]
            if i["State"]["Name"] not in ("terminated", "shutting-down")]
        return clusters + instances + ec2


def ssm_script(**kw):
    control("/_shim/ssm", kw)


class DrillPasses(unittest.TestCase):
    """One drill at the latest restorable time whose verify passes; several properties of it."""

    @classmethod
    def setUpClass(cls):
        cls.s = Source()
        cls.stdout, cls.report = verify_output(ok=True)
        ssm_script(status="Success", code=0, stdout=cls.stdout, polls=2)
        cls.json_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        cls.res = cls.s.run("--json", cls.json_file)
        cls.drill = cls.s.drill_id()

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.json_file)

    def test_exits_zero_and_reports_verify_and_its_timings(self):
        self.assertEqual(self.res.returncode, 0, self.res.output)
        self.assertIn("restore drill PASSED", self.res.output)
        self.assertIn("verify: OK", self.res.output)
        self.assertIn("timings: restore to available", self.res.output)
        with open(self.json_file) as f:
            self.assertEqual(json.load(f), self.report)

    def test_restores_the_stacks_cluster_at_the_latest_time_into_its_network_without_deletion_protection(self):
        (restore,) = self.s.calls("RestoreDBClusterToPointInTime")
        p = restore["params"]
        self.assertEqual(p["SourceDBClusterIdentifier"], self.s.cluster)
        self.assertEqual(p["UseLatestRestorableTime"], "true")
        self.assertNotIn("RestoreToTime", p)
        self.assertTrue(p["DBClusterIdentifier"].startswith("conduit-drill-"), p)
        self.assertEqual(p["DBSubnetGroupName"], self.s.subnet_group)
        self.assertEqual(p["VpcSecurityGroupIds.VpcSecurityGroupId.1"], self.s.db_sg)
        self.assertEqual(p["DeletionProtection"], "false")
        self.assertIn("key/", p["KmsKeyId"])
        self.assertEqual(p["Tags.Tag.1.Key"], TAG)
        self.assertEqual(p["Tags.Tag.1.Value"], self.drill)

    def test_adds_one_db_instance_of_the_source_writers_class(self):
        (create,) = self.s.calls("CreateDBInstance")
        p = create["params"]
        self.assertEqual(p["DBClusterIdentifier"], self.drill)
        self.assertEqual(p["DBInstanceClass"], "db.r6g.large")
        self.assertEqual(p["PubliclyAccessible"], "false")

    def test_launches_the_current_ami_privately_with_the_apps_group_and_profile_and_the_app_stopped(self):
        (run,) = self.s.calls("RunInstances")
        p = run["params"]
        self.assertEqual(p["ImageId"], self.s.current_ami, "the AMI parameter's, not the template's")
        self.assertEqual(p["LaunchTemplate.LaunchTemplateId"], self.s.lt)
        self.assertEqual(p["SubnetId"], self.s.subnets[0])
        self.assertEqual(p["SecurityGroupId.1"], self.s.app_sg)
        self.assertEqual(p["IamInstanceProfile.Name"], self.s.profile)
        user_data = base64.b64decode(p["UserData"]).decode()
        self.assertTrue(user_data.startswith("#cloud-config"), user_data)
        self.assertIn("mask", user_data)
        self.assertNotIn("enable", user_data)

    def test_runs_verify_through_ssm_against_the_restored_cluster_with_arns_only(self):
        (send,) = self.s.calls("SendCommand")
        p = send["params"]
        self.assertEqual(p["DocumentName"], "AWS-RunShellScript")
        self.assertEqual(len(p["InstanceIds"]), 1)
        script = "\n".join(p["Parameters"]["commands"])
        self.assertRegex(script, r"DB_WRITER_URL=.?jdbc:mysql://" + self.drill + r"\.cluster-[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com:3306/conduit\?sslMode=VERIFY_IDENTITY")
        self.assertIn(f"DB_SECRET_ARN={self.s.secret}", script)
        self.assertIn(f"KMS_KEY_ID={self.s.data_key}", script)
        self.assertIn("conduit.jar verify", script)
        self.assertIn("-Xmx80m", script)
        self.assertNotIn("PASSWORD", script.upper())

    def test_deletes_everything_it_created(self):
        self.assertEqual(self.s.leftovers(), [])
        self.assertEqual(len(self.s.calls("TerminateInstances")), 1)
        (delete,) = self.s.calls("DeleteDBCluster")
        self.assertEqual(delete["params"]["SkipFinalSnapshot"], "true")
        self.assertIn("clean-up: cluster", self.res.output)


class RestorePoints(unittest.TestCase):

    def test_a_point_in_time_is_passed_through_and_throttled_calls_are_retried(self):
        s = Source()
        ssm_script(stdout=verify_output()[0])
        control("/_shim/fail", {"action": "DescribeDBClusters", "code": "Throttling", "count": 2})
        # AWS_MAX_ATTEMPTS=1 turns the CLI's own retries off, so the script's back-off is what works
        res = s.run("--point-in-time", "2030-01-31T02:30:00Z", env=script_env(AWS_MAX_ATTEMPTS="1"))
        self.assertEqual(res.returncode, 0, res.output)
        self.assertGreaterEqual(res.output.count("throttled on"), 2, res.output)
        p = s.calls("RestoreDBClusterToPointInTime")[0]["params"]
        self.assertEqual(p["RestoreToTime"], "2030-01-31T02:30:00Z")
        self.assertNotIn("UseLatestRestorableTime", p)
        self.assertEqual(s.leftovers(), [])

    def test_latest_snapshot_is_the_newest_automated_one_not_a_newer_manual_one(self):
        s = Source()
        automated = [x["DBClusterSnapshotIdentifier"] for x in s.rds.describe_db_cluster_snapshots(
            DBClusterIdentifier=s.cluster, SnapshotType="automated")["DBClusterSnapshots"]]
        self.assertEqual(len(automated), 1, "moto made the cluster's automated snapshot")
        s.rds.create_db_cluster_snapshot(DBClusterIdentifier=s.cluster, DBClusterSnapshotIdentifier=f"{s.cluster}-manual")
        ssm_script(stdout=verify_output()[0])
        res = s.run("--snapshot", "latest")
        self.assertEqual(res.returncode, 0, res.output)
        (restore,) = [c for c in control("/_shim/calls") if c["action"] == "RestoreDBClusterFromSnapshot"
                      and c["params"]["SnapshotIdentifier"] == automated[0]]
        self.assertEqual(restore["params"]["Engine"], "aurora-mysql")
        self.assertEqual(restore["params"]["DeletionProtection"], "false")
        self.assertEqual(restore["params"]["DBSubnetGroupName"], s.subnet_group)
        self.assertEqual(s.leftovers(), [])

    def test_the_ami_comes_from_the_launch_template_when_the_stack_has_no_ami_parameter(self):
        s = Source(with_ami_parameter=False)
        ssm_script(stdout=verify_output()[0])
        res = s.run()
        self.assertEqual(res.returncode, 0, res.output)
        self.assertEqual(s.calls("RunInstances")[0]["params"]["ImageId"], s.template_ami)


class DrillFails(unittest.TestCase):

    def test_faults_found_by_verify_exit_1_and_everything_is_deleted(self):
        s = Source()
        ssm_script(status="Failed", code=1, stdout=verify_output(ok=False)[0])
        res = s.run()
        self.assertEqual(res.returncode, 1, res.output)
        self.assertIn("FAULT [emails] users id=7", res.output)
        self.assertIn("verify found faults", res.output)
        self.assertEqual(s.leftovers(), [])

    def test_a_refused_db_instance_exits_1_and_the_restored_cluster_is_deleted(self):
        s = Source()
        control("/_shim/fail", {"action": "CreateDBInstance", "code": "InsufficientDBInstanceCapacity", "count": 1})
        res = s.run()
        self.assertEqual(res.returncode, 1, res.output)
        self.assertIn("the DB instance was refused", res.output)
        self.assertEqual(s.calls("RunInstances"), [], "no instance was started")
        self.assertEqual(len(s.calls("DeleteDBCluster")), 1)
        self.assertEqual(s.leftovers(), [])

    def test_an_agent_that_never_comes_online_times_out_and_everything_is_deleted(self):
        s = Source()
        ssm_script(online_after=10 ** 6)
        res = subprocess.run(s.command()[:-2] + ["--timeout", "2"], capture_output=True, text=True,
                             timeout=SCRIPT_TIMEOUT, env=script_env(), cwd=REPO)
        output = res.stdout + res.stderr
        self.assertEqual(res.returncode, 1, output)
        self.assertIn("not Online after 2s", output)
        self.assertEqual(s.calls("SendCommand"), [])
        self.assertEqual(s.leftovers(), [])

    def interrupt_when(self, s, action):
        """Starts the drill, sends it SIGINT (Ctrl-C) once it has made its first `action` call, returns its output."""
        before = len([c for c in control("/_shim/calls") if c["action"] == action])
        proc = subprocess.Popen(s.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=script_env(), cwd=REPO)
        deadline = time.time() + 60
        while len([c for c in control("/_shim/calls") if c["action"] == action]) == before and time.time() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=SCRIPT_TIMEOUT)
        self.assertEqual(proc.returncode, 130, output)
        self.assertIn("interrupted: cleaning up", output)
        return output

    def test_ctrl_c_while_verify_runs_deletes_everything_and_exits_130(self):
        s = Source()
        ssm_script(hang=True)
        output = self.interrupt_when(s, "GetCommandInvocation")
        self.assertEqual(len(s.calls("TerminateInstances")), 1, output)
        self.assertEqual(len(s.calls("DeleteDBCluster")), 1, output)
        self.assertEqual(s.leftovers(), [])

    def test_ctrl_c_during_the_restore_deletes_the_cluster_and_exits_130(self):
        s = Source()
        output = self.interrupt_when(s, "RestoreDBClusterToPointInTime")
        self.assertEqual(s.calls("RunInstances"), [], output)
        self.assertEqual(len(s.calls("DeleteDBCluster")), 1, output)
        self.assertEqual(s.leftovers(), [])

    def test_a_cluster_that_cannot_be_deleted_exits_3_and_says_how_to_delete_it(self):
        s = Source()
        ssm_script(stdout=verify_output()[0])
        control("/_shim/fail", {"action": "DeleteDBCluster", "code": "InvalidDBClusterStateFault", "count": 100})
        res = s.run()
        control("/_shim/fail", {"action": "DeleteDBCluster", "code": "none", "count": 0})
        drill = s.drill_id()
        self.assertEqual(res.returncode, 3, res.output)
        self.assertIn("CLEAN-UP INCOMPLETE", res.output)
        self.assertIn(f"aws rds delete-db-cluster --db-cluster-identifier {drill} --skip-final-snapshot --region {REGION}",
                      res.output)
        self.assertEqual(s.leftovers(), [drill], "only the cluster is left; the instances went")
        s.rds.delete_db_cluster(DBClusterIdentifier=drill, SkipFinalSnapshot=True)

    def test_keep_leaves_everything_and_prints_how_to_delete_it(self):
        s = Source()
        ssm_script(stdout=verify_output()[0])
        res = s.run("--keep")
        self.assertEqual(res.returncode, 0, res.output)
        drill = s.drill_id()
        self.assertIn(f"aws rds delete-db-cluster --db-cluster-identifier {drill} --skip-final-snapshot", res.output)
        left = s.leftovers()
        self.assertIn(drill, left)
        self.assertIn(f"{drill}-1", left)
        ec2 = [x for x in left if x.startswith("i-")]
        self.assertEqual(len(ec2), 1)
        s.ec2.terminate_instances(InstanceIds=ec2)
        s.rds.delete_db_instance(DBInstanceIdentifier=f"{drill}-1")
        s.rds.delete_db_cluster(DBClusterIdentifier=drill, SkipFinalSnapshot=True)


class Inputs(unittest.TestCase):

    def test_a_missing_stack_output_exits_2_naming_it_before_anything_is_created(self):
        s = Source(drop_output="DbSecurityGroupId")
        res = s.run()
        self.assertEqual(res.returncode, 2, res.output)
        self.assertIn("has no output DbSecurityGroupId", res.output)
        self.assertEqual(s.calls("RestoreDBClusterToPointInTime"), [])

    def test_bad_usage_exits_2(self):
        s = Source()
        for args, message in ((["--point-in-time", "yesterday"], "ISO 8601"),
                              (["--point-in-time", "2030-01-01T00:00:00Z", "--snapshot", "latest"], "exclude each other"),
                              (["--bogus"], "unknown argument")):
            res = s.run(*args)
            self.assertEqual(res.returncode, 2, res.output)
            self.assertIn(message, res.output)


if __name__ == "__main__":
    testrun.main(sys.modules[__name__], Moto.start, Moto.stop)
