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
    wanted = ["PORT", "DB_WRITER_URL", "DB_READER_URL", "DB_SECRET_ARN", "REDIS_URL", "REDIS_AUTH_SECRET_ARN",
              "REDIS_CLUSTER", "S3_BUCKET", "S3_PREFIX", "KMS_KEY_ID", "AWS_REGION", "CORS_ORIGINS", "DRAIN_SECONDS"]
    ok(all(k in env for k in wanted), f"env file sets {', '.join(wanted)}")
    ok(not [k for k in env if re.search(r"PASSWORD|SECRET(?!_ARN)|TOKEN|ACCESS_KEY", k)],
       "env file carries no secret values (only the secrets' ARNs)")
    ok(all("sslMode=VERIFY_IDENTITY" in env[k] for k in ("DB_WRITER_URL", "DB_READER_URL")),
       "database URLs require verified TLS")
    ok(env["REDIS_URL"].startswith("rediss://"), "Redis URL uses TLS (rediss://)")
    _, unit = unit_settings()
    ok(unit["EnvironmentFile"] == "/etc/conduit/conduit.env", "the unit reads the file cloud-init writes")
    cmds = [" ".join(c) if isinstance(c, list) else c for c in doc["runcmd"]]
    ok(any("enable --now conduit.service" in c for c in cmds), "cloud-init starts the service")


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

    listeners = {p["Port"]: p for _, p in by_type["AWS::ElasticLoadBalancingV2::Listener"]}
    https = listeners[443]
    ok(https["Protocol"] == "HTTPS" and https["Certificates"][0]["CertificateArn"] == {"Ref": "CertificateArn"},
       "HTTPS listener on 443 with the CertificateArn parameter")
    redirect = listeners[80]["DefaultActions"][0]
    ok(redirect["Type"] == "redirect" and redirect["RedirectConfig"]["Protocol"] == "HTTPS"
       and redirect["RedirectConfig"]["StatusCode"] == "HTTP_301", "HTTP listener redirects to HTTPS (301)")

    env, unit = unit_settings()
    drain, grace = int(env["DRAIN_SECONDS"]), int(env["SHUTDOWN_GRACE_SECONDS"])
    tg = r["TargetGroup"]["Properties"]
    attrs = {a["Key"]: a["Value"] for a in tg["TargetGroupAttributes"]}
    delay = int(attrs["deregistration_delay.timeout_seconds"])
    ok(tg["HealthCheckPath"] == "/observe/health/ready", "target group checks the readiness endpoint")
    ok(delay == drain + grace,
       f"deregistration delay {delay}s = DRAIN_SECONDS {drain} + SHUTDOWN_GRACE_SECONDS {grace}")
    detect = tg["HealthCheckIntervalSeconds"] * tg["UnhealthyThresholdCount"]
    ok(detect <= drain, f"a draining instance is marked unhealthy within {detect}s <= DRAIN_SECONDS {drain}")
    stop = int(unit["TimeoutStopSec"])
    ok(stop > drain + grace, f"unit TimeoutStopSec {stop}s > drain + grace ({drain + grace}s)")
    ok(tg["HealthCheckTimeoutSeconds"] < tg["HealthCheckIntervalSeconds"], "health check timeout < interval")

    ltd = r["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    md = ltd["MetadataOptions"]
    ok(md["HttpTokens"] == "required" and md["HttpPutResponseHopLimit"] == 1, "launch template: IMDSv2 only, hop limit 1")
    ok("KeyName" not in ltd, "launch template: no SSH key pair")
    ok(all(b["Ebs"]["Encrypted"] is True for b in ltd["BlockDeviceMappings"]), "launch template: encrypted volumes")
    ok(ltd["IamInstanceProfile"] == {"Arn": {"Fn::GetAtt": "InstanceProfile.Arn"}}, "launch template: instance profile")

    asg = r["AutoScalingGroup"]["Properties"]
    ok(asg["HealthCheckType"] == "ELB" and asg["TargetGroupARNs"] == [{"Ref": "TargetGroup"}],
       "ASG: ELB health checks on the target group")
    ok(len(asg["VPCZoneIdentifier"]) >= 2, "ASG spans the private subnets of both AZs")
    policy = r["CpuTargetTracking"]["Properties"]
    ok(policy["PolicyType"] == "TargetTrackingScaling", "ASG: target-tracking scaling policy")

    db = r["DbCluster"]["Properties"]
    ok(db["Engine"] == "aurora-mysql" and db["StorageEncrypted"] is True and db["DeletionProtection"] is True
       and db["BackupRetentionPeriod"] >= 7, "Aurora MySQL: encrypted, deletion protection, backups")
    instances = [p for _, p in by_type["AWS::RDS::DBInstance"] if p["DBClusterIdentifier"] == {"Ref": "DbCluster"}]
    ok(len(instances) >= 2, f"Aurora: writer + reader ({len(instances)} instances)")
    ok("{{resolve:secretsmanager:" in str(db["MasterUserPassword"]), "DB password comes from Secrets Manager")

    redis = r["Redis"]["Properties"]
    ok(redis["MultiAZEnabled"] is True and redis["AutomaticFailoverEnabled"] is True and redis["NumCacheClusters"] >= 2,
       "Redis: Multi-AZ with automatic failover")
    ok(redis["TransitEncryptionEnabled"] is True and "AuthToken" in redis, "Redis: in-transit TLS + AUTH")
    ok(redis["AtRestEncryptionEnabled"] is True, "Redis: encrypted at rest")

    bucket = r["UploadsBucket"]["Properties"]
    sse = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    ok(sse["SSEAlgorithm"] == "aws:kms", "bucket: SSE-KMS")
    ok(all(bucket["PublicAccessBlockConfiguration"].values()), "bucket: all public access blocked")
    stmts = r["UploadsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    ok(any(s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
           for s in stmts), "bucket policy: TLS only")
    ok(r["AppKey"]["Properties"]["EnableKeyRotation"] is True, "KMS key with rotation")
    ok(any(n == "DbSecret" for n, _ in by_type["AWS::SecretsManager::Secret"]), "Secrets Manager secret for the DB")

    role = r["InstanceRole"]["Properties"]
    app = next(p for p in role["Policies"] if p["PolicyName"] == "app-data")["PolicyDocument"]["Statement"]
    actions = [a for s in app for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    ok(not [a for a in actions if a.endswith("*")], "instance role: no wildcard actions")
    objects = next(s for s in app if "s3:GetObject" in s["Action"])
    ok(objects["Resource"] == {"Fn::Sub": "${UploadsBucket.Arn}/${UploadsPrefix}*"}, "instance role: objects under the prefix only")
    kms = next(s for s in app if "kms:Decrypt" in s["Action"])
    ok(kms["Resource"] == {"Fn::GetAtt": "AppKey.Arn"}, "instance role: the app key only")
    secrets = next(s for s in app if s["Action"] == "secretsmanager:GetSecretValue")
    ok(secrets["Resource"] == [{"Ref": "DbSecret"}, {"Ref": "RedisAuthSecret"}], "instance role: its two secrets only")

    alarms = {p["MetricName"]: p for _, p in by_type["AWS::CloudWatch::Alarm"]}
    for metric in ("HTTPCode_Target_5XX_Count", "TargetResponseTime", "UnHealthyHostCount"):
        ok(metric in alarms and alarms[metric]["AlarmActions"] == [{"Ref": "AlarmTopic"}],
           f"alarm on {metric} -> SNS topic")
    for out in ("AutoScalingGroupName", "LaunchTemplateId", "ReleaseAlarms"):
        ok(out in t["Outputs"], f"output {out} (used by scripts/release --stack)")


def check_agent(_args):
    cfg = json.load(open(AGENT, encoding="utf-8"))
    _, unit = unit_settings()
    log_file = unit["StandardOutput"].split(":", 1)[1]
    files = cfg["logs"]["logs_collected"]["files"]["collect_list"]
    ok(any(f["file_path"] == log_file for f in files), f"agent ships the unit's log file {log_file}")
    stack = load_stack()
    groups = {p["Properties"]["LogGroupName"] for p in stack["Resources"].values() if p["Type"] == "AWS::Logs::LogGroup"}
    used = {f["log_group_name"] for f in files} | {cfg["logs"]["logs_collected"]["prometheus"]["log_group_name"]}
    ok(used <= groups, f"agent log groups {sorted(used)} are created by the stack")
    prom = cfg["logs"]["logs_collected"]["prometheus"]["prometheus_config_path"]
    ok(prom.endswith("/conduit-prometheus.yaml"), "agent scrapes Prometheus with the baked scrape config")
    scrape = yaml.safe_load(open(os.path.join(PACKER, "files", "prometheus.yaml"), encoding="utf-8"))
    ok(scrape["scrape_configs"][0]["metrics_path"] == "/observe/metrics", "scrape path is /observe/metrics")
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
