"""Offline structural checks for the AMI, user data and stack (run by scripts/test-infra).

  checks.py packer  --hcl2json MODULE_DIR --compat-dir DIR   parse every packer/*.pkr.hcl in full
                    with HashiCorp's parser, assert the properties the bake must have, and write a
                    copy that Packer 1.6.6 understands into DIR (for `packer validate`)
  checks.py userdata    cloud-init/user-data.yaml == the launch template's UserData, and it only
                        carries names (no secret values) and starts the service
  checks.py stack       infra/conduit.yaml has the properties the issue asks for, and its timings
                        agree with the systemd unit
  checks.py agent       the CloudWatch agent config reads the unit's log file and the stack's groups

Each prints one line per property checked and exits 1 on the first failure.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PACKER = os.path.join(REPO, "packer")
UNIT = os.path.join(PACKER, "files", "conduit.service")
USER_DATA = os.path.join(REPO, "cloud-init", "user-data.yaml")
STACK = os.path.join(REPO, "infra", "conduit.yaml")
AGENT = os.path.join(PACKER, "files", "cloudwatch-agent.json")

# Attributes and blocks of the modern template that Packer 1.6.6 does not know. Everything else
# in the template is handed to 1.6.6's `packer validate`.
MODERN_BLOCKS = ("packer", "data")
MODERN_SOURCE_ATTRS = ("metadata_options", "imds_support", "temporary_key_pair_type")


class CheckFailed(Exception):
    pass


def ok(cond, what):
    if not cond:
        raise CheckFailed(what)
    print(f"  ok  {what}")


# ---------------------------------------------------------------------------------------------
def hcl2json(module_dir, path):
    script = ("const {parse}=require(process.argv[1]);const fs=require('fs');"
              "parse(process.argv[2],fs.readFileSync(process.argv[2],'utf8'))"
              ".then(j=>process.stdout.write(JSON.stringify(j)))"
              ".catch(e=>{console.error(String(e));process.exit(1)})")
    res = subprocess.run(["node", "-e", script, module_dir, path], capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        raise CheckFailed(f"{os.path.relpath(path, REPO)} does not parse: {res.stderr.strip()}")
    return json.loads(res.stdout)


def merge(into, part):
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            into[key].extend(value)
        else:
            into[key] = value


def check_packer(args):
    files = sorted(f for f in os.listdir(PACKER) if f.endswith(".pkr.hcl"))
    ok(files, f"packer/ has HCL2 templates: {', '.join(files)}")
    parsed, full = {}, {}
    for name in files:
        parsed[name] = hcl2json(args.hcl2json, os.path.join(PACKER, name))
        merge(full, json.loads(json.dumps(parsed[name])))
    print(f"  ok  all {len(files)} files parse with @cdktf/hcl2json (HashiCorp HCL2)")

    plugins = full["packer"][0]["required_plugins"][0]
    ok(plugins["amazon"]["source"] == "github.com/hashicorp/amazon", "required_plugins pins the amazon plugin")
    ami = full["data"]["amazon-ami"]["al2023"][0]
    ok(ami["owners"] == ["amazon"] and ami["most_recent"] is True, "base image: newest, owned by Amazon")
    ok("al2023-ami-" in ami["filters"]["name"] and "${var.arch}" in ami["filters"]["name"],
       f"base image looked up by filter: {ami['filters']['name']}")
    ok(ami["filters"]["architecture"] == "${var.arch}", "architecture filter follows var.arch")
    variables = full["variable"]
    arch = variables["arch"][0]
    ok("validation" in arch and arch.get("default") in ("arm64", "x86_64"),
       f"arch is a validated variable (default {arch.get('default')}; arm64 = Graviton)")
    ok(variables["java_package"][0]["default"] == "java-25-amazon-corretto-headless",
       "runtime package is java-25-amazon-corretto-headless")

    src = full["source"]["amazon-ebs"]["conduit"][0]
    ok(src["source_ami"] == "${data.amazon-ami.al2023.id}", "source AMI comes from the filter lookup")
    md = src["metadata_options"][0]
    ok(md["http_tokens"] == "required" and md["http_endpoint"] == "enabled",
       "build instance requires IMDSv2 (http_tokens = required)")
    ok(src["imds_support"] == "v2.0", "AMI requires IMDSv2 (imds_support = v2.0)")
    ok(src["encrypt_boot"] is True, "AMI snapshot encrypted (encrypt_boot)")
    ok(all(b["encrypted"] is True for b in src["launch_block_device_mappings"]), "build volumes encrypted")
    ok(src["ssh_interface"] == "session_manager", "Packer reaches the instance through SSM (no open SSH port)")
    for banned in ("ssh_keypair_name", "ssh_private_key_file", "ssh_agent_auth", "ssh_password"):
        ok(banned not in src, f"no baked or fixed credentials: {banned} unset")
    ok(src.get("ssh_clear_authorized_keys") is True, "Packer's temporary key is cleared")

    build = full["build"][0]
    ok("source.amazon-ebs.conduit" in build["sources"], "build uses source.amazon-ebs.conduit")
    # hcl2json groups provisioners by type (order kept within a type)
    provisioners = build["provisioner"]
    if isinstance(provisioners, list):
        provisioners = {k: [b for p in provisioners for b in p.get(k, [])] for k in ("shell", "file")}
    inline = [" ".join(p.get("inline", [])) for p in provisioners["shell"]]
    uploads = " ".join(str(p.get("sources", p.get("source"))) for p in provisioners["file"])
    ok("conduit.jar" in uploads and "libs" in uploads, "build uploads conduit.jar and libs/")
    ok(any("provision.sh --artifact-dir" in i for i in inline), "build runs packer/provision.sh")
    ok("provision.sh --seal" in inline[-1], "the last step seals the image (keys, host keys, caches)")
    post = build.get("post-processor", {})
    post = post if isinstance(post, dict) else {k: v for pp in post for k, v in pp.items()}
    ok("manifest" in post, "manifest post-processor records the AMI id")

    if args.compat_dir:
        out = args.compat_dir
        os.makedirs(out, exist_ok=True)
        kept = 0
        for name, doc in parsed.items():
            if not any(block in doc for block in MODERN_BLOCKS + ("source",)):
                shutil.copy(os.path.join(PACKER, name), os.path.join(out, name))
                kept += 1
                continue
            legacy = {k: v for k, v in doc.items() if k not in MODERN_BLOCKS}
            for kind in legacy.get("source", {}).values():
                for blocks in kind.values():
                    for block in blocks:
                        for attr in MODERN_SOURCE_ATTRS:
                            block.pop(attr, None)
                        if "data.amazon-ami" in str(block.get("source_ami", "")):
                            block["source_ami"] = "ami-0123456789abcdef0"   # the lookup is a data source
            if legacy:
                with open(os.path.join(out, name.replace(".pkr.hcl", ".pkr.json")), "w") as f:
                    json.dump(legacy, f, indent=1)
        shutil.copy(os.path.join(PACKER, "provision.sh"), out)
        shutil.copytree(os.path.join(PACKER, "files"), os.path.join(out, "files"), dirs_exist_ok=True)
        print(f"  ok  wrote the Packer 1.6.6 view to {out} (skipped: {', '.join(MODERN_BLOCKS)} blocks, "
              f"source attributes {', '.join(MODERN_SOURCE_ATTRS)})")


# ---------------------------------------------------------------------------------------------
class CfnLoader(yaml.SafeLoader):
    pass


def _cfn_tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_stack():
    with open(STACK, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)


def unit_settings():
    env, settings = {}, {}
    text = open(UNIT, encoding="utf-8").read()
    for line in text.splitlines():
        if line.startswith("Environment="):
            k, _, v = line[len("Environment="):].partition("=")
            env[k] = v
        elif "=" in line and not line.startswith(("#", " ")):
            k, _, v = line.partition("=")
            settings[k] = v
    return env, settings


def env_file_from_user_data(doc):
    for f in doc["write_files"]:
        if f["path"] == "/etc/conduit/conduit.env":
            return dict(line.split("=", 1) for line in f["content"].splitlines() if line and not line.startswith("#"))
    raise CheckFailed("user data writes no /etc/conduit/conduit.env")


def check_userdata(_args):
    text = open(USER_DATA, encoding="utf-8").read()
    stack = load_stack()
    lt = stack["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    sub = lt["UserData"]["Fn::Base64"]["Fn::Sub"]
    ok(sub.replace("${!", "${") == text, "launch template UserData is cloud-init/user-data.yaml verbatim")
    names = set(re.findall(r"\$\{([^!}][^}]*)\}", sub))
    known = set(stack["Resources"]) | set(stack["Parameters"])
    ok(all(n.split(".")[0] in known or n.startswith("AWS::") for n in names),
       f"every ${{...}} in the user data is a stack resource or parameter ({len(names)} names)")
    doc = yaml.safe_load(text)
    env = env_file_from_user_data(doc)
    wanted = ["PORT", "OBSERVE_PORT", "DB_WRITER_URL", "DB_READER_URL", "DB_SECRET_ARN", "DB_MIGRATION_SECRET_ARN",
              "REDIS_URL", "REDIS_AUTH_SECRET_ARN", "REDIS_CLUSTER", "S3_BUCKET", "S3_PREFIX", "KMS_KEY_ID", "AWS_REGION",
              "CORS_ORIGINS", "TRUSTED_PROXY_CIDRS", "MAIL_FROM", "SES_CONFIGURATION_SET", "PUBLIC_BASE_URL",
              "DRAIN_SECONDS"]
    ok(all(k in env for k in wanted), f"env file sets {', '.join(wanted)}")
    ok(not [k for k in env if re.search(r"PASSWORD|SECRET(?!_ARN)|TOKEN|ACCESS_KEY", k)],
       "env file carries no secret values (only the secrets' ARNs)")
    ok(all("sslMode=VERIFY_IDENTITY" in env[k] for k in ("DB_WRITER_URL", "DB_READER_URL")),
       "database URLs require verified TLS")
    ok(env["REDIS_URL"].startswith("rediss://"), "Redis URL uses TLS (rediss://)")
    tg = stack["Resources"]["TargetGroup"]["Properties"]
    ok(env["OBSERVE_PORT"] == tg["HealthCheckPort"] and env["PORT"] == str(tg["Port"]),
       f"OBSERVE_PORT {env['OBSERVE_PORT']} is the health-check port, PORT {env['PORT']} the traffic port")
    ok(env["TRUSTED_PROXY_CIDRS"] == "${VpcCidr}", "X-Forwarded-For trusted from the VPC's CIDR only")
    ok(env["DB_SECRET_ARN"] == "${DbAppSecret}" and env["DB_MIGRATION_SECRET_ARN"] == "${DbMigrationSecret}",
       "the app logs in as the DML user and migrates as the DDL user")
    ok(env["MAIL_FROM"].endswith("@${DomainName}") and env["PUBLIC_BASE_URL"] == "https://${DomainName}",
       "mail from the site's domain, links to https://<domain>")
    _, unit = unit_settings()
    ok(unit["EnvironmentFile"] == "/etc/conduit/conduit.env", "the unit reads the file cloud-init writes")
    cmds = [" ".join(c) if isinstance(c, list) else c for c in doc["runcmd"]]
    ok(any("enable --now conduit.service" in c for c in cmds), "cloud-init starts the service")
    signal = [c for c in cmds if "signal-ready" in c]
    ok(signal and "--resource AutoScalingGroup" in signal[0] and cmds.index(signal[0]) == len(cmds) - 1,
       "cloud-init signals readiness to CloudFormation last (CreationPolicy / UpdatePolicy)")


def as_list(v):
    return v if isinstance(v, list) else [v]


def statements(policy_doc):
    return policy_doc["Statement"]


def check_stack(_args):
    t = load_stack()
    r = t["Resources"]
    by_type = {}
    for name, res in r.items():
        by_type.setdefault(res["Type"], []).append((name, res.get("Properties", {})))

    subnets = by_type["AWS::EC2::Subnet"]
    public = [n for n, _ in subnets if n.startswith("Public")]
    private = [n for n, _ in subnets if n.startswith("Private")]
    azs = {json.dumps(p["AvailabilityZone"]) for _, p in subnets}
    ok(len(public) >= 2 and len(private) >= 2 and len(azs) >= 2,
       f"VPC: {len(public)} public + {len(private)} private subnets over {len(azs)} AZs")
    ok(len(by_type.get("AWS::EC2::NatGateway", [])) >= 2, "a NAT gateway per AZ")

    # --- the AMI: one source of truth --------------------------------------------------------
    ami = t["Parameters"]["AmiId"]
    ok(ami["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
       "AmiId is resolved from an SSM parameter on every create and update")
    ok(t["Outputs"]["AmiParameterName"]["Value"] == ami["Default"],
       f"output AmiParameterName = the parameter's default ({ami['Default']})")
    ltd = r["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    ok(ltd["ImageId"] == {"Ref": "AmiId"}, "launch template ImageId comes from AmiId")
    asg_res = r["AutoScalingGroup"]
    ok(asg_res["Properties"]["LaunchTemplate"]["Version"] == {"Fn::GetAtt": "LaunchTemplate.LatestVersionNumber"},
       "the group follows the stack's newest launch template version")
    ok(asg_res["CreationPolicy"]["ResourceSignal"]["Count"] == {"Ref": "MinSize"},
       "CreationPolicy: stack creation waits for MinSize readiness signals")
    roll = asg_res["UpdatePolicy"]["AutoScalingRollingUpdate"]
    ok(roll["WaitOnResourceSignals"] is True and roll["MinInstancesInService"] == {"Ref": "MinSize"}
       and "InstanceRefresh" in roll["SuspendProcesses"],
       "UpdatePolicy: stack-driven replacements keep MinSize in service, wait for signals, pause refreshes")
    ok(asg_res["UpdatePolicy"]["AutoScalingScheduledAction"]["IgnoreUnmodifiedGroupSizeProperties"] is True,
       "a stack update does not reset the desired capacity scaling set")

    # --- health: this instance only, on the observe port -------------------------------------
    env, unit = unit_settings()
    drain, grace = int(env["DRAIN_SECONDS"]), int(env["SHUTDOWN_GRACE_SECONDS"])
    tg = r["TargetGroup"]["Properties"]
    attrs = {a["Key"]: a["Value"] for a in tg["TargetGroupAttributes"]}
    delay = int(attrs["deregistration_delay.timeout_seconds"])
    ok(tg["HealthCheckPath"] == "/observe/health/ready" and tg["HealthCheckPort"] == "9090",
       "target group checks readiness on the observe port 9090")
    ok(tg["Port"] == 8080, "traffic goes to the public port 8080")
    ok(delay == drain + grace,
       f"deregistration delay {delay}s = DRAIN_SECONDS {drain} + SHUTDOWN_GRACE_SECONDS {grace}")
    detect = tg["HealthCheckIntervalSeconds"] * tg["UnhealthyThresholdCount"]
    ok(detect <= drain, f"a draining instance is marked unhealthy within {detect}s <= DRAIN_SECONDS {drain}")
    stop = int(unit["TimeoutStopSec"])
    ok(stop > drain + grace, f"unit TimeoutStopSec {stop}s > drain + grace ({drain + grace}s)")
    ok(1 <= tg["HealthCheckTimeoutSeconds"] < tg["HealthCheckIntervalSeconds"],
       f"health check timeout {tg['HealthCheckTimeoutSeconds']}s: >= 10x the ~100 ms readiness answer, < interval")
    admit = tg["HealthCheckIntervalSeconds"] * tg["HealthyThresholdCount"]
    asg = asg_res["Properties"]
    ok(asg["HealthCheckGracePeriod"] >= 60 + admit,
       f"ASG grace {asg['HealthCheckGracePeriod']}s covers boot (~60 s) + {admit}s of passing checks")
    rules = [p for _, p in by_type["AWS::ElasticLoadBalancingV2::ListenerRule"]]
    observe = [p for p in rules if any("/observe/*" in c.get("PathPatternConfig", {}).get("Values", []) for c in p["Conditions"])]
    ok(observe and observe[0]["Actions"][0]["Type"] == "fixed-response"
       and observe[0]["Actions"][0]["FixedResponseConfig"]["StatusCode"] == "404"
       and observe[0]["Priority"] == min(p["Priority"] for p in rules),
       "the ALB answers 404 for /observe/* before any forward rule")
    https = r["HttpsListener"]["Properties"]
    ok(https["DefaultActions"][0]["Type"] == "fixed-response", "the listener forwards nothing by default")
    fwd = [p for p in rules if p["Actions"][0]["Type"] == "forward"]
    ok(len(fwd) == 1 and fwd[0]["Conditions"][0]["HttpHeaderConfig"]["HttpHeaderName"] == "X-Origin-Verify",
       "only requests with CloudFront's origin header are forwarded")
    app_sg = r["AppSecurityGroup"]["Properties"]
    ingress = app_sg["SecurityGroupIngress"]
    ok({(i["FromPort"], json.dumps(i.get("SourceSecurityGroupId"))) for i in ingress}
       == {(8080, json.dumps({"Ref": "AlbSecurityGroup"})), (9090, json.dumps({"Ref": "AlbSecurityGroup"}))},
       "instances: 8080 and 9090 open to the ALB's security group only, nothing else inbound")
    ok(asg["HealthCheckType"] == "ELB" and asg["TargetGroupARNs"] == [{"Ref": "TargetGroup"}],
       "ASG: ELB health checks on the target group")
    ok(len(asg["VPCZoneIdentifier"]) >= 2, "ASG spans the private subnets of both AZs")
    kinds = {p["TargetTrackingConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]
             for _, p in by_type["AWS::AutoScaling::ScalingPolicy"]}
    ok(kinds == {"ASGAverageCPUUtilization", "ALBRequestCountPerTarget"},
       "scaling: CPU and request-count-per-target tracking")
    topics = {n["TopicARN"]["Ref"] for n in asg["NotificationConfigurations"]}
    ok(topics == {"OpsTopic"}, "ASG notifications go to the operations topic")

    # --- launch template ---------------------------------------------------------------------
    md = ltd["MetadataOptions"]
    ok(md["HttpTokens"] == "required" and md["HttpPutResponseHopLimit"] == 1, "launch template: IMDSv2 only, hop limit 1")
    ok("KeyName" not in ltd, "launch template: no SSH key pair")
    ok(all(b["Ebs"]["Encrypted"] is True for b in ltd["BlockDeviceMappings"]), "launch template: encrypted volumes")

    # --- release alarms: rates ---------------------------------------------------------------
    release = [x["Ref"] for x in t["Outputs"]["ReleaseAlarms"]["Value"]["Fn::Join"][1]]
    ok(set(release) == {"Error5xxRateAlarm", "LatencyP99Alarm", "HealthyHostsBelowDesiredAlarm"},
       f"ReleaseAlarms: {', '.join(release)}")
    rate = r["Error5xxRateAlarm"]["Properties"]
    expr = next(m["Expression"] for m in rate["Metrics"] if m.get("ReturnData"))
    names = {m["MetricStat"]["Metric"]["MetricName"] for m in rate["Metrics"] if "MetricStat" in m}
    ok("/ requests" in expr and names == {"RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"},
       f"5xx alarm is a share of requests: {expr}")
    ok(r["LatencyP99Alarm"]["Properties"]["ExtendedStatistic"] == "p99", "latency alarm on p99")
    hh = r["HealthyHostsBelowDesiredAlarm"]["Properties"]
    hnames = {m["MetricStat"]["Metric"]["MetricName"] for m in hh["Metrics"] if "MetricStat" in m}
    ok(hnames == {"HealthyHostCount", "GroupDesiredCapacity"}, "healthy hosts compared with the desired capacity")
    worst = 0
    for name in release:
        a = r[name]["Properties"]
        period = a.get("Period") or max(m["MetricStat"]["Period"] for m in a["Metrics"] if "MetricStat" in m)
        worst = max(worst, period * a["EvaluationPeriods"])
    write_facts({"release_alarm_evaluation_seconds": worst, "release_alarms": release})
    ok(worst <= 300, f"every release alarm can fire within {worst}s of evaluation")

    # --- operations alarms -------------------------------------------------------------------
    alarm_metrics = set()
    for _, a in by_type["AWS::CloudWatch::Alarm"]:
        if "MetricName" in a:
            alarm_metrics.add(a["MetricName"])
        for m in a.get("Metrics", []):
            if "MetricStat" in m:
                alarm_metrics.add(m["MetricStat"]["Metric"]["MetricName"])
        ok(a["AlarmActions"] == [{"Ref": "OpsTopic"}], f"alarm {a['AlarmName']['Fn::Sub']} -> operations topic")
    for metric in ("CPUUtilization", "AuroraReplicaLag", "DatabaseConnections", "FreeableMemory",
                   "EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "ReplicationLag",
                   "GroupInServiceInstances"):
        ok(metric in alarm_metrics, f"alarm on {metric}")
    body = json.dumps(r["Dashboard"]["Properties"]["DashboardBody"])
    for piece in ("RequestCount", "TargetResponseTime", "GroupInServiceInstances", "CPUUtilization",
                  "mem_used_percent", "AuroraReplicaLag", "EngineCPUUtilization", "Conduit/App"):
        ok(piece in body, f"dashboard shows {piece}")
    budget = r["MonthlyBudget"]["Properties"]["Budget"]
    ok(budget["BudgetLimit"]["Amount"] == {"Ref": "MonthlyBudgetUsd"}, "budget amount is the MonthlyBudgetUsd parameter")

    # --- data: deletion policies, encryption, backups ----------------------------------------
    for name, want in (("DbCluster", "Snapshot"), ("Redis", "Snapshot"), ("DbAppSecret", "Retain"),
                       ("DbMigrationSecret", "Retain"), ("RedisAuthSecret", "Retain"), ("UploadsBucket", "Retain"),
                       ("DataKey", "Retain"), ("BackupKey", "Retain"), ("BackupVault", "Retain")):
        ok(r[name].get("DeletionPolicy") == want and r[name].get("UpdateReplacePolicy") == want,
           f"{name}: DeletionPolicy and UpdateReplacePolicy {want}")
    for name, res in r.items():
        if res["Type"] == "AWS::Logs::LogGroup":
            p = res["Properties"]
            ok(res.get("DeletionPolicy") == "Retain" and p.get("KmsKeyId") == {"Fn::GetAtt": "LogsKey.Arn"},
               f"log group {name}: KMS-encrypted with the logs key, retained")
    db = r["DbCluster"]["Properties"]
    ok(db["StorageEncrypted"] is True and db["DeletionProtection"] is True and db["KmsKeyId"] == {"Fn::GetAtt": "DataKey.Arn"},
       "Aurora: encrypted with the data key, deletion protection")
    ok(db["ManageMasterUserPassword"] is True, "Aurora master password managed and rotated by RDS")
    params = r["DbClusterParameterGroup"]["Properties"]["Parameters"]
    ok(params["slow_query_log"] == "1" and "slowquery" in db["EnableCloudwatchLogsExports"],
       "slow query log enabled and exported")
    instances = [p for _, p in by_type["AWS::RDS::DBInstance"] if p["DBClusterIdentifier"] == {"Ref": "DbCluster"}]
    ok(len(instances) >= 2, f"Aurora: writer + reader ({len(instances)} instances)")
    vault = r["BackupVault"]["Properties"]
    ok(vault["LockConfiguration"]["MinRetentionDays"] == {"Ref": "BackupVaultLockDays"}
       and "MaxRetentionDays" not in vault["LockConfiguration"], "backup vault locked (compliance mode after the grace days)")
    rule = r["BackupPlan"]["Properties"]["BackupPlan"]["BackupPlanRule"][0]
    ok(rule["CopyActions"] and "${BackupCopyRegion}" in rule["CopyActions"][0]["DestinationBackupVaultArn"]["Fn::Sub"],
       "every recovery point is copied to the second region")
    ok(t["Rules"]["BackupCopyLeavesTheRegion"], "a rule refuses a copy region equal to the stack's")
    redis = r["Redis"]["Properties"]
    ok(redis["MultiAZEnabled"] is True and redis["AutomaticFailoverEnabled"] is True and redis["NumCacheClusters"] >= 2,
       "Redis: Multi-AZ with automatic failover")
    ok(redis["TransitEncryptionEnabled"] is True and redis["AtRestEncryptionEnabled"] is True, "Redis: TLS, encrypted at rest")

    # --- logins and rotation -----------------------------------------------------------------
    for secret, user in (("DbAppSecret", "conduit_app"), ("DbMigrationSecret", "conduit_migrate")):
        tmpl = json.loads(r[secret]["Properties"]["GenerateSecretString"]["SecretStringTemplate"])
        ok(tmpl["username"] == user, f"{secret} holds the {user} login")
    rot = {p["SecretId"]["Ref"]: p for _, p in by_type["AWS::SecretsManager::RotationSchedule"]}
    for secret in ("DbAppSecret", "DbMigrationSecret"):
        h = rot[secret]["HostedRotationLambda"]
        ok(h["RotationType"] == "MySQLMultiUser" and h["MasterSecretArn"] == {"Fn::GetAtt": "DbCluster.MasterUserSecret.SecretArn"},
           f"{secret}: AWS's hosted multi-user rotation (alternating users), master from RDS")
    ok("RedisAuthSecret" in rot and "RotationLambdaARN" in rot["RedisAuthSecret"], "Redis AUTH token rotated on a schedule")
    ok(t["Transform"] == "AWS::SecretsManager-2020-07-23", "Secrets Manager transform for the hosted rotation functions")

    # --- keys --------------------------------------------------------------------------------
    for key in ("DataKey", "BackupKey", "StorageKey", "LogsKey"):
        kp = r[key]["Properties"]
        ok(kp["EnableKeyRotation"] is True and kp["PendingWindowInDays"] == 30, f"{key}: rotation on, 30-day deletion window")
    for key in ("DataKey", "BackupKey"):
        deny = [s for s in statements(r[key]["Properties"]["KeyPolicy"]) if s["Effect"] == "Deny"]
        ok(deny and {"kms:ScheduleKeyDeletion", "kms:DisableKey"} <= set(as_list(deny[0]["Action"])) and deny[0]["Principal"] == "*",
           f"{key}: nobody may schedule its deletion or disable it")
        root = [s for s in statements(r[key]["Properties"]["KeyPolicy"]) if s["Effect"] == "Allow"
                and s["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
                and any(a in ("kms:Decrypt", "kms:*") for a in as_list(s["Action"]))]
        ok(all("kms:ViaService" in s.get("Condition", {}).get("StringEquals", {}) for s in root),
           f"{key}: the account decrypts only through named services")
    ok(r["DataKey"]["Properties"].get("MultiRegion") is True,
       "DataKey is multi-Region: a replica in the backup copy region opens the copied emails")
    data_stmts = statements(r["DataKey"]["Properties"]["KeyPolicy"])
    role_stmts = [s for s in data_stmts if s["Principal"] == {"AWS": {"Fn::GetAtt": "InstanceRole.Arn"}}
                  and "kms:Decrypt" in as_list(s["Action"])]
    ok(role_stmts and all(any(k.startswith("kms:EncryptionContext:") for k in s["Condition"]["StringEquals"]) for s in role_stmts),
       "DataKey names the instance role, bound to the app's encryption contexts")
    kp = statements(r["InstanceKeyPolicy"]["Properties"]["PolicyDocument"])
    ok(all("Condition" in s for s in kp if "kms:Decrypt" in as_list(s["Action"])),
       "instance role: every decrypt is bound by kms:ViaService or an encryption context")
    ok(any("kms:ViaService" in s.get("Condition", {}).get("StringEquals", {}) for s in kp), "instance role: kms:ViaService conditions")
    ok(r["UploadsBucket"]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
       ["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == {"Fn::GetAtt": "StorageKey.Arn"}, "uploads: SSE-KMS with the storage key")

    # --- instance role -----------------------------------------------------------------------
    role = r["InstanceRole"]["Properties"]
    ok(not role.get("ManagedPolicyArns"), "instance role: no AWS managed policies (no account-wide SSM parameter read)")
    data = statements(r["InstanceDataPolicy"]["Properties"]["PolicyDocument"])
    params_stmt = next(s for s in data if "ssm:GetParameter" in as_list(s["Action"]))
    ok(params_stmt["Resource"]["Fn::Sub"].endswith(":parameter/conduit/*"), "instance role: SSM parameters under /conduit/ only")
    secrets = next(s for s in data if s["Action"] == "secretsmanager:GetSecretValue")
    ok(secrets["Resource"] == [{"Ref": "DbAppSecret"}, {"Ref": "DbMigrationSecret"}, {"Ref": "RedisAuthSecret"}],
       "instance role: its three secrets only (never the master login)")
    ses = next(s for s in data if s["Action"] == "ses:SendEmail")
    ok(len(ses["Resource"]) == 2 and "ses:FromAddress" in ses["Condition"]["StringEquals"],
       "instance role: ses:SendEmail on the identity and configuration set, from the site's address")
    actions = [a for s in data for a in as_list(s["Action"])]
    ok(not [a for a in actions if a.endswith("*")], "instance role: no wildcard actions")

    # --- network -----------------------------------------------------------------------------
    for name, res in r.items():
        if res["Type"] == "AWS::EC2::SecurityGroup":
            egress = res["Properties"].get("SecurityGroupEgress")
            ok(egress and not [e for e in egress if e.get("IpProtocol") == "-1"], f"{name}: egress listed, no allow-all")
    ok(r["DefaultSecurityGroupClosed"]["Properties"]["GroupId"] == {"Fn::GetAtt": "Vpc.DefaultSecurityGroup"},
       "the VPC's default security group is emptied")
    ok(r["VpcFlowLog"]["Properties"]["TrafficType"] == "ALL", "VPC flow logs (all traffic)")
    ok(r["UploadsBucket"]["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "LogsBucket"},
       "S3 access logs for the uploads bucket")
    lb = {a["Key"]: a["Value"] for a in r["LoadBalancer"]["Properties"]["LoadBalancerAttributes"]}
    ok(lb["deletion_protection.enabled"] == "true" and lb["access_logs.s3.enabled"] == "true",
       "ALB: deletion protection and access logs")

    # --- edge --------------------------------------------------------------------------------
    waf = r["WebAcl"]["Properties"]
    groups = {x["Statement"]["ManagedRuleGroupStatement"]["Name"] for x in waf["Rules"] if "ManagedRuleGroupStatement" in x["Statement"]}
    ok({"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= groups, "WAF: AWS common and known-bad-inputs groups")
    limited = {}
    for x in waf["Rules"]:
        rb = x["Statement"].get("RateBasedStatement")
        if not rb:
            continue
        parts = rb["ScopeDownStatement"]["AndStatement"]["Statements"]
        method = next(p["ByteMatchStatement"]["SearchString"] for p in parts if "Method" in p["ByteMatchStatement"]["FieldToMatch"])
        path = next(p["ByteMatchStatement"]["SearchString"] for p in parts if "UriPath" in p["ByteMatchStatement"]["FieldToMatch"])
        limited[f"{method} {path}"] = rb
        ok(rb["ForwardedIPConfig"]["HeaderName"] == "x-viewer-ip", f"WAF rate rule on {method} {path} keys on the viewer's address")
    ok({"POST /api/users", "POST /api/users/login"} <= set(limited), "WAF: rate-based rules for sign-up and login")
    ok(r["WebAclAssociation"]["Properties"]["ResourceArn"] == {"Ref": "LoadBalancer"}, "WAF is on the ALB")
    fn = r["ViewerAddressFunction"]["Properties"]["FunctionCode"]
    ok("request.headers['x-viewer-ip'] = { value: event.viewer.ip }" in fn, "CloudFront function overwrites x-viewer-ip")
    dist = r["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b for b in dist["CacheBehaviors"]}
    ok(set(behaviours) == {"/assets/*", "/api/images/*"}, "CloudFront caches /assets/* and /api/images/* only")
    ok(dist["DefaultCacheBehavior"]["CachePolicyId"] == {"Fn::FindInMap": ["CloudFrontManaged", "CachePolicy", "CachingDisabled"]},
       "everything else (API, index) is not cached at the edge")
    ok(r["ImageRedirectCachePolicy"]["Properties"]["CachePolicyConfig"]["MaxTTL"] <= 300, "image redirects kept 5 minutes at most")
    ok(dist["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021", "CloudFront: TLS 1.2+")
    cors = r["UploadsBucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"]
    ok("https://*" not in json.dumps(cors) and "https://${DomainName}" in json.dumps(cors), "S3 CORS: the site's origin, not https://*")
    records = {(p["Name"] if isinstance(p["Name"], str) else json.dumps(p["Name"]), p["Type"])
               for _, p in by_type["AWS::Route53::RecordSet"]}
    ok(any(t_ == "A" and "DomainName" in n for n, t_ in records), "Route 53 alias for the site")
    ok(sum(1 for _, p in by_type["AWS::Route53::RecordSet"] if p["Type"] == "CNAME") == 3, "three Easy DKIM CNAMEs")
    ok("EdgeCertificate" in r and "OriginCertificate" in r, "certificates for the site and the ALB origin")
    dest = r["MailEventsDestination"]["Properties"]["EventDestination"]
    ok({"bounce", "complaint"} <= set(dest["MatchingEventTypes"]) and "SnsDestination" in dest,
       "SES configuration set: bounces and complaints to SNS")

    for out in ("AutoScalingGroupName", "LaunchTemplateId", "ReleaseAlarms", "DistributionId", "DbClusterIdentifier",
                "DbSubnetGroupName", "DbSecurityGroupId", "AppSecurityGroupId", "PrivateSubnetIds", "InstanceProfileName",
                "DataKeyArn", "DbSecretArn", "AmiParameterName"):
        ok(out in t["Outputs"], f"output {out}")


FACTS = os.environ.get("CONDUIT_STACK_FACTS")


def write_facts(facts):
    """Figures other checks compare with (the release's bake time against the alarms)."""
    if FACTS:
        with open(FACTS, "w") as f:
            json.dump(facts, f)


def check_agent(_args):
    cfg = json.load(open(AGENT, encoding="utf-8"))
    _, unit = unit_settings()
    log_file = unit["StandardOutput"].split(":", 1)[1]
    files = cfg["logs"]["logs_collected"]["files"]["collect_list"]
    ok(any(f["file_path"] == log_file for f in files), f"agent ships the unit's log file {log_file}")
    stack = load_stack()
    groups = {p["Properties"]["LogGroupName"] for p in stack["Resources"].values()
              if p["Type"] == "AWS::Logs::LogGroup" and isinstance(p["Properties"]["LogGroupName"], str)}
    used = {f["log_group_name"] for f in files} | {cfg["logs"]["logs_collected"]["prometheus"]["log_group_name"]}
    ok(used <= groups, f"agent log groups {sorted(used)} are created by the stack")
    prom = cfg["logs"]["logs_collected"]["prometheus"]["prometheus_config_path"]
    ok(prom.endswith("/conduit-prometheus.yaml"), "agent scrapes Prometheus with the baked scrape config")
    scrape = yaml.safe_load(open(os.path.join(PACKER, "files", "prometheus.yaml"), encoding="utf-8"))
    ok(scrape["scrape_configs"][0]["metrics_path"] == "/observe/metrics", "scrape path is /observe/metrics")
    targets = scrape["scrape_configs"][0]["static_configs"][0]["targets"]
    ok(targets == ["127.0.0.1:9090"], f"the agent scrapes the observe port on the instance itself: {targets}")
    selectors = cfg["logs"]["logs_collected"]["prometheus"]["emf_processor"]["metric_declaration"][0]["metric_selectors"]
    for name in ("http_server_requests_seconds_count", "hikaricp_connections_pending", "db_reader_fallbacks_total",
                 "cache_errors_total", "session_store_errors_total", "jvm_memory_used_bytes"):
        ok(any(re.match(s, name) for s in selectors), f"agent publishes {name} (dashboard)")
    ok(cfg["metrics"]["namespace"].startswith("Conduit/") and
       cfg["logs"]["logs_collected"]["prometheus"]["emf_processor"]["metric_namespace"].startswith("Conduit/"),
       "metric namespaces match the role's cloudwatch:namespace condition (Conduit/*)")


def main():
    ap = argparse.ArgumentParser(description="offline infrastructure checks")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("packer")
    p.add_argument("--hcl2json", required=True, help="directory of the @cdktf/hcl2json module")
    p.add_argument("--compat-dir", help="write the Packer 1.6.6 view here")
    sub.add_parser("userdata")
    sub.add_parser("stack")
    sub.add_parser("agent")
    args = ap.parse_args()
    try:
        {"packer": check_packer, "userdata": check_userdata, "stack": check_stack, "agent": check_agent}[args.cmd](args)
    except (CheckFailed, KeyError, StopIteration, TypeError) as e:
        print(f"  FAIL {type(e).__name__ if not isinstance(e, CheckFailed) else ''} {e}".rstrip())
        sys.exit(1)


if __name__ == "__main__":
    main()
