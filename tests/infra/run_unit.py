"""Start a systemd service the way systemd would, from a provisioned scratch root.

Used by scripts/test-infra: after packer/provision.sh has laid the AMI's files into ROOT, this
runs the unit's exact ExecStart command line with the unit's Environment= settings, its
EnvironmentFile (read from ROOT), its WorkingDirectory and its User, with no new privileges.
The unit's absolute paths under /opt/conduit are kept verbatim: the command runs in a private
mount namespace (unshare) where ROOT/opt/conduit is bind-mounted on /opt/conduit, so nothing on
this machine outside ROOT changes and the command line is byte-for-byte the unit's.

  run_unit.py show UNIT                    parsed unit as JSON
  run_unit.py exec --root ROOT UNIT        replace this process with the service (stdout is
                                           appended to ROOT + the unit's StandardOutput=append: file)
"""

import argparse
import json
import os
import shlex
import sys

MOUNTED = "/opt/conduit"


def parse_unit(path):
    """Returns {section: [(key, value), ...]} with continuation lines joined."""
    sections, current, pending = {}, None, ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if pending:
                line = pending + " " + line.strip()
                pending = ""
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.endswith("\\"):
                pending = stripped[:-1].rstrip()
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                current = stripped[1:-1]
                sections.setdefault(current, [])
                continue
            key, _, value = stripped.partition("=")
            sections.setdefault(current, []).append((key.strip(), value.strip()))
    return sections


def service(path):
    svc = parse_unit(path).get("Service", [])
    env, env_files, out = {}, [], {}
    for key, value in svc:
        if key == "Environment":
            for assignment in shlex.split(value):
                k, _, v = assignment.partition("=")
                env[k] = v
        elif key == "EnvironmentFile":
            env_files.append(value)
        else:
            out[key] = value
    exec_start = out.get("ExecStart", "")
    if "%" in exec_start or '"' in exec_start or "'" in exec_start or "$" in exec_start:
        raise SystemExit("ExecStart uses specifiers, quotes or variables; this runner does not expand them")
    return {
        "exec_start": exec_start.split(),
        "environment": env,
        "environment_files": env_files,
        "working_directory": out.get("WorkingDirectory", "/"),
        "user": out.get("User"),
        "standard_output": out.get("StandardOutput", "journal"),
        "timeout_stop_sec": out.get("TimeoutStopSec"),
        "success_exit_status": out.get("SuccessExitStatus", ""),
        "settings": out,
    }


def read_env_file(path):
    """systemd EnvironmentFile= syntax: KEY=VALUE lines, # or ; comments, optional quotes."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            key, sep, value = line.partition("=")
            if not sep:
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            env[key.strip()] = value
    return env


def passwd_entry(root, user):
    with open(os.path.join(root, "etc/passwd"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(":")
            if fields[0] == user:
                return fields
    raise SystemExit(f"user {user} not in {root}/etc/passwd")


def exec_service(root, unit_path):
    unit = service(unit_path)
    root = os.path.abspath(root)
    # systemd's base environment for a system service with User=
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", "LANG": "C.UTF-8"}
    uid = gid = None
    if unit["user"]:
        fields = passwd_entry(root, unit["user"])
        uid, gid = fields[2], fields[3]
        env.update({"USER": fields[0], "LOGNAME": fields[0], "HOME": fields[5], "SHELL": fields[6]})
    env.update(unit["environment"])
    for spec in unit["environment_files"]:
        optional = spec.startswith("-")
        path = os.path.join(root, spec.lstrip("-").lstrip("/"))
        if not os.path.exists(path):
            if optional:
                continue
            raise SystemExit(f"EnvironmentFile {spec} missing: {path}")
        env.update(read_env_file(path))      # files override Environment=, as in systemd

    stdout = unit["standard_output"]
    if stdout.startswith("append:"):
        out_path = os.path.join(root, stdout[len("append:"):].lstrip("/"))
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        os.dup2(fd, 1)
        os.close(fd)

    drop = []
    if uid is not None:
        drop = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all"]
    script = ('mount -t tmpfs -o mode=0755 tmpfs /opt && mkdir /opt/conduit && '
              'mount --bind "$1" /opt/conduit && cd "$2" && shift 2 && exec "$@"')
    argv = (["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh",
             os.path.join(root, MOUNTED.lstrip("/")), unit["working_directory"]]
            + drop + unit["exec_start"])
    os.execvpe(argv[0], argv, env)


def main():
    ap = argparse.ArgumentParser(description="run a systemd unit from a scratch root")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("unit")
    e = sub.add_parser("exec")
    e.add_argument("--root", required=True)
    e.add_argument("unit")
    args = ap.parse_args()
    if args.cmd == "show":
        json.dump(service(args.unit), sys.stdout, indent=1)
        print()
    else:
        exec_service(args.root, args.unit)


if __name__ == "__main__":
    main()
